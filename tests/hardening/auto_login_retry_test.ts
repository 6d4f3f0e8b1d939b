/**
 * Hardening III, item 1 and the waiters: a sign-in that `--auto-login`
 * started and that was refused, timed out or killed is not started again by
 * the next caller (an IDE, an SDK, a daemon retrying) for a cool-down,
 * whether it waited for the lock or came later; `serve` remembers a refusal
 * for this session's files only; processes that wait for another's sign-in
 * wait as long as it may take and say what for.
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import { baseEnv, cliCommand, runProcess } from "../../dev/process.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  COOL_DOWN_MS,
  coolingDown,
} from "../../lib/credentials/login_again.ts";
import { commandLine } from "../_platform.ts";
import {
  eventually,
  hasScript,
  loginThrough,
  readOrNull,
  runCliProcess,
  standInBrowser,
  tempHome,
} from "../helpers.ts";
import {
  ageMarker,
  browserOpenings,
  endedSession,
  env,
} from "../beyond/_auto_login.ts";
import { MFA_SERIAL, roleEmulator, roleHome, SECURE } from "../roles/_setup.ts";

const EXPORT = [
  "configure",
  "export-credentials",
  "--profile",
  "dev",
  "--auto-login",
];

function refreshCalls(server: {
  emulator: { requests: readonly { operation: string; grantType?: string }[] };
}): number {
  return server.emulator.requests.filter((r) =>
    r.operation === "CreateOAuth2Token" && r.grantType !== "authorization_code"
  ).length;
}

Deno.test("a refused sign-in: the next callers open no browser for a cool-down, and are told why and what to run", async () => {
  // The emulator shows its picker, where the stand-in browser clicks "deny".
  await using server = await startEmulator();
  const { home, file } = await endedSession(server);
  await using _home = home;
  const deny = env(home, server, { BROWSER: standInBrowser("deny") });
  const first = await runCliProcess(EXPORT, deny);
  assert.equal(first.code, 255);
  assert.equal(await browserOpenings(home), 1);
  // Two more callers in a row (none of them waited for the lock): no browser.
  for (let i = 0; i < 2; i++) {
    const again = await runCliProcess(EXPORT, deny);
    assert.equal(again.code, 255);
    assert.equal(again.stdout, "");
    assert.match(
      again.stderr,
      /Your session has expired\. Please reauthenticate using 'aws-signin login --profile dev'\.\nNo sign-in was started \(--auto-login\): the last sign-in in the browser for this session was refused just now, and no other is opened for 10 minutes\. Run 'aws-signin login --profile dev' to sign in now\.\n$/,
    );
  }
  assert.equal(await browserOpenings(home), 1);
  const status = await runCliProcess(
    ["status", "--profile", "dev", "--auto-login"],
    deny,
  );
  assert.match(
    status.stdout,
    /auto sign-in +on, but not possible here: the last sign-in in the browser for this session was refused just now, and no other is opened for 10 minutes\n/,
  );
  // After the cool-down, one more try; refused again, the next cool-down is twice as long.
  await ageMarker(file, 11 * 60_000);
  assert.equal((await runCliProcess(EXPORT, deny)).code, 255);
  assert.equal(await browserOpenings(home), 2);
  const later = await runCliProcess(EXPORT, deny);
  assert.match(later.stderr, /no other is opened for 20 minutes\./);
  assert.equal(await browserOpenings(home), 2);
  // A login on purpose ends the cool-down.
  await loginThrough(server.url, home);
  assert.equal(await readOrNull(`${file}.sign-in`), null);
});

Deno.test("a sign-in whose process was killed (a tool's own time limit) counts as timed out", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const { home } = await endedSession(server);
  await using _home = home;
  const ignore = env(home, server, {
    BROWSER: standInBrowser("record"),
    BROWSER_RECORD: `${home.dir}/url`,
  });
  const proc = spawnCli(EXPORT, ignore);
  assert.ok(await eventually(async () => (await browserOpenings(home)) === 1));
  proc.kill("SIGKILL");
  await proc.finish();
  const next = await runCliProcess(EXPORT, ignore);
  assert.equal(next.code, 255);
  assert.match(
    next.stderr,
    /No sign-in was started \(--auto-login\): the last sign-in in the browser for this session timed out just now, and no other is opened for 2 minutes\./,
  );
  assert.equal(await browserOpenings(home), 1);
});

Deno.test("export-credentials --auto-login of a logged-out session keeps the line that says why no sign-in was started", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await loginThrough(server.url, home);
  await runCliProcess(["logout", "--profile", "dev"], home.env);
  const result = await runCliProcess(EXPORT, {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
    SSH_CONNECTION: "192.0.2.9 50000 192.0.2.2 22",
  });
  assert.equal(result.code, 253);
  assert.match(
    result.stderr,
    /Unable to retrieve credentials: .*\nNo sign-in was started \(--auto-login\): this is an SSH session without a display/,
  );
});

Deno.test("serve remembers a refused sign-in for this session: another profile's entry changing does not start it again", async () => {
  await using server = await startEmulator();
  const { home } = await endedSession(server);
  await using _home = home;
  const proc = spawnCli(
    ["serve", "--profile", "dev", "--auto-login"],
    env(home, server, { BROWSER: standInBrowser("deny") }),
  );
  try {
    const [, url, token] = await proc.waitForStdout(
      /FULL_URI=(\S+)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)\n/,
    );
    const get = async () => {
      const r = await fetch(url!, { headers: { authorization: token! } });
      return { status: r.status, body: await r.text() };
    };
    assert.equal((await get()).status, 500);
    assert.equal(await browserOpenings(home), 1);
    const calls = refreshCalls(server);
    // Another session's entry in the same folder is refreshed (every 15 minutes in real life).
    await Deno.writeTextFile(`${home.cache}/${"0".repeat(64)}.json`, "{}");
    const again = await get();
    assert.equal(again.status, 500);
    assert.equal(refreshCalls(server), calls, "no new refresh call");
    assert.equal(await browserOpenings(home), 1, "no new browser");
  } finally {
    proc.kill("SIGTERM");
    await proc.finish();
  }
});

Deno.test({
  name:
    "serve stops refusing an MFA role once the command its message gives was run at a terminal",
  ignore: Deno.build.os !== "linux" || !hasScript,
  async fn() {
    await using server = await roleEmulator();
    await using home = await roleHome(
      server,
      `[profile secure]\nrole_arn = ${SECURE}\nsource_profile = dev\nmfa_serial = ${MFA_SERIAL}\n`,
    );
    const proc = spawnCli(["serve", "--profile", "secure"], home.env);
    try {
      const [, url, token] = await proc.waitForStdout(
        /FULL_URI=(\S+)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)\n/,
      );
      const get = async () => {
        const r = await fetch(url!, { headers: { authorization: token! } });
        return { status: r.status, body: await r.text() };
      };
      const refused = await get();
      assert.equal(refused.status, 500);
      assert.match(refused.body, /needs an MFA code/);
      // The user does what the message says: the command once in a terminal (script(1) gives it one).
      const { cmd, args } = cliCommand([
        "configure",
        "export-credentials",
        "--profile",
        "secure",
      ]);
      const typed = await runProcess(
        "script",
        ["-qec", commandLine([cmd, ...args]), "/dev/null"],
        { ...baseEnv(), ...home.env },
        { stdin: "123456\n", timeoutMs: 30_000 },
      );
      assert.equal(typed.code, 0, typed.stdout);
      const served = await get();
      assert.equal(served.status, 200, served.body);
      assert.match(JSON.parse(served.body).AccessKeyId, /^ASIA/);
    } finally {
      proc.kill("SIGTERM");
      await proc.finish();
    }
  },
});

Deno.test("a process without --auto-login waits for another's sign-in in the browser, says so, and gets its credentials", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const { home } = await endedSession(server);
  await using _home = home;
  // The person takes longer than the 30 s a refresh may keep a waiter.
  const signingIn = spawnCli(
    EXPORT,
    env(home, server, { BROWSER_DELAY_MS: "33000" }),
  );
  try {
    await signingIn.waitForStderr(/signing in again in your browser/);
    const waiter = await runCliProcess(
      ["configure", "export-credentials", "--profile", "dev"],
      env(home, server),
      { timeoutMs: 90_000 },
    );
    assert.equal(waiter.code, 0, waiter.stderr);
    assert.match(JSON.parse(waiter.stdout).AccessKeyId, /^ASIA/);
    assert.match(
      waiter.stderr,
      /^aws-signin: \[WARNING\]: Waiting for another process to finish signing in again in the browser for profile 'dev' \(--auto-login\); it may take up to \d+ seconds\.\n$/,
    );
  } finally {
    const result = await signingIn.finish();
    assert.equal(result.code, 0, result.stderr);
  }
});

Deno.test("a sign-in stopped with SIGTERM (a tool's own timeout) cools down too; only Ctrl-C does not", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const { home } = await endedSession(server);
  await using _home = home;
  const ignore = env(home, server, {
    BROWSER: standInBrowser("record"),
    BROWSER_RECORD: `${home.dir}/url`,
  });
  const sts = [
    "sts",
    "get-caller-identity",
    "--profile",
    "dev",
    "--auto-login",
  ];
  const proc = spawnCli(sts, ignore);
  assert.ok(await eventually(async () => (await browserOpenings(home)) === 1));
  proc.kill("SIGTERM");
  assert.equal((await proc.finish()).code, 130);
  const next = await runCliProcess(sts, ignore);
  assert.equal(next.code, 255);
  assert.match(next.stderr, /timed out just now, and no other is opened/);
  assert.equal(await browserOpenings(home), 1);
});

Deno.test("a cool-down never outlasts its length when the clock was set back", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const entry = `${dir}/entry.json`;
    const now = Date.now();
    Deno.writeTextFileSync(
      `${entry}.sign-in`,
      JSON.stringify({
        started: now + 7_200_000,
        until: now + 7_300_000,
        outcome: "refused",
        ended: now + 7_200_000,
        failures: 1,
      }),
    );
    const recent = coolingDown(entry, now);
    assert.equal(recent?.left, COOL_DOWN_MS.refused);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
