/**
 * The SSO token's refresh, black-box against the emulator: botocore's
 * 15-minute window, the write-back's exact bytes (the configured start URL
 * and region, unknown keys dropped, the refresh token kept when the service
 * sends none: decision §9.1), 32 processes in the window making exactly one
 * CreateToken (S9), a network failure with a still-valid token (S12), an
 * expired registration (S10) and an ended session (S11) with the AWS CLI's
 * text and the command to run.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { control } from "../emulator/_sso.ts";
import { runCliProcess } from "../helpers.ts";
import {
  pyDumps,
  seconds,
  SESSION_TOKEN,
  sessionToken,
  signin,
  SSO_CONFIG,
  ssoEnv,
  ssoHome,
  START_URL,
  tokenCalls,
} from "./_setup.ts";

const EXPORT = ["configure", "export-credentials", "--profile", "dev"];
const ENDED =
  "aws-signin: [ERROR]: Error when retrieving token from sso: Token has expired and refresh failed\n" +
  "The IAM Identity Center session has ended (or its client registration expired). Run 'aws-signin sso login " +
  "--sso-session my-sso' to sign in again.\n";

Deno.test("refresh with less than 15 minutes left: one CreateToken, botocore's bytes written back, the refresh token kept when none comes (§9.1)", async () => {
  await using server = await startEmulator({ sso: { rotation: "none" } });
  await using home = await ssoHome();
  const registrationExpiresAt = "2027-03-04T17:26:21.123Z"; // another tool's form: copied as it is
  const old = await sessionToken(server, home, 14 * 60, {
    region: "eu-west-9", // the config's region is written back, not the file's
    registrationExpiresAt,
    extraKey: "dropped",
  });
  const before = Date.now();
  const r = await signin(EXPORT, ssoEnv(server, home));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tokenCalls(server), [
    "CreateToken(refresh_token)/200",
    "GetRoleCredentials/200",
  ]);
  const text = await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`);
  const written = JSON.parse(text);
  assert.notEqual(written.accessToken, old.accessToken);
  const expiresAt = Date.parse(written.expiresAt);
  assert.ok(
    expiresAt >= Math.floor(before / 1000) * 1000 + 3_600_000 &&
      expiresAt <= Date.now() + 3_600_000,
  );
  const original = JSON.parse(old.text);
  assert.equal(
    text,
    pyDumps({
      startUrl: START_URL,
      region: "us-east-1",
      accessToken: written.accessToken,
      expiresAt: written.expiresAt,
      clientId: original.clientId,
      clientSecret: original.clientSecret,
      registrationExpiresAt,
      refreshToken: old.refreshToken,
    }),
  );
  // The kept refresh token still works (rotation "none"): the next refresh succeeds.
  await Deno.writeTextFile(
    `${home.sso}/${SESSION_TOKEN}`,
    text.replace(
      /"expiresAt": "[^"]+"/,
      `"expiresAt": "${seconds(Date.now() + 60_000)}"`,
    ),
  );
  await Deno.remove(home.roles, { recursive: true });
  const again = await signin(EXPORT, ssoEnv(server, home));
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    tokenCalls(server).filter((c) => c.startsWith("CreateToken")),
    [
      "CreateToken(refresh_token)/200",
      "CreateToken(refresh_token)/200",
    ],
  );
});

Deno.test("refresh with strict rotation: the new refresh token is written; a token with 15 minutes or more is not refreshed", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const old = await sessionToken(server, home, 16 * 60);
  const env = ssoEnv(server, home);
  assert.equal((await signin(EXPORT, env)).code, 0);
  assert.deepEqual(
    tokenCalls(server).filter((c) => c.startsWith("CreateToken")),
    [],
  );
  assert.equal(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`),
    old.text,
  );
  await sessionToken(server, home, 5 * 60);
  await Deno.remove(home.roles, { recursive: true });
  const before = JSON.parse(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`),
  );
  assert.equal((await signin(EXPORT, env)).code, 0);
  const after = JSON.parse(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`),
  );
  assert.match(after.refreshToken, /^aor/);
  assert.notEqual(after.refreshToken, before.refreshToken);
});

Deno.test("S9: 32 processes in the refresh window (two roles of one session) make exactly one CreateToken and all get credentials", async () => {
  await using server = await startEmulator({ sso: { rotation: "strict" } });
  await using home = await ssoHome(`${SSO_CONFIG}
[profile dev-ro]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
`);
  await sessionToken(server, home, 10 * 60);
  const env = ssoEnv(server, home);
  // Meanwhile the file is read over and over: never torn.
  let reading = true;
  let reads = 0;
  const reader = (async () => {
    while (reading) {
      JSON.parse(await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`));
      reads++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const results = await Promise.all(
    Array.from({ length: 32 }, (_, i) =>
      signin(
        [
          "configure",
          "export-credentials",
          "--profile",
          i % 2 ? "dev" : "dev-ro",
        ],
        env,
      )),
  );
  reading = false;
  await reader;
  assert.ok(reads > 0);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const keys = new Set(results.map((r) => JSON.parse(r.stdout).AccessKeyId));
  assert.equal(
    keys.size,
    2,
    "one role fetch per role, shared through the cache",
  );
  assert.deepEqual(tokenCalls(server), [
    "CreateToken(refresh_token)/200",
    "GetRoleCredentials/200",
    "GetRoleCredentials/200",
  ]);
  const token = JSON.parse(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`),
  );
  assert.ok(Date.parse(token.expiresAt) > Date.now() + 50 * 60_000);
});

Deno.test("S12: the refresh cannot reach the service while the token is still valid → the old token is used", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const old = await sessionToken(server, home, 10 * 60);
  // sso-oidc unreachable, the portal reachable.
  const env = ssoEnv(server, home, {
    AWS_ENDPOINT_URL_SSO_OIDC: "http://127.0.0.1:9",
  });
  const r = await signin(EXPORT, env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).AccessKeyId, /^ASIA/);
  assert.equal(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`),
    old.text,
  );
  assert.deepEqual(tokenCalls(server), ["GetRoleCredentials/200"]);

  // Expired, and still unreachable: the network error, exit 255.
  await sessionToken(server, home, -60);
  await Deno.remove(home.roles, { recursive: true });
  const failed = await signin(EXPORT, env);
  assert.equal(failed.code, 255, failed.stderr);
  assert.match(failed.stderr, /127\.0\.0\.1:9/);
});

Deno.test("a refresh that hangs: each process gives up within its budget and uses the still-valid token; none fails on the lock", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome(
    `${SSO_CONFIG}\n[profile dev2]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n`,
  );
  await sessionToken(server, home, 10 * 60);
  // sso-oidc accepts connections and never answers.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  try {
    const env = ssoEnv(server, home, {
      AWS_ENDPOINT_URL_SSO_OIDC: `http://127.0.0.1:${
        (silent.addr as Deno.NetAddr).port
      }`,
    });
    const results = await Promise.all(
      ["dev", "dev2"].map((profile) =>
        runCliProcess(
          ["configure", "export-credentials", "--profile", profile],
          env,
          { timeoutMs: 90_000 },
        )
      ),
    );
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(JSON.parse(r.stdout).AccessKeyId, /^ASIA/);
    }
  } finally {
    silent.close();
    for (const c of held) c.close();
    await accepting.catch(() => {});
  }
});

Deno.test("S10: an expired registration and an expired token → the AWS CLI's text and the command, no call; a still-valid token is used", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const env = ssoEnv(server, home);
  await sessionToken(server, home, 10 * 60, {
    registrationExpiresAt: seconds(Date.now() - 60_000),
  });
  const valid = await signin(EXPORT, env);
  assert.equal(valid.code, 0, valid.stderr);
  await Deno.remove(home.roles, { recursive: true });
  await sessionToken(server, home, -60, {
    registrationExpiresAt: seconds(Date.now() - 60_000),
  });
  const r = await signin(EXPORT, env);
  assert.equal(r.code, 255);
  assert.equal(r.stderr, ENDED);
  assert.deepEqual(
    tokenCalls(server).filter((c) => c.startsWith("CreateToken")),
    [],
  );
});

Deno.test("S11: InvalidGrantException at the session's end → the AWS CLI's text and the command (255)", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const env = ssoEnv(server, home);
  await sessionToken(server, home, -60);
  await control(server.url, "sso/end-sessions");
  const r = await signin(EXPORT, env);
  assert.equal(r.code, 255);
  assert.equal(r.stderr, ENDED);
  assert.deepEqual(
    tokenCalls(server).filter((c) => c.startsWith("CreateToken")),
    [
      "CreateToken(refresh_token)/400",
    ],
  );
  assert.equal(
    server.emulator.requests.find((e) => e.grantType === "refresh_token")
      ?.error,
    "InvalidGrantException",
  );
});
