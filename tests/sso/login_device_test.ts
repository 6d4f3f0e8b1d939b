/**
 * `aws-signin sso login` with the device code, black-box against the
 * emulator: a legacy profile (the device flow without asking, no refresh
 * token), `--use-device-code` with `--no-browser`, the printed texts, a
 * `SlowDownException` (the interval grows by 5 s for good), an
 * `ExpiredTokenException` and an expired code ending it with the AWS CLI's
 * text, and the device flow chosen by itself where no browser can open
 * (`--no-device-code` refuses instead).
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { spawnCli } from "../../dev/interactive.ts";
import { emulatorFault, readOrNull, standInBrowser } from "../helpers.ts";
import { control } from "../emulator/_sso.ts";
import {
  calls,
  LEGACY_TOKEN,
  mode,
  pyDumps,
  registrationFile,
  SESSION_TOKEN,
  signin,
  ssoEnv,
  ssoHome,
  ssoLogin,
  START_URL,
} from "./_setup.ts";

const EXPIRED_TEXT =
  "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token " +
  "must be restarted.";

Deno.test("legacy profile: the device flow by itself, its text, a token without a refresh token, the registration without scopes", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const before = Date.now();
  const r = await ssoLogin(server, home, ["--profile", "legacy"]);
  assert.match(
    r.stdout,
    new RegExp(
      "^Attempting to open your default browser.\nIf the browser does not open or you wish to use a different " +
        `device to authorize this request, open the following URL:\n\n${server.url}/device\n\n` +
        "Then enter the code:\n\n[A-Z]{4}-[A-Z]{4}\n" +
        `Successfully logged into Start URL: ${START_URL}\n$`,
    ),
  );
  assert.equal(r.stderr, "");
  const token = (await readOrNull(`${home.sso}/${LEGACY_TOKEN}`))!;
  const m = new RegExp(
    `^\\{"startUrl": "${START_URL}", "region": "us-east-1", "accessToken": "aoa[\\w-]+", ` +
      `"expiresAt": "([\\dT:-]+Z)", "clientId": "([\\w-]+)", "clientSecret": "([\\w.-]+)", ` +
      `"registrationExpiresAt": "([\\dT:-]+Z)"\\}$`,
  ).exec(token);
  assert.ok(m, token);
  // The legacy (scope-less) token lasts 8 hours.
  const expires = Date.parse(m[1]!);
  assert.ok(
    expires >= Math.floor(before / 1000) * 1000 + 28_800_000 &&
      expires <= Date.now() + 28_800_000,
  );
  assert.equal(
    await Deno.readTextFile(
      `${home.sso}/${registrationFile({ scopes: null, session: null })}`,
    ),
    pyDumps({ clientId: m[2], clientSecret: m[3], expiresAt: m[4] }),
  );
  assert.equal(await mode(`${home.sso}/${LEGACY_TOKEN}`), 0o600);
  assert.deepEqual(
    calls(server).filter((c) => !c.endsWith("/400")),
    [
      "RegisterClient/200",
      "StartDeviceAuthorization/200",
      "CreateToken(device_code)/200",
    ],
  );
});

Deno.test("--use-device-code --no-browser: the AWS CLI's text with the code and the autofill URL; approved elsewhere", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const proc = spawnCli(
    [
      "sso",
      "login",
      "--sso-session",
      "my-sso",
      "--use-device-code",
      "--no-browser",
    ],
    ssoEnv(server, home, { BROWSER: "false" }),
  );
  const [, code] = await proc.waitForStdout(/\n([A-Z]{4}-[A-Z]{4})\n/, 20_000);
  const approved = await control(server.url, "sso/device", { userCode: code });
  assert.deepEqual(approved.json, { approved: 1 });
  const r = await proc.finish(20_000);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `Browser will not be automatically opened.\nPlease visit the following URL:\n\n${server.url}/device\n` +
      `\nThen enter the code:\n\n${code}\n` +
      "\nAlternatively, you may visit the following URL which will autofill the code upon loading:\n" +
      `${server.url}/device?user_code=${code}\n` +
      `Successfully logged into Start URL: ${START_URL}\n`,
  );
  // A session's device token has a refresh token (scopes are configured).
  assert.match(
    (await readOrNull(`${home.sso}/${SESSION_TOKEN}`))!,
    /, "refreshToken": "aor[\w-]+"\}$/,
  );
});

Deno.test("device flow: SlowDownException adds 5 s to the interval for good", async () => {
  await using server = await startEmulator({ sso: { deviceInterval: 1 } });
  await using home = await ssoHome();
  await emulatorFault(server.url, {
    operation: "CreateToken",
    error: "SlowDownException",
    status: 400,
    message: "Client is polling too quickly",
  });
  const proc = spawnCli(
    ["sso", "login", "--profile", "legacy", "--no-browser"],
    ssoEnv(server, home),
  );
  const [, code] = await proc.waitForStdout(/\n([A-Z]{4}-[A-Z]{4})\n/, 20_000);
  await control(server.url, "sso/device", { userCode: code });
  const r = await proc.finish(30_000);
  assert.equal(r.code, 0, r.stderr);
  const polls = server.emulator.requests.filter((e) =>
    e.operation === "CreateToken"
  );
  assert.deepEqual(
    polls.map((e) => e.error ?? e.status),
    ["SlowDownException", "AuthorizationPendingException", 200],
  );
  const gap = Date.parse(polls[2]!.time) - Date.parse(polls[1]!.time);
  assert.ok(gap >= 5_900, `waited ${gap} ms (1 s + 5 s)`);
});

Deno.test("device flow: ExpiredTokenException while polling, and a code nobody confirms, end it with the AWS CLI's text (255)", async () => {
  await using server = await startEmulator({ sso: { deviceCodeTtl: 2 } });
  await using home = await ssoHome();
  await emulatorFault(server.url, {
    operation: "CreateToken",
    error: "ExpiredTokenException",
    status: 400,
  });
  const env = ssoEnv(server, home, { BROWSER: "true" });
  const first = await signin(["sso", "login", "--profile", "legacy"], env);
  assert.equal(first.code, 255, first.stderr);
  assert.equal(first.stderr, `aws-signin: [ERROR]: ${EXPIRED_TEXT}\n`);
  const second = await signin(["sso", "login", "--profile", "legacy"], env);
  assert.equal(second.code, 255, second.stderr);
  assert.equal(second.stderr, `aws-signin: [ERROR]: ${EXPIRED_TEXT}\n`);
  assert.equal(await readOrNull(`${home.sso}/${LEGACY_TOKEN}`), null);
});

Deno.test("no browser here (SSH, no DISPLAY, no BROWSER): the device code by itself, said on stderr; --no-device-code refuses", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const env = ssoEnv(server, home, {
    SSH_CONNECTION: "10.0.0.1 50000 10.0.0.2 22",
  });
  delete env.BROWSER;
  const refused = await signin(
    ["sso", "login", "--profile", "dev", "--no-device-code"],
    env,
  );
  assert.equal(refused.code, 253, refused.stderr);
  assert.match(
    refused.stderr,
    /^aws-signin: \[ERROR\]: An error occurred \(Configuration\): No browser can open here \(this is an SSH session without a display.*--no-device-code/,
  );
  assert.deepEqual(calls(server), []);

  const proc = spawnCli(["sso", "login", "--profile", "dev"], env);
  const [, code] = await proc.waitForStdout(/\n([A-Z]{4}-[A-Z]{4})\n/, 20_000);
  await control(server.url, "sso/device", { userCode: code });
  const r = await proc.finish(20_000);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /^No browser can open here \(this is an SSH session without a display.*\): signing in with a device code instead/,
  );
  // Nothing to open: the print-only text, with the URL that fills in the code.
  assert.match(
    r.stdout,
    /^Browser will not be automatically opened\.\nPlease visit the following URL:\n\n.*\/device\n\nThen enter the code:/,
  );
  assert.match(r.stdout, /Alternatively, you may visit the following URL/);
  assert.deepEqual(calls(server).filter((c) => !c.endsWith("/400")), [
    "RegisterClient/200",
    "StartDeviceAuthorization/200",
    "CreateToken(device_code)/200",
  ]);
});

Deno.test("--if-needed: a token with 15 minutes or more left → exit 0, one line, no network; a stale one → signs in", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  await ssoLogin(server, home);
  const before = await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`);
  // No network at all: the endpoints lead nowhere.
  const offline = ssoEnv({ url: "http://127.0.0.1:9" }, home, {
    BROWSER: "false",
  });
  const fresh = await signin(
    ["sso", "login", "--profile", "dev", "--if-needed"],
    offline,
  );
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.equal(fresh.stdout, "");
  assert.match(
    fresh.stderr,
    /^The IAM Identity Center token of session 'my-sso' is valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: nothing to do \(--if-needed\)\.\n$/,
  );
  assert.equal(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`),
    before,
  );

  // 14 minutes left: signed in again.
  const stale = before.replace(
    /"expiresAt": "[^"]+"/,
    `"expiresAt": "${
      new Date(Date.now() + 14 * 60_000).toISOString().replace(/\.\d+Z/, "Z")
    }"`,
  );
  await Deno.writeTextFile(`${home.sso}/${SESSION_TOKEN}`, stale);
  const r = await ssoLogin(server, home, ["--profile", "dev", "--if-needed"]);
  assert.match(r.stdout, /Successfully logged into Start URL/);
  assert.notEqual(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`),
    stale,
  );
});

Deno.test("--if-needed: a token of another portal (the session's start URL changed) is not good enough", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  await ssoLogin(server, home);
  const token = await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`);
  await Deno.writeTextFile(
    `${home.sso}/${SESSION_TOKEN}`,
    token.replace(START_URL, "https://d-0000000000.awsapps.com/start"),
  );
  const r = await ssoLogin(server, home, ["--profile", "dev", "--if-needed"]);
  assert.match(r.stdout, /Successfully logged into Start URL/);
  assert.doesNotMatch(r.stderr, /nothing to do/);
});

Deno.test("device flow: its one-time link opened a second time (another program) stops the sign-in", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const record = `${home.dir}/url.txt`;
  const proc = spawnCli(
    ["sso", "login", "--profile", "dev", "--use-device-code"],
    ssoEnv(server, home, {
      DISPLAY: ":0",
      BROWSER: standInBrowser("record"),
      BROWSER_RECORD: record,
    }),
  );
  const deadline = Date.now() + 15_000;
  while ((await readOrNull(record)) === null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const link = (await readOrNull(record))!;
  for (const expected of [303, 410]) {
    const r = await fetch(link, { redirect: "manual" });
    await r.body?.cancel();
    assert.equal(r.status, expected);
  }
  const result = await proc.finish(20_000);
  assert.equal(result.code, 255, result.stderr);
  assert.match(result.stderr, /The sign-in link was opened twice/);
  assert.equal(await readOrNull(`${home.sso}/${SESSION_TOKEN}`), null);
});
