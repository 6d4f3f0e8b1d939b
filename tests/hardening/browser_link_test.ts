/**
 * Hardening III, item 4: no credential-bearing URL on any process's command
 * line. `login` (and `--auto-login`) give the browser a one-time local link
 * instead of the sign-in URL; only the browser that opened it can finish the
 * login (a cookie); a second opening stops the login; on Linux, another
 * user's program is refused the link without spending it.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { uidsInTable } from "../../lib/util/peer_uid.ts";
import {
  loginWaitingForCallback,
  readOrNull,
  runCliProcess,
  standInBrowser,
  tempHome,
} from "../helpers.ts";

const LINK = /^http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]{32}$/;

Deno.test("login: the browser's command line holds a one-time local link, which is also what the terminal shows", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const record = `${home.dir}/argv`;
  const result = await runCliProcess(
    ["login", "--region", "us-east-1", "--endpoint-url", server.url],
    {
      ...home.env,
      BROWSER: standInBrowser("approve"),
      BROWSER_ARGV: record,
    },
  );
  assert.equal(result.code, 0, result.stderr);
  const argv = (await readOrNull(record))!;
  assert.match(argv, LINK);
  assert.doesNotMatch(argv, /authorize|state=|challenge/);
  assert.ok(result.stdout.includes(`\n${argv}\n`), "the same link is printed");
});

Deno.test("login: a browser without the link's cookie cannot finish the login, even with the right state and code", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const { proc, authorize, browser } = await loginWaitingForCallback(
    server,
    home,
  );
  // The sign-in answers with a redirect to the callback (code and state).
  const approved = await fetch(authorize, { redirect: "manual" });
  await approved.body?.cancel();
  const callback = approved.headers.get("location")!;
  const stranger = await fetch(callback);
  assert.equal(stranger.status, 403);
  assert.match(await stranger.text(), /started in another browser/);
  const mine = await fetch(callback, browser);
  assert.equal(mine.status, 200);
  await mine.body?.cancel();
  const result = await proc.finish();
  assert.equal(result.code, 0, result.stderr);
});

Deno.test("login: the link opened a second time stops the login, and nothing is written", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const { proc, link } = await loginWaitingForCallback(server, home);
  const second = await fetch(link, { redirect: "manual" });
  assert.equal(second.status, 410);
  assert.match(await second.text(), /already opened/);
  const result = await proc.finish();
  assert.equal(result.code, 255);
  assert.match(
    result.stderr,
    /The sign-in link was opened twice \(in two browsers, or by another program on this computer\), so this sign-in was stopped to keep it yours\. Run "aws-signin login" again/,
  );
  assert.equal(await readOrNull(home.config), null);
});

const asNobody = (() => {
  if (Deno.build.os !== "linux") return false;
  try {
    return Deno.uid() === 0 && Deno.statSync("/usr/sbin/runuser").isFile &&
      Deno.statSync("/usr/bin/python3").isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name:
    "login: another local user's program is refused the link without spending it (Linux)",
  ignore: !asNobody,
  async fn() {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    const record = `${home.dir}/url.txt`;
    const { spawnCli } = await import("../../dev/interactive.ts");
    const proc = spawnCli(
      ["login", "--region", "us-east-1", "--endpoint-url", server.url],
      {
        ...home.env,
        BROWSER: standInBrowser("record"),
        BROWSER_RECORD: record,
      },
    );
    const deadline = Date.now() + 15_000;
    while ((await readOrNull(record)) === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const link = (await readOrNull(record))!;
    const other = await new Deno.Command("/usr/sbin/runuser", {
      args: [
        "-u",
        "nobody",
        "--",
        "/usr/bin/python3",
        "-c",
        // One request, no redirect followed: the status of the link itself.
        "import sys, http.client, urllib.parse\n" +
        "u = urllib.parse.urlsplit(sys.argv[1])\n" +
        "c = http.client.HTTPConnection(u.hostname, u.port)\n" +
        "c.request('GET', u.path)\n" +
        "print(c.getresponse().status)",
        link,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(
      new TextDecoder().decode(other.stdout).trim(),
      "403",
      new TextDecoder().decode(other.stderr),
    );
    // Not spent: the user's own browser still finishes the login.
    const browser = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `${import.meta.dirname}/../flow/_browser.ts`,
        "approve",
        link,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(browser.success, new TextDecoder().decode(browser.stderr));
    const result = await proc.finish();
    assert.equal(result.code, 0, result.stderr);
  },
});

Deno.test("the kernel's socket table is read for the peer's owner", () => {
  const table =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0\n" +
    "   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 65534        0 2 1 0\n" +
    "   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0\n";
  assert.deepEqual(uidsInTable(table, 0x1f90, 0xc350), [65534]);
  assert.deepEqual(uidsInTable(table, 0x1f90, 0xc351), []);
});

Deno.test("login: the same browser opening the link again is sent on again (its cookie), and the login finishes", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const { proc, link, browser } = await loginWaitingForCallback(server, home);
  const again = await fetch(link, { redirect: "manual", ...browser });
  assert.equal(again.status, 303);
  await again.body?.cancel();
  const approved = await fetch(again.headers.get("location")!, {
    redirect: "manual",
  });
  await approved.body?.cancel();
  const done = await fetch(approved.headers.get("location")!, browser);
  assert.equal(done.status, 200);
  await done.body?.cancel();
  assert.equal((await proc.finish()).code, 0);
});
