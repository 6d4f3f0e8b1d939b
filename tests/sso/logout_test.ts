/**
 * `aws-signin sso logout`, black-box against the emulator: the AWS CLI's
 * sweep (Logout with the bearer header for every token with a region, every
 * token deleted, registrations kept, `ProviderType: sso` role files deleted)
 * plus the role chains built on SSO profiles, with the count on stderr;
 * `--sso-session` and `--profile` ending one session only; offline (S14);
 * and the AWS CLI 2.9.19 logging out what aws-signin signed in and the other
 * way round (S13).
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { listDir, runAwsCli } from "../helpers.ts";
import {
  awsEnv,
  calls,
  DEPLOY,
  DEV_ROLE,
  hasAwsCli,
  LEGACY_ROLE,
  LEGACY_TOKEN,
  legacyToken,
  pointModelsAt,
  registrationFile,
  seconds,
  SESSION_TOKEN,
  sessionToken,
  signin,
  ssoEnv,
  type SsoHome,
  ssoHome,
  ssoLogin,
  START_URL,
  writeToken,
} from "./_setup.ts";

const SESSION_REG = registrationFile({
  scopes: ["sso:account:access"],
  session: "my-sso",
});
const LEGACY_REG = registrationFile({ scopes: null, session: null });

/** Signs dev and legacy in, caches the role credentials of dev, legacy and chain; returns the role files. */
async function signedIn(
  server: { url: string },
  home: SsoHome,
): Promise<string[]> {
  await ssoLogin(server, home, ["--profile", "dev"]);
  await ssoLogin(server, home, ["--profile", "legacy"]);
  for (const profile of ["dev", "legacy", "chain"]) {
    const r = await signin(
      ["configure", "export-credentials", "--profile", profile],
      ssoEnv(server, home),
    );
    assert.equal(r.code, 0, r.stderr);
  }
  const roles = await listDir(home.roles);
  assert.equal(roles.filter((n) => n.endsWith(".json")).length, 3);
  return roles.filter((n) => n.endsWith(".json"));
}

const jsonFiles = async (dir: string) =>
  (await listDir(dir)).filter((n) => n.endsWith(".json"));

Deno.test("sso logout: the AWS CLI's sweep, Logout with the token for each, role files from SSO and chains on it, the count", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    roles: [DEPLOY],
  });
  await using home = await ssoHome();
  const roles = await signedIn(server, home);
  // A foreign token without a region (no call), one the service refuses (swallowed), an unrelated role file.
  await writeToken(home, "aws-toolkit-vscode-client.json", {
    startUrl: START_URL,
    accessToken: "ide-token",
    expiresAt: seconds(Date.now() + 3_600_000),
  });
  await writeToken(home, `${"e".repeat(40)}.json`, {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: "aoa-unknown",
    expiresAt: seconds(Date.now() + 3_600_000),
  });
  const unrelated = `${home.roles}/${"a".repeat(40)}.json`;
  await Deno.writeTextFile(
    unrelated,
    '{"Credentials": {"AccessKeyId": "ASIAX", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "2099-01-01T00:00:00Z"}, "AssumedRoleUser": {"AssumedRoleId": "x", "Arn": "arn:aws:sts::1:assumed-role/X/y"}}',
  );
  const mark = server.emulator.requests.length;
  const r = await signin(["sso", "logout"], ssoEnv(server, home));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    "Removed 4 IAM Identity Center session tokens, 2 role credentials from them, 1 role credential assumed " +
      "from them (profiles chain, chain-legacy). Tools that already loaded credentials may use them until they " +
      "expire.\n",
  );
  assert.deepEqual(
    server.emulator.requests.slice(mark).filter((e) => e.operation === "Logout")
      .map((e) => e.status).sort(),
    [200, 200, 401],
    "Logout for the three tokens with a region; 200 needs the right bearer header",
  );
  assert.deepEqual(await jsonFiles(home.sso), [LEGACY_REG, SESSION_REG].sort());
  assert.deepEqual(await jsonFiles(home.roles), [unrelated.split("/").pop()]);
  assert.ok(roles.includes(DEV_ROLE) && roles.includes(LEGACY_ROLE));
  // Signed out for real: the refresh token was ended too.
  const after = await signin(
    ["configure", "export-credentials", "--profile", "dev"],
    ssoEnv(server, home),
  );
  assert.equal(after.code, 255);
  assert.match(after.stderr, /Token for my-sso does not exist/);
});

Deno.test("sso logout --sso-session / --profile: one session only (its role files and chains), the rest stays", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    roles: [DEPLOY],
  });
  await using home = await ssoHome();
  await signedIn(server, home);
  const env = ssoEnv(server, home);
  // A role profile leads to the session it rests on.
  const one = await signin(["sso", "logout", "--profile", "chain"], env);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(
    one.stderr,
    "Removed 1 IAM Identity Center session token, 1 role credential from them, 1 role credential assumed " +
      "from them (profile chain). Tools that already loaded credentials may use them until they expire.\n",
  );
  assert.deepEqual(
    await jsonFiles(home.sso),
    [LEGACY_TOKEN, LEGACY_REG, SESSION_REG].sort(),
  );
  assert.deepEqual(await jsonFiles(home.roles), [LEGACY_ROLE]);
  assert.deepEqual(calls(server, ["Logout"]), ["Logout/200"]);

  const legacy = await signin(["sso", "logout", "--profile", "legacy"], env);
  assert.equal(legacy.code, 0, legacy.stderr);
  assert.match(
    legacy.stderr,
    /^Removed 1 IAM Identity Center session token, 1 role credential from them\. /,
  );
  assert.deepEqual(await jsonFiles(home.sso), [LEGACY_REG, SESSION_REG].sort());
  assert.deepEqual(await jsonFiles(home.roles), []);
  // Nothing left to end: still 0, and no call.
  const again = await signin(["sso", "logout", "--sso-session", "my-sso"], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stderr,
    /^Removed 0 IAM Identity Center session tokens, 0 role credentials from them\. /,
  );
  assert.deepEqual(calls(server, ["Logout"]), ["Logout/200", "Logout/200"]);
});

Deno.test("sso logout --sso-session in a home that never signed in: nothing to do, exit 0", async () => {
  await using home = await ssoHome();
  const r = await signin(
    ["sso", "logout", "--sso-session", "my-sso"],
    ssoEnv({ url: "http://127.0.0.1:9" }, home),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^Removed 0 IAM Identity Center session tokens/);
});

Deno.test("S14: sso logout offline deletes the files and says the revoke failed (the AWS CLI deletes nothing, 255)", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  await sessionToken(server, home, 3600);
  await legacyToken(server, home, 3600);
  const r = await signin(
    ["sso", "logout"],
    ssoEnv(server, home, { AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:9" }),
  );
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 3, r.stderr);
  for (const line of lines.slice(0, 2)) {
    assert.match(
      line,
      /^aws-signin: \[WARNING\]: A session's token was removed here, but IAM Identity Center could not be told to end it \(Could not connect to the endpoint URL: "http:\/\/127\.0\.0\.1:9\/logout"[^.]*\): its sign-in in the browser stays valid until it ends \(sign out in the AWS access portal to end it now\)\.$/,
    );
  }
  assert.match(lines[2]!, /^Removed 2 IAM Identity Center session tokens, /);
  assert.deepEqual(await jsonFiles(home.sso), []);
});

Deno.test({
  name:
    "S13: the AWS CLI 2.9.19's sso logout ends aws-signin's sessions; aws-signin's ends the AWS CLI's",
  ignore: !hasAwsCli,
  fn: async () => {
    await using server = await startEmulator({
      autoApprove: true,
      roles: [DEPLOY],
    });
    await using home = await ssoHome();
    await pointModelsAt(home, server.url);
    await signedIn(server, home);
    const out = await runAwsCli(["sso", "logout"], awsEnv(home));
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(calls(server, ["Logout"]), ["Logout/200", "Logout/200"]);
    assert.deepEqual(
      await jsonFiles(home.sso),
      [LEGACY_REG, SESSION_REG].sort(),
    );
    // The AWS CLI keeps role chains built on SSO (no ProviderType): only aws-signin removes them.
    assert.equal((await jsonFiles(home.roles)).length, 1);
    await Deno.remove(home.roles, { recursive: true });

    // The other way: the AWS CLI signs in (device flow, 2.9) and caches the role; aws-signin signs out.
    // (2.9 predates the auth code flow: it would reuse the auth-code registration for the device flow, which
    // the service refuses, as after a login by the AWS CLI 2.22+ itself. So it starts without it.)
    await Deno.remove(`${home.sso}/${SESSION_REG}`);
    const login = await runAwsCli(
      ["sso", "login", "--profile", "dev"],
      awsEnv(home),
    );
    assert.equal(login.code, 0, login.stderr);
    const exported = await runAwsCli(
      ["configure", "export-credentials", "--profile", "dev"],
      awsEnv(home),
    );
    assert.equal(exported.code, 0, exported.stderr);
    assert.deepEqual(await jsonFiles(home.roles), [DEV_ROLE]);
    const r = await signin(["sso", "logout"], ssoEnv(server, home));
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^Removed 1 IAM Identity Center session token, 1 role credential from them\. /,
    );
    assert.deepEqual(calls(server, ["Logout"]), [
      "Logout/200",
      "Logout/200",
      "Logout/200",
    ]);
    assert.ok(!(await jsonFiles(home.sso)).includes(SESSION_TOKEN));
    assert.deepEqual(await jsonFiles(home.roles), []);
  },
});
