/**
 * Containers: `login --callback-host 0.0.0.0` listens on every interface
 * (so a port published with `docker run -p 127.0.0.1:8400:8400` reaches it),
 * says so on stderr, and still sends AWS a 127.0.0.1 redirect URI, through
 * which the login completes.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  DEMO_SESSION,
  loginWaitingForCallback,
  runInProcess,
  tcpListeners,
  tempHome,
} from "../helpers.ts";

Deno.test({
  name:
    "--callback-host 0.0.0.0: bound on every interface, warned about, and the login completes through 127.0.0.1",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    const { proc, authorize: url, callback: redirect, browser } =
      await loginWaitingForCallback(server, home, [
        "--callback-host",
        "0.0.0.0",
      ]);
    assert.equal(redirect.hostname, "127.0.0.1");
    const port = Number(redirect.port);
    assert.deepEqual(tcpListeners(port), [
      `00000000:${port.toString(16).toUpperCase().padStart(4, "0")}`,
    ]);
    const approved = await fetch(url, { redirect: "manual" });
    await approved.body?.cancel();
    const callback = await fetch(approved.headers.get("location")!, browser);
    assert.equal(callback.status, 200);
    await callback.body?.cancel();
    const result = await proc.finish();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stderr,
      "aws-signin: [WARNING]: The sign-in callback listens on 0.0.0.0, which is not a loopback address: it can " +
        "be reached from the network while the login waits (only a callback with this login's own state is " +
        "accepted).\n",
    );
    assert.equal(
      await Deno.readTextFile(home.config),
      `[default]\nlogin_session = ${DEMO_SESSION}\n`,
    );
    assert.deepEqual(tcpListeners(port), [], "closed after the login");
  },
});

Deno.test("--callback-host is refused with --remote", async () => {
  await using home = await tempHome();
  const remote = await runInProcess([
    "login",
    "--remote",
    "--callback-host",
    "0.0.0.0",
  ], { env: home.env });
  assert.equal(remote.code, 252);
  assert.match(remote.stderr, /takes none of --callback-port, --callback-host/);
});
