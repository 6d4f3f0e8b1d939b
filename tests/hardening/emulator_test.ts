/**
 * Hardening 9: the emulator off loopback: a warning for a non-loopback
 * --host, a control API that only a same-origin JSON client on loopback can
 * use, and request bodies with a size limit.
 */
import assert from "node:assert/strict";
import { createEmulator } from "../../lib/emulator/handler.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import { runCliProcess } from "../helpers.ts";

Deno.test("a non-loopback --host is warned about", async () => {
  // 192.0.2.1 (TEST-NET-1) is never assigned here: the bind fails after the warning.
  const result = await runCliProcess(
    ["emulator", "--host", "192.0.2.1", "--port", "0"],
    {},
  );
  assert.match(
    result.stderr,
    /^aws-signin: \[WARNING\]: The emulator listens on 192\.0\.2\.1, which is not a loopback address: anyone who can reach it can sign in as its principals and drive its control API\.\n/,
  );
  assert.equal(result.code, 253);
});

Deno.test("the control API wants JSON, a loopback Host and no foreign Origin", async () => {
  const emulator = createEmulator();
  const post = (headers: Record<string, string>) =>
    emulator.handle(
      new Request("http://127.0.0.1:8099/_emulator/clock", {
        method: "POST",
        headers,
        body: '{"advanceSeconds": 3600}',
      }),
    );
  const before = emulator.now();
  const refused: [Record<string, string>, number][] = [
    [{ "content-type": "text/plain" }, 415],
    [{}, 415],
    [{ "content-type": "application/json", host: "evil.example:8099" }, 403],
    [{ "content-type": "application/json", host: "rebind.example" }, 403],
    [{
      "content-type": "application/json",
      origin: "https://evil.example",
    }, 403],
    [{ "content-type": "application/json", origin: "null" }, 403],
  ];
  for (const [headers, status] of refused) {
    const response = await post(headers);
    assert.equal(response.status, status, JSON.stringify(headers));
    await response.body?.cancel();
  }
  assert.ok(emulator.now() - before < 60_000, "the clock did not move");
  const ok = await post({
    "content-type": "application/json",
    origin: "http://127.0.0.1:8099",
  });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const plain = await post({ "content-type": "application/json" });
  assert.equal(plain.status, 200);
  await plain.body?.cancel();
  assert.ok(emulator.now() - before >= 7_200_000);
  // Reading the log is refused from a foreign host too (DNS rebinding).
  const log = await emulator.handle(
    new Request("http://127.0.0.1:8099/_emulator/requests", {
      headers: { host: "rebind.example" },
    }),
  );
  assert.equal(log.status, 403);
  await log.body?.cancel();
});

Deno.test("request bodies over 64 KiB get 413", async () => {
  const emulator = createEmulator();
  for (const path of ["/v1/token", "/", "/_emulator/faults"]) {
    const response = await emulator.handle(
      new Request(`http://127.0.0.1:8099${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(64 * 1024 + 1),
      }),
    );
    assert.equal(response.status, 413, path);
    await response.body?.cancel();
  }
});

/** A non-loopback address of this machine, if it has one. */
function nonLoopbackAddress(): string | undefined {
  return Deno.networkInterfaces().find((i) =>
    i.family === "IPv4" && !i.address.startsWith("127.")
  )?.address;
}

Deno.test("the control API refuses a peer that is not on loopback, whatever Host it names", async () => {
  const emulator = createEmulator();
  const before = emulator.now();
  const request = () =>
    new Request("http://127.0.0.1:8099/_emulator/clock", {
      method: "POST",
      headers: { "content-type": "application/json", host: "127.0.0.1:8099" },
      body: '{"advanceSeconds": 3600}',
    });
  const remote = await emulator.handle(request(), "192.0.2.7");
  assert.equal(remote.status, 403);
  await remote.body?.cancel();
  const log = await emulator.handle(
    new Request("http://127.0.0.1:8099/_emulator/requests"),
    "10.1.2.3",
  );
  assert.equal(log.status, 403);
  await log.body?.cancel();
  assert.ok(emulator.now() - before < 60_000, "the clock did not move");
  const local = await emulator.handle(request(), "127.0.0.1");
  assert.equal(local.status, 200);
  await local.body?.cancel();
});

Deno.test({
  name:
    "--host 0.0.0.0: a connection from a non-loopback source address to 127.0.0.1 cannot drive the control API",
  ignore: nonLoopbackAddress() === undefined,
  async fn() {
    await using server = await startEmulator({ host: "0.0.0.0" });
    const port = server.port;
    const client = Deno.createHttpClient({
      localAddress: nonLoopbackAddress()!,
    });
    try {
      const before = server.emulator.now();
      const clock = await fetch(`http://127.0.0.1:${port}/_emulator/clock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"advanceSeconds": 3600}',
        client,
      });
      assert.equal(clock.status, 403);
      await clock.body?.cancel();
      const log = await fetch(`http://127.0.0.1:${port}/_emulator/requests`, {
        client,
      });
      assert.equal(log.status, 403);
      await log.body?.cancel();
      assert.ok(server.emulator.now() - before < 60_000);
      const local = await fetch(`http://127.0.0.1:${port}/_emulator/requests`);
      assert.equal(local.status, 200);
      await local.body?.cancel();
    } finally {
      client.close();
    }
  },
});
