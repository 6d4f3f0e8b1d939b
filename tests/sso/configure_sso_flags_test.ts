/**
 * `configure sso` and `configure sso-session` without a terminal: every
 * value from a flag, the same config bytes as on a terminal, nothing ever
 * asked, and a missing value named by its flag (252) — before the sign-in
 * where it can be known then. Run as a subprocess, as a script would.
 */
import assert from "node:assert/strict";
import { operations } from "../emulator/_sso.ts";
import { readOrNull, runCliProcess } from "../helpers.ts";
import {
  ONE_ACCOUNT,
  SESSION_CONFIG,
  ssoEmulator,
  ssoHome,
  START_URL,
  withoutTerminal,
} from "./_configure.ts";

const NEW_SESSION = [
  "--sso-session",
  "my-sso",
  "--sso-start-url",
  START_URL,
  "--sso-region",
  "us-east-1",
];

Deno.test("configure sso with flags and no terminal: no questions, the terminal's config bytes, the conclusion", async () => {
  await using server = await ssoEmulator();
  await using home = await ssoHome(server.url);
  const result = await runCliProcess([
    "configure",
    "sso",
    ...NEW_SESSION,
    "--account-id",
    "111122223333",
    "--role-name",
    "ReadOnly",
    "--region",
    "us-west-2",
    "--output",
    "json",
  ], home.env);
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout, /\[None\]|\(Recommended\)/);
  assert.match(
    result.stdout,
    /\nUsing the account ID 111122223333\nUsing the role name "ReadOnly"\nTo use this profile, specify the profile name using --profile, as shown:\n\naws-signin sts get-caller-identity --profile ReadOnly-111122223333\n$/,
  );
  assert.equal(await readOrNull(home.config), SESSION_CONFIG);
});

Deno.test("configure sso without a terminal names the flag that is missing (252), before signing in when it can", async () => {
  await using server = await ssoEmulator();
  await using home = await ssoHome(server.url);
  const cases: [string[], RegExp][] = [
    [
      [],
      /no terminal to ask for the SSO session name: pass --sso-session NAME/,
    ],
    [
      ["--sso-session", "my-sso"],
      /no terminal to ask for the SSO start URL: pass --sso-start-url URL/,
    ],
    [
      ["--sso-session", "my-sso", "--sso-start-url", START_URL],
      /pass --sso-region REGION/,
    ],
    [
      ["--sso-session", "s", "--sso-start-url", "nope"],
      /--sso-start-url: Not a valid Start URL/,
    ],
    [
      [...NEW_SESSION, "--sso-registration-scopes", "a b"],
      /Scope values must be separated by commas/,
    ],
    [[...NEW_SESSION, "--output", "xml"], /--output: use one of json, text/],
    [["--legacy", "--sso-session", "s"], /contradict/],
    [
      ["--sso-session", "a]\n[b"],
      /--sso-session: A name cannot contain "\[", "\]" or control characters/,
    ],
    [["--all", "--profile", "p"], /leave out --profile/],
    [["--profile-template", "{role_name}"], /add --all/],
    [
      ["--all", "--sso-session", "s", "--profile-template", "{nope}"],
      /\{nope\} is not a placeholder/,
    ],
  ];
  for (const [flags, message] of cases) {
    const result = await withoutTerminal(
      ["configure", "sso", ...flags],
      home.env,
    );
    assert.equal(result.code, 252, `${flags.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message, flags.join(" "));
  }
  assert.deepEqual(
    await operations(server.url, ["RegisterClient", "CreateToken"]),
    [],
  );
  assert.equal(await readOrNull(home.config), null);
});

Deno.test("configure sso without a terminal: several accounts or roles need --account-id / --role-name, which must be available", async () => {
  await using server = await ssoEmulator();
  await using home = await ssoHome(server.url);
  const accounts = await withoutTerminal(
    ["configure", "sso", ...NEW_SESSION],
    home.env,
  );
  assert.equal(accounts.code, 252, accounts.stderr);
  assert.match(
    accounts.stderr,
    /There are 4 AWS accounts available to you and no terminal to choose one: pass --account-id ID \(one of Development, dev@example\.com \(111122223333\); Ops@example\.com \(222233334444\);/,
  );
  // Nothing was written: the session is still new, and signed in again (as the AWS CLI does).
  assert.equal(await readOrNull(home.config), null);
  const roles = await withoutTerminal(
    ["configure", "sso", ...NEW_SESSION, "--account-id", "111122223333"],
    home.env,
  );
  assert.equal(roles.code, 252, roles.stderr);
  assert.match(
    roles.stderr,
    /pass --role-name NAME \(one of admin, Billing, ReadOnly\)/,
  );
  const wrong = await withoutTerminal(
    ["configure", "sso", ...NEW_SESSION, "--account-id", "999999999999"],
    home.env,
  );
  assert.equal(wrong.code, 252);
  assert.match(
    wrong.stderr,
    /--account-id must be one of 111122223333, 222233334444, 444455556666, 777788889999/,
  );
  const role = await withoutTerminal(
    [
      "configure",
      "sso",
      ...NEW_SESSION,
      "--account-id",
      "444455556666",
      "--role-name",
      "Nope",
    ],
    home.env,
  );
  assert.equal(role.code, 252);
  assert.match(role.stderr, /--role-name must be one of Admin/);
  assert.equal((await operations(server.url, ["CreateToken"])).length, 4);
});

Deno.test("configure sso without a terminal: one account and role need no flags; the profile name defaults to ROLE-ACCOUNT", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(
    server.url,
    "[profile keep]\nregion = eu-west-1\n",
  );
  const result = await withoutTerminal(
    ["configure", "sso", ...NEW_SESSION],
    home.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /The only AWS account available to you is: 111122223333\n/,
  );
  assert.equal(
    await readOrNull(home.config),
    "[profile keep]\nregion = eu-west-1\n[profile Admin-111122223333]\nsso_session = my-sso\n" +
      "sso_account_id = 111122223333\nsso_role_name = Admin\n" +
      `[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
      "sso_registration_scopes = sso:account:access\n",
  );
  // AWS_PROFILE names the profile, as it does for the AWS CLI.
  const env = await withoutTerminal([
    "configure",
    "sso",
    "--sso-session",
    "my-sso",
  ], {
    ...home.env,
    AWS_PROFILE: "from-env",
  });
  assert.equal(env.code, 0, env.stderr);
  assert.match(
    await readOrNull(home.config) ?? "",
    /\[profile from-env\]\nsso_session = my-sso\n/,
  );
});

Deno.test("configure sso --legacy without a terminal: the legacy keys, and an existing session's values cannot be changed by flags", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(server.url);
  const legacy = await withoutTerminal([
    "configure",
    "sso",
    "--legacy",
    "--sso-start-url",
    START_URL,
    "--sso-region",
    "us-east-1",
    "--profile",
    "old",
  ], home.env);
  assert.equal(legacy.code, 0, legacy.stderr);
  assert.match(legacy.stdout, /^WARNING: Configuring using legacy format/);
  assert.equal(
    await readOrNull(home.config),
    `[profile old]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
      "sso_account_id = 111122223333\nsso_role_name = Admin\n",
  );
  const made = await withoutTerminal([
    "configure",
    "sso",
    ...NEW_SESSION,
    "--profile",
    "a",
  ], home.env);
  assert.equal(made.code, 0, made.stderr);
  const changed = await withoutTerminal([
    "configure",
    "sso",
    "--sso-session",
    "my-sso",
    "--sso-region",
    "eu-west-1",
    "--profile",
    "b",
  ], home.env);
  assert.equal(changed.code, 252);
  assert.match(
    changed.stderr,
    /already has sso_region = us-east-1: leave out --sso-region/,
  );
});

Deno.test("configure sso-session: the AWS CLI's prompts and conclusion; Enter keeps the current values; flags without a terminal", async () => {
  await using server = await ssoEmulator();
  await using home = await ssoHome(
    server.url,
    "[default]\nregion = us-east-1\n",
  );
  const { onTerminal } = await import("./_configure.ts");
  const first = await onTerminal(["configure", "sso-session"], home.env, [
    "",
    "corp",
    START_URL,
    "us-east-1",
    "",
  ]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(
    first.stdout,
    "SSO session name: A value is required\nSSO session name: SSO start URL [None]: SSO region [None]: " +
      "SSO registration scopes [sso:account:access]: \nCompleted configuring SSO session: corp\n" +
      "Run the following to login and refresh access token for this session:\n\n" +
      "aws-signin sso login --sso-session corp\n",
  );
  const again = await onTerminal(["configure", "sso-session"], home.env, [
    "corp",
    "",
    "eu-west-1",
    "sso:account:access,custom:x",
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(
    again.stdout.startsWith(
      `SSO session name: SSO start URL [${START_URL}]: SSO region [us-east-1]: ` +
        "SSO registration scopes [sso:account:access]: \n",
    ),
    again.stdout,
  );
  const flags = await withoutTerminal([
    "configure",
    "sso-session",
    "--sso-session",
    "other",
    "--sso-start-url",
    "https://d-9999999999.awsapps.com/start",
    "--sso-region",
    "us-west-2",
  ], home.env);
  assert.equal(flags.code, 0, flags.stderr);
  const missing = await withoutTerminal(["configure", "sso-session"], home.env);
  assert.equal(missing.code, 252);
  assert.match(missing.stderr, /pass --sso-session NAME/);
  assert.equal(
    await readOrNull(home.config),
    "[default]\nregion = us-east-1\n[sso-session corp]\n" +
      `sso_start_url = ${START_URL}\nsso_region = eu-west-1\n` +
      "sso_registration_scopes = sso:account:access,custom:x\n" +
      "[sso-session other]\nsso_start_url = https://d-9999999999.awsapps.com/start\n" +
      "sso_region = us-west-2\nsso_registration_scopes = sso:account:access\n",
  );
  // Nothing signs in.
  assert.deepEqual(
    await operations(server.url, ["RegisterClient", "CreateToken"]),
    [],
  );
});

Deno.test("configure sso without a terminal: a session name the JS SDK cannot read is warned about (S23), then written", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(server.url);
  const result = await withoutTerminal([
    "configure",
    "sso",
    "--sso-session",
    "my sso",
    "--sso-start-url",
    START_URL,
    "--sso-region",
    "us-east-1",
    "--profile",
    "p",
  ], home.env);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /"my sso" has characters other than .*AWS SDK for JavaScript/,
  );
  assert.match(
    await readOrNull(home.config) ?? "",
    /\[profile p\]\nsso_session = my sso\n[^]*\[sso-session 'my sso'\]\n/,
  );
});
