/**
 * Refreshing a login session through the emulator: what is rewritten, the
 * errors, the fallback when the service is unreachable, clock skew, and many
 * processes at once (with the lock holder killed mid-refresh).
 */
import assert from "node:assert/strict";
import { FEATURES } from "../_platform.ts";
import { sha256Hex } from "../../lib/util/encoding.ts";
import { shlexQuote } from "../../lib/util/shlex.ts";
import { formatExpiresAt } from "../../lib/util/time.ts";
import { buildSharedConfig } from "../../lib/config/profiles.ts";
import { resolveProfile } from "../../lib/config/selection.ts";
import { realSleep } from "../../lib/util/sleep.ts";
import { resolveCredentials } from "../../lib/credentials/chain.ts";
import {
  type EmulatorServer,
  startEmulator,
} from "../../lib/emulator/server.ts";
import {
  lockIsHeld,
  ROOT,
  runCliProcess,
  runSdkScript,
  standInBrowser,
  type TempHome,
  tempHome,
} from "../helpers.ts";
import { spawnCli } from "../../dev/interactive.ts";

const SESSION = "arn:aws:iam::111122223333:user/demo";

async function loggedIn(
  server: EmulatorServer,
  home: TempHome,
  profile = "dev",
): Promise<string> {
  const result = await runCliProcess(
    ["login", "--profile", profile, "--region", "us-east-1"],
    {
      ...home.env,
      BROWSER: standInBrowser("approve"),
      AWS_ENDPOINT_URL_SIGNIN: server.url,
    },
  );
  assert.equal(result.code, 0, result.stderr);
  return `${home.cache}/${await sha256Hex(SESSION)}.json`;
}

/** Moves the entry's expiry to `secondsLeft` from now, as if time had passed. */
async function age(file: string, secondsLeft: number): Promise<string> {
  const text = await Deno.readTextFile(file);
  const aged = text.replace(
    /"expiresAt": "[^"]+"/,
    `"expiresAt": "${formatExpiresAt(Date.now() + secondsLeft * 1000)}"`,
  );
  await Deno.writeTextFile(file, aged);
  return aged;
}

function refreshes(server: EmulatorServer) {
  return server.emulator.requests.filter((r) => r.grantType === "refresh_token")
    .map((r) => [r.status, r.error ?? ""]);
}

function env(
  home: TempHome,
  server: EmulatorServer | string,
): Record<string, string> {
  return {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: typeof server === "string" ? server : server.url,
  };
}

async function fault(server: EmulatorServer, body: Record<string, unknown>) {
  await (await fetch(`${server.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  })).body?.cancel();
}

Deno.test("a refresh rewrites only accessToken (keeping accountId) and refreshToken, and keeps unknown keys", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loggedIn(server, home);
  const withExtra = (await age(file, 120)).replace(
    /\}$/,
    ', "x-extra": {"kept": [1, "two"]}}',
  );
  await Deno.writeTextFile(file, withExtra);
  const before = JSON.parse(withExtra);
  const result = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
    "--debug",
  ], env(home, server));
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /aws-signin \[debug\] login session arn:aws:iam::111122223333:user\/demo: 1[012]\d s left, refreshing\n/,
  );
  assert.match(result.stderr, /refreshed; the new credentials expire at /);
  const text = await Deno.readTextFile(file);
  const after = JSON.parse(text);
  assert.deepEqual(Object.keys(after), Object.keys(before), "key order kept");
  for (const key of Object.keys(before)) {
    if (key !== "accessToken" && key !== "refreshToken") {
      assert.deepEqual(after[key], before[key], key);
    }
  }
  assert.notEqual(after.refreshToken, before.refreshToken);
  assert.notEqual(
    after.accessToken.accessKeyId,
    before.accessToken.accessKeyId,
  );
  assert.equal(after.accessToken.accountId, "111122223333");
  assert.match(text, /^\{"accessToken": \{"accessKeyId": "ASIA/);
  if (FEATURES.fileModes.has) {
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  }
  const printed = JSON.parse(result.stdout);
  assert.equal(printed.AccessKeyId, after.accessToken.accessKeyId);
  assert.equal(
    printed.Expiration,
    after.accessToken.expiresAt.replace("Z", "+00:00"),
  );
  // No secret in the debug output.
  for (
    const secret of [
      after.accessToken.secretAccessKey,
      after.accessToken.sessionToken,
      after.refreshToken,
    ]
  ) {
    assert.ok(!result.stderr.includes(secret));
  }
  assert.deepEqual(refreshes(server), [[200, ""]]);
  // Fresh now: the next call makes no network call.
  await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    env(home, server),
  );
  assert.deepEqual(refreshes(server), [[200, ""]]);
});

Deno.test("refresh errors: the AWS CLI's messages with the next step, not wrapped, exit 255, cache entry untouched", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loggedIn(server, home);
  const cases: [string, string][] = [
    [
      "TOKEN_EXPIRED",
      "Your session has expired. Please reauthenticate using 'aws-signin login --profile dev'.",
    ],
    [
      "USER_CREDENTIALS_CHANGED",
      "Unable to refresh login credentials because of a change in your password. Please reauthenticate with your " +
      "new password using 'aws-signin login --profile dev'.",
    ],
    [
      "INSUFFICIENT_PERMISSIONS",
      "Unable to create or refresh login credentials due to insufficient permissions. You may be missing " +
      "permission for the 'signin:CreateOAuth2Token' action. Ask your administrator to attach the AWS managed " +
      "policy SignInLocalDevelopmentAccess (or an equivalent) to your identity, then run 'aws-signin login " +
      "--profile dev' again.",
    ],
  ];
  const aged = await age(file, -30);
  for (const [error, message] of cases) {
    await fault(server, {
      operation: "CreateOAuth2Token",
      error,
      message: "x",
    });
    const result = await runCliProcess([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ], env(home, server));
    // As the AWS CLI: a refresh happens after loading, outside "Unable to retrieve credentials".
    assert.deepEqual(result, {
      code: 255,
      stdout: "",
      stderr: `aws-signin: [ERROR]: ${message}\n`,
    }, error);
    assert.equal(await Deno.readTextFile(file), aged);
  }
  // A revoked session, for real.
  await (await fetch(`${server.url}/_emulator/revoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  })).body?.cancel();
  const revoked = await runCliProcess([
    "sts",
    "get-caller-identity",
    "--profile",
    "dev",
  ], {
    ...env(home, server),
    AWS_ENDPOINT_URL_STS: server.url,
  });
  assert.deepEqual(revoked, {
    code: 255,
    stdout: "",
    stderr:
      "aws-signin: [ERROR]: Your session has expired. Please reauthenticate using 'aws-signin login --profile dev'.\n",
  });
  assert.equal(await Deno.readTextFile(file), aged);
});

Deno.test("service unreachable: still-valid cached credentials are used (and --debug says so); expired ones fail", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loggedIn(server, home);
  const dead = await startEmulator();
  const deadUrl = dead.url;
  await dead.close();
  const aged = await age(file, 100);
  const ok = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
    "--debug",
  ], env(home, deadUrl));
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(
    JSON.parse(ok.stdout).AccessKeyId,
    JSON.parse(aged).accessToken.accessKeyId,
  );
  assert.match(
    ok.stderr,
    /the refresh failed \(Could not connect to the endpoint URL: .*\); the cached credentials are still valid until .*, using them/,
  );
  assert.equal(await Deno.readTextFile(file), aged);
  await age(file, -1);
  const bad = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
  ], env(home, deadUrl));
  // A network error during a refresh: 255 and not wrapped, as the AWS CLI.
  assert.equal(bad.code, 255);
  assert.match(
    bad.stderr,
    new RegExp(
      `^aws-signin: \\[ERROR\\]: Could not connect to the endpoint URL: "${deadUrl}/v1/token"`,
    ),
  );
});

Deno.test("a server clock far ahead of ours: the refresh retries with the server's time", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loggedIn(server, home);
  server.emulator.advanceClock(900);
  await age(file, 60);
  const result = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
    "--debug",
  ], env(home, server));
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /the server's clock differs from ours by (89\d|90\d) s; retrying with its time/,
  );
  assert.deepEqual(refreshes(server), [[400, "INVALID_REQUEST"], [200, ""]]);
});

Deno.test("the refresh goes to the region that issued the session, then the profile's, then AWS_REGION", async () => {
  await using home = await tempHome();
  const urls: string[] = [];
  const fetchSpy = ((url: string | URL) => {
    urls.push(String(url));
    return Promise.resolve(new Response("{}", { status: 400 }));
  }) as typeof fetch;
  const { generateDpopKey, toSec1Pem } = await import(
    "../../lib/signin/dpop.ts"
  );
  const pem = toSec1Pem((await generateDpopKey()).jwk);
  for (
    const [signInRegion, profileRegion, envRegion, expected] of [
      ["eu-west-1", "us-east-1", "ap-south-1", "eu-west-1"],
      [undefined, "us-east-2", "ap-south-1", "us-east-2"],
      [undefined, undefined, "ap-south-1", "ap-south-1"],
    ] as const
  ) {
    await Deno.mkdir(home.cache, { recursive: true });
    await Deno.writeTextFile(
      `${home.cache}/${await sha256Hex(SESSION)}.json`,
      JSON.stringify({
        accessToken: {
          accessKeyId: "A",
          secretAccessKey: "S",
          sessionToken: "T",
          accountId: "1",
          expiresAt: "2020-01-01T00:00:00Z",
        },
        clientId: "arn:aws:signin:::devtools/same-device",
        refreshToken: "r",
        dpopKey: pem,
        ...(signInRegion ? { signInRegion } : {}),
      }),
    );
    const config = `[profile dev]\nlogin_session = ${SESSION}\n${
      profileRegion ? `region = ${profileRegion}\n` : ""
    }`;
    await resolveCredentials({
      profile: resolveProfile(
        buildSharedConfig("config", config, "credentials", null),
        { name: "dev", source: "flag" },
      ),
      env: { ...home.env, AWS_REGION: envRegion },
      now: Date.now,
      debug: () => {},
      warn: () => {},
      fetch: fetchSpy,
      sleep: realSleep,
    }).catch(() => {});
    assert.equal(
      urls.pop(),
      `https://${expected}.signin.aws.amazon.com/v1/token`,
    );
  }
});

Deno.test("32 processes at once inside the refresh window make exactly one CreateOAuth2Token call", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loggedIn(server, home);
  const old = JSON.parse(await age(file, 120));
  const results = await Promise.all(
    Array.from(
      { length: 32 },
      () =>
        runCliProcess(
          ["configure", "export-credentials", "--profile", "dev"],
          env(home, server),
        ),
    ),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(
    new Set(results.map((r) => r.stdout)).size,
    1,
    "all print the same credentials",
  );
  assert.notEqual(
    JSON.parse(results[0]!.stdout).AccessKeyId,
    old.accessToken.accessKeyId,
  );
  assert.deepEqual(refreshes(server), [[200, ""]]);
  const entry = JSON.parse(await Deno.readTextFile(file));
  assert.equal(
    entry.accessToken.accessKeyId,
    JSON.parse(results[0]!.stdout).AccessKeyId,
  );
  if (FEATURES.fileModes.has) {
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  }
});

Deno.test("the lock holder killed mid-refresh does not block the others", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loggedIn(server, home);
  await age(file, 120);
  // The next token call hangs for 3 s: the first process is killed while it waits.
  await fault(server, {
    operation: "CreateOAuth2Token",
    count: 1,
    delayMs: 3000,
  });
  const holder = spawnCli([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
  ], env(home, server));
  // On a loaded machine the process takes a while to start.
  const deadline = Date.now() + 30_000;
  let locked = false;
  while (
    !(locked = await lockIsHeld(`${file}.lock`)) && Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(locked, "the first process took the lock while it refreshed");
  const waiting = Array.from(
    { length: 8 },
    () =>
      spawnCli(
        ["configure", "export-credentials", "--profile", "dev", "--debug"],
        env(home, server),
      ),
  );
  // Every one of them is waiting for the lock (on a loaded machine they take a while to start).
  await Promise.all(
    waiting.map((w) => w.waitForStderr(/waiting for the lock/, 30_000)),
  );
  holder.kill("SIGKILL");
  const killed = await holder.finish();
  assert.notEqual(killed.code, 0);
  const results = await Promise.all(waiting.map((w) => w.finish()));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(new Set(results.map((r) => r.stdout)).size, 1);
  const entry = JSON.parse(await Deno.readTextFile(file));
  assert.equal(
    JSON.parse(results[0]!.stdout).AccessKeyId,
    entry.accessToken.accessKeyId,
  );
});

/** Whether `pid` holds a lock on `path` (Linux /proc/locks; elsewhere: whether the file exists). */
Deno.test("ours and the AWS JS SDK take turns refreshing the same entry through the emulator", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loggedIn(server, home);
  const sdk = async () => {
    const creds = await runSdkScript(
      "_sdk_login_credentials.ts",
      ["dev"],
      env(home, server),
    );
    return creds.accessKeyId as string;
  };
  const ours = async () => {
    const r = await runCliProcess([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ], env(home, server));
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).AccessKeyId as string;
  };
  await age(file, 120);
  const a = await ours(); // we refresh
  await age(file, 120);
  const b = await sdk(); // the SDK refreshes our entry
  await age(file, 120);
  const c = await ours(); // we refresh the SDK's entry
  assert.equal(new Set([a, b, c]).size, 3);
  assert.deepEqual(refreshes(server), [[200, ""], [200, ""], [200, ""]]);
});

Deno.test("@aws-sdk/credential-provider-process runs our export-credentials and gets what we export", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await loggedIn(server, home);
  const command = [
    Deno.execPath(),
    "run",
    "--quiet",
    "-A",
    `${ROOT}/main.ts`,
    "configure",
    "export-credentials",
    "--profile",
    "dev",
  ]
    .map(shlexQuote).join(" ");
  await Deno.writeTextFile(
    home.config,
    `\n[profile tool]\ncredential_process = ${command}\n`,
    { append: true },
  );
  const exported = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
  ], env(home, server));
  const got = await runSdkScript(
    "_sdk_process_credentials.ts",
    ["tool"],
    env(home, server),
  );
  const want = JSON.parse(exported.stdout);
  assert.equal(got.accessKeyId, want.AccessKeyId);
  assert.equal(got.secretAccessKey, want.SecretAccessKey);
  assert.equal(got.sessionToken, want.SessionToken);
  assert.equal(got.expiration, new Date(want.Expiration).toISOString());
});
