/**
 * Hardening 3–5: a refresh in flight never undoes a logout or overwrites a
 * new login; a process waiting for the lock never gives up before the
 * holder's refresh could finish, and falls back to still-valid cached
 * credentials; concurrent config writes lose nothing.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { spawnCli } from "../../dev/interactive.ts";
import {
  ageEntry,
  emulatorFault,
  eventually,
  lockIsHeld,
  loginThrough,
  readOrNull,
  runCliProcess,
  standInBrowser,
  type TempHome,
  tempHome,
} from "../helpers.ts";

/** Signs `dev` in, then starts a refresh that holds the lock for 2 s (the token call is delayed). */
async function refreshInFlight(emulatorUrl: string, home: TempHome) {
  const file = await loginThrough(emulatorUrl, home);
  const old = JSON.parse(await ageEntry(file, 120));
  await emulatorFault(emulatorUrl, {
    operation: "CreateOAuth2Token",
    count: 1,
    delayMs: 2000,
  });
  const env = { ...home.env, AWS_ENDPOINT_URL_SIGNIN: emulatorUrl };
  const refresh = spawnCli(
    ["configure", "export-credentials", "--profile", "dev"],
    env,
  );
  assert.ok(await eventually(() => lockIsHeld(`${file}.lock`)));
  return { file, env, refresh, old };
}

Deno.test("logout during a refresh: the refresh does not bring the entry back", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const { file, env, refresh } = await refreshInFlight(server.url, home);
  const logout = await runCliProcess(["logout", "--profile", "dev"], env);
  assert.equal(logout.code, 0, logout.stderr);
  assert.equal(await readOrNull(file), null, "gone when logout returns");
  await refresh.finish();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await readOrNull(file), null, "and it does not reappear");
});

Deno.test("login during a refresh: the new login's entry is kept", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const { file, env, refresh, old } = await refreshInFlight(server.url, home);
  const login = await runCliProcess(
    ["login", "--profile", "dev", "--region", "us-east-1"],
    { ...env, BROWSER: standInBrowser("approve") },
  );
  assert.equal(login.code, 0, login.stderr);
  const refreshed = await refresh.finish();
  assert.equal(refreshed.code, 0, refreshed.stderr);
  const after = JSON.parse(await Deno.readTextFile(file));
  assert.notEqual(after.dpopKey, old.dpopKey, "the new login's key");
  assert.notEqual(
    after.accessToken.accessKeyId,
    JSON.parse(refreshed.stdout).AccessKeyId,
    "not the refreshed old session",
  );
});

Deno.test("a process waiting for the lock outlasts the holder's refresh budget and uses still-valid cached credentials", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loginThrough(server.url, home);
  const old = JSON.parse(await ageEntry(file, 200));
  // Every token call hangs for 25 s: the holder's attempts time out.
  await emulatorFault(server.url, {
    operation: "CreateOAuth2Token",
    count: 3,
    delayMs: 25_000,
  });
  const env = { ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url };
  const started = Date.now();
  const holder = spawnCli(
    ["configure", "export-credentials", "--profile", "dev", "--debug"],
    env,
  );
  assert.ok(await eventually(() => lockIsHeld(`${file}.lock`)));
  const waiter = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev", "--debug"],
    env,
    { timeoutMs: 90_000 },
  );
  const held = await holder.finish(90_000);
  assert.equal(held.code, 0, held.stderr);
  assert.equal(waiter.code, 0, waiter.stderr);
  for (const r of [held, waiter]) {
    assert.equal(
      JSON.parse(r.stdout).AccessKeyId,
      old.accessToken.accessKeyId,
      "the cached credentials",
    );
  }
  assert.ok(Date.now() - started < 45_000, "bounded by the lock wait");
  assert.match(held.stderr, /using them/);
});

Deno.test("twelve concurrent configure set keep all twelve keys (config and credentials files)", async () => {
  await using home = await tempHome();
  const jobs = Array.from({ length: 12 }, (_, i) =>
    runCliProcess(
      ["configure", "set", `key${i}`, `v${i}`, "--profile", "conc"],
      home.env,
    ));
  const credentialJobs = Array.from({ length: 6 }, (_, i) =>
    runCliProcess(
      [
        "configure",
        "set",
        i % 2 ? "aws_access_key_id" : "aws_secret_access_key",
        `value${i}`,
        "--profile",
        `p${i}`,
      ],
      home.env,
    ));
  for (const r of await Promise.all([...jobs, ...credentialJobs])) {
    assert.equal(r.code, 0, r.stderr);
  }
  const config = await Deno.readTextFile(home.config);
  for (let i = 0; i < 12; i++) {
    assert.match(config, new RegExp(`^key${i} = v${i}$`, "m"));
  }
  const credentials = await Deno.readTextFile(home.credentials);
  for (let i = 0; i < 6; i++) {
    assert.match(credentials, new RegExp(`^\\[p${i}\\]$`, "m"));
  }
});
