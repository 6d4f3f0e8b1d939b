/**
 * Credentials of SSO profiles, black-box against the emulator:
 * `configure export-credentials` in every format, the role credentials file
 * (name and bytes, S4) reused with no network, a role profile built on an
 * SSO profile (S21), and the failures with the AWS CLI's texts and exit
 * codes (§6): a missing or unreadable token, an expired legacy token (S6),
 * a role the user may not use (403), a token the portal refuses, a foreign
 * token in the cache folder (S20), and configuration errors (wrapped in
 * "Unable to retrieve credentials", 253) versus token errors (not wrapped).
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { readOrNull } from "../helpers.ts";
import { deviceLogin } from "../emulator/_sso.ts";
import {
  calls,
  DEPLOY,
  DEV_ROLE,
  LEGACY_ROLE,
  legacyToken,
  mode,
  seconds,
  SESSION_TOKEN,
  sessionToken,
  signin,
  SSO_CONFIG,
  ssoEnv,
  ssoHome,
  START_URL,
  writeToken,
} from "./_setup.ts";

const ROLE_BYTES =
  /^\{"ProviderType": "sso", "Credentials": \{"AccessKeyId": "(ASIA\w+)", "SecretAccessKey": "([^"]+)", "SessionToken": "([^"]+)", "Expiration": "(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", "AccountId": "(\d{12})"\}\}$/;

Deno.test("export-credentials on SSO profiles: the role file (name, bytes, mode), every format, no network while it is fresh", async () => {
  await using server = await startEmulator({ roles: [DEPLOY] });
  await using home = await ssoHome();
  await sessionToken(server, home, 3600);
  await legacyToken(server, home, 3600);
  const env = ssoEnv(server, home);
  const out = await signin(
    ["configure", "export-credentials", "--profile", "dev"],
    env,
  );
  assert.equal(out.code, 0, out.stderr);
  const role = (await readOrNull(`${home.roles}/${DEV_ROLE}`))!;
  const m = ROLE_BYTES.exec(role);
  assert.ok(m, role);
  assert.equal(m[5], "111122223333");
  assert.equal(await mode(`${home.roles}/${DEV_ROLE}`), 0o600);
  // The emulator's one-hour role: whole seconds, as botocore truncates the portal's milliseconds.
  assert.ok(Math.abs(Date.parse(m[4]!) - (Date.now() + 3_600_000)) < 10_000);
  const expiration = m[4]!.replace("Z", "+00:00");
  assert.equal(
    out.stdout,
    `{\n  "Version": 1,\n  "AccessKeyId": "${m[1]}",\n  "SecretAccessKey": "${
      m[2]
    }",\n  "SessionToken": "${m[3]}",\n  "Expiration": "${expiration}"\n}\n`,
  );
  const before = calls(server).length;
  const formats: Record<string, string> = {
    env: `export AWS_ACCESS_KEY_ID=${m[1]}\nexport AWS_SECRET_ACCESS_KEY=${
      m[2]
    }\nexport AWS_SESSION_TOKEN=${
      m[3]
    }\nexport AWS_CREDENTIAL_EXPIRATION=${expiration}\n`,
    "env-no-export": `AWS_ACCESS_KEY_ID=${m[1]}\nAWS_SECRET_ACCESS_KEY=${
      m[2]
    }\nAWS_SESSION_TOKEN=${m[3]}\nAWS_CREDENTIAL_EXPIRATION=${expiration}\n`,
    powershell: `$Env:AWS_ACCESS_KEY_ID="${
      m[1]
    }"\n$Env:AWS_SECRET_ACCESS_KEY="${m[2]}"\n$Env:AWS_SESSION_TOKEN="${
      m[3]
    }"\n$Env:AWS_CREDENTIAL_EXPIRATION="${expiration}"\n`,
    "windows-cmd": `set AWS_ACCESS_KEY_ID=${m[1]}\nset AWS_SECRET_ACCESS_KEY=${
      m[2]
    }\nset AWS_SESSION_TOKEN=${
      m[3]
    }\nset AWS_CREDENTIAL_EXPIRATION=${expiration}\n`,
  };
  for (const [format, expected] of Object.entries(formats)) {
    const r = await signin(
      [
        "configure",
        "export-credentials",
        "--profile",
        "dev",
        "--format",
        format,
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, expected, format);
  }
  assert.equal(calls(server).length, before, "the cached role: no call");

  // The legacy profile: its own role file, keyed by the start URL.
  const legacy = await signin(
    ["configure", "export-credentials", "--profile", "legacy"],
    env,
  );
  assert.equal(legacy.code, 0, legacy.stderr);
  assert.equal(
    ROLE_BYTES.exec((await readOrNull(`${home.roles}/${LEGACY_ROLE}`))!)?.[5],
    "444455556666",
  );
  // S4: the key names, as the spec's observed examples give them.
  assert.equal(DEV_ROLE, "360f093cdc0bddf23eecc38b9cb6222fca5a195a.json");
  assert.equal(LEGACY_ROLE, "fbab8bacba02ba61431923ebd0f9cdf7da8e9ed0.json");
  assert.equal(SESSION_TOKEN, "0ad374308c5a4e22f723adf10145eafad7c4031c.json");

  // S21: a role profile on the SSO profile assumes the role with the SSO credentials (the cached ones).
  const chain = await signin(
    ["configure", "export-credentials", "--profile", "chain"],
    env,
  );
  assert.equal(chain.code, 0, chain.stderr);
  assert.deepEqual(calls(server).slice(-2), [
    "GetRoleCredentials/200",
    "AssumeRole/200",
  ]);
  const who = await signin(
    ["sts", "get-caller-identity", "--profile", "chain"],
    env,
  );
  assert.equal(who.code, 0, who.stderr);
  assert.match(
    JSON.parse(who.stdout).Arn,
    /^arn:aws:sts::444455556666:assumed-role\/Deploy\//,
  );
  assert.equal(
    calls(server).at(-1),
    "AssumeRole/200",
    "the role came from its cache",
  );
});

Deno.test("SSO credential errors: the AWS CLI's texts and exit codes, with the command to run next", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome(
    `${SSO_CONFIG}
[profile nope]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Nope

[profile broken]
sso_session = missing
sso_account_id = 111122223333
sso_role_name = Admin

[profile torn]
sso_account_id = 111122223333
sso_role_name = Admin
sso_region = us-east-1
`,
  );
  const env = ssoEnv(server, home);
  const run = (profile: string) =>
    signin(["configure", "export-credentials", "--profile", profile], env);

  const missing = await run("dev");
  assert.equal(missing.code, 255);
  assert.equal(
    missing.stderr,
    "aws-signin: [ERROR]: Error loading SSO Token: Token for my-sso does not exist\n" +
      "Run 'aws-signin sso login --sso-session my-sso' to sign in.\n",
  );
  const legacyMissing = await run("legacy");
  assert.equal(legacyMissing.code, 255);
  assert.match(
    legacyMissing.stderr,
    new RegExp(
      `^aws-signin: \\[ERROR\\]: Error loading SSO Token: Token for ${START_URL} does not exist\n` +
        "Run 'aws-signin sso login --profile legacy' to sign in\\.\n$",
    ),
  );

  // S6: an expired legacy token fails here, with no call.
  await legacyToken(server, home, -60);
  const expired = await run("legacy");
  assert.equal(expired.code, 255);
  assert.equal(
    expired.stderr,
    "aws-signin: [ERROR]: The SSO session associated with this profile has expired or is otherwise invalid. " +
      "To refresh this SSO session run aws-signin sso login with the corresponding profile.\n" +
      "Run 'aws-signin sso login --profile legacy' to sign in again.\n",
  );
  assert.deepEqual(calls(server, ["GetRoleCredentials"]), []);

  // A token file without an accessToken: invalid (botocore names the start URL).
  await writeToken(home, SESSION_TOKEN, {
    startUrl: START_URL,
    expiresAt: seconds(Date.now() + 3_600_000),
  } as never);
  const invalid = await run("dev");
  assert.equal(invalid.code, 255);
  assert.match(
    invalid.stderr,
    new RegExp(
      `^aws-signin: \\[ERROR\\]: Error loading SSO Token: Token for ${START_URL} is invalid\n`,
    ),
  );

  // A token the portal does not know: 401 → the unauthorized text.
  await writeToken(home, SESSION_TOKEN, {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: "aoa-unknown",
    expiresAt: seconds(Date.now() + 3_600_000),
  });
  const refused = await run("dev");
  assert.equal(refused.code, 255);
  assert.match(
    refused.stderr,
    /^aws-signin: \[ERROR\]: The SSO session associated with this profile has expired or is otherwise invalid\. /,
  );

  // A role the user may not use: the portal's 403 is a service error (254).
  await sessionToken(server, home, 3600);
  const forbidden = await run("nope");
  assert.equal(forbidden.code, 254);
  assert.equal(
    forbidden.stderr,
    "aws-signin: [ERROR]: An error occurred (ForbiddenException) when calling the GetRoleCredentials operation: " +
      "No access\n",
  );

  // Configuration errors are wrapped (253), token errors above are not.
  const broken = await run("broken");
  assert.equal(broken.code, 253);
  assert.equal(
    broken.stderr,
    "aws-signin: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: The specified " +
      'sso-session does not exist: "missing"\n',
  );
  const torn = await run("torn");
  assert.equal(torn.code, 253);
  assert.equal(
    torn.stderr,
    "aws-signin: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: The profile " +
      '"torn" is configured to use SSO but is missing required configuration: sso_start_url\n',
  );
});

Deno.test("S20: a foreign token in the cache folder (an IDE's, same start URL) is never used", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const ide = await deviceLogin(server.url, {
    clientName: "AWS IDE Extensions for VSCode",
    clientType: "public",
    scopes: ["codewhisperer:completions"],
  });
  const foreign = {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: ide.tokens.accessToken,
    expiresAt: seconds(Date.now() + 3_600_000),
  };
  await writeToken(home, "aws-toolkit-vscode-client-id.json", foreign);
  await writeToken(home, `${"f".repeat(40)}.json`, foreign);
  const env = ssoEnv(server, home);
  const r = await signin(
    ["configure", "export-credentials", "--profile", "dev"],
    env,
  );
  assert.equal(r.code, 255);
  assert.match(
    r.stderr,
    /^aws-signin: \[ERROR\]: Error loading SSO Token: Token for my-sso does not exist\n/,
  );
  assert.deepEqual(calls(server, ["GetRoleCredentials"]), []);
  // Had it been used, the portal would refuse it (401): it was made for other scopes.
  await writeToken(home, SESSION_TOKEN, foreign);
  const used = await signin(
    ["configure", "export-credentials", "--profile", "dev"],
    env,
  );
  assert.equal(used.code, 255);
  assert.deepEqual(calls(server, ["GetRoleCredentials"]), [
    "GetRoleCredentials/401",
  ]);
  assert.equal(await readOrNull(`${home.roles}/${DEV_ROLE}`), null);
});
