/**
 * `aws-signin configure sso` on a terminal, black-box against the emulator:
 * the AWS CLI's prompts in its order and words (protocol-sso.md §2.8), the
 * sign-in as `sso login` prints it without the success line, accounts and
 * roles listed across pages and sorted as the AWS CLI sorts them, a
 * numbered menu, the "only" lines, the same config bytes (§1.5, S15), the
 * legacy form with its warning, an existing session reused without a new
 * sign-in, the validators' texts, and the errors.
 */
import assert from "node:assert/strict";
import { operations } from "../emulator/_sso.ts";
import { emulatorFault, readOrNull } from "../helpers.ts";
import {
  AUTH_TEXT,
  ONE_ACCOUNT,
  onTerminal,
  SESSION_CONFIG,
  ssoEmulator,
  ssoHome,
  START_URL,
  withoutLinks,
} from "./_configure.ts";

Deno.test("configure sso on a terminal: the AWS CLI's prompts, sorted accounts and roles across pages, its config bytes in a new 0600 file", async () => {
  await using server = await ssoEmulator();
  await using home = await ssoHome(server.url);
  const result = await onTerminal(["configure", "sso"], home.env, [
    "my-sso",
    START_URL,
    "us-east-1",
    "",
    "1",
    "3",
    "us-west-2",
    "json",
    "",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    withoutLinks(result.stdout),
    "SSO session name (Recommended): SSO start URL [None]: SSO region [None]: " +
      "SSO registration scopes [sso:account:access]: " + AUTH_TEXT +
      "There are 4 AWS accounts available to you.\n" +
      "  1) Development, dev@example.com (111122223333)\n" +
      "  2) Ops@example.com (222233334444)\n" +
      "  3) production, prod@example.com (444455556666)\n" +
      "  4) 777788889999\n" +
      "Account (number or ID) [1]: Using the account ID 111122223333\n" +
      "There are 3 roles available to you.\n" +
      "  1) admin\n  2) Billing\n  3) ReadOnly\n" +
      'Role (number or name) [1]: Using the role name "ReadOnly"\n' +
      "Default client Region [None]: CLI default output format (json if not specified) [None]: " +
      "Profile name [ReadOnly-111122223333]: " +
      "To use this profile, specify the profile name using --profile, as shown:\n\n" +
      "aws-signin sts get-caller-identity --profile ReadOnly-111122223333\n",
  );
  assert.equal(await readOrNull(home.config), SESSION_CONFIG);
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(home.config)).mode! & 0o777, 0o600);
  }
  // Every page was read (one item per page): 4 accounts, 3 roles.
  const ops = await operations(server.url, [
    "ListAccounts",
    "ListAccountRoles",
  ]);
  assert.deepEqual(ops, [
    ...Array(4).fill("ListAccounts"),
    ...Array(3).fill("ListAccountRoles"),
  ]);
  // The token was saved where sso login saves it (sha1("my-sso")).
  assert.ok(
    await readOrNull(
      `${home.dir}/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json`,
    ),
  );
});

Deno.test("configure sso: one account and one role are named, not offered; --profile skips the name; 'default' gets its own conclusion", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(server.url);
  const result = await onTerminal(
    ["configure", "sso", "--profile", "default"],
    home.env,
    ["my-sso", START_URL, "us-east-1", "", "", ""],
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    withoutLinks(result.stdout),
    new RegExp(
      "LINK\n\nThe only AWS account available to you is: 111122223333\n" +
        "Using the account ID 111122223333\n" +
        "The only role available to you is: Admin\n" +
        'Using the role name "Admin"\n' +
        "Default client Region \\[None\\]: CLI default output format \\(json if not specified\\) \\[None\\]: " +
        "The AWS CLI is now configured to use the default profile.\n" +
        "Run the following command to verify your configuration:\n\n" +
        "aws-signin sts get-caller-identity\n$",
    ),
  );
  assert.equal(
    await readOrNull(home.config),
    "[default]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = Admin\n" +
      `[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
      "sso_registration_scopes = sso:account:access\n",
  );
});

Deno.test("configure sso, legacy form (no session name): the bold warning, the device code, the legacy keys and token file", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(
    server.url,
    "[default]\nregion = eu-west-1\n",
  );
  const env = { ...home.env };
  delete (env as Record<string, string>).NO_COLOR;
  const result = await onTerminal(["configure", "sso"], env, [
    "",
    START_URL,
    "us-east-1",
    "",
    "",
    "legacy",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(
    result.stdout.startsWith(
      "SSO session name (Recommended): \x1b[1mWARNING: Configuring using legacy format (e.g. without an SSO " +
        'session).\nConsider re-running "configure sso" command and providing a session name.\n\x1b[0m' +
        "SSO start URL [None]: SSO region [None]: Attempting to open your default browser.\n",
    ),
    result.stdout,
  );
  assert.match(result.stdout, /Then enter the code:\n\n[A-Z]{4}-[A-Z]{4}\n/);
  assert.match(
    result.stdout,
    /Default client Region \[eu-west-1\]: CLI default output format \(json if not specified\) \[None\]: Profile name \[Admin-111122223333\]: /,
  );
  assert.equal(
    await readOrNull(home.config),
    "[default]\nregion = eu-west-1\n[profile legacy]\n" +
      `sso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_account_id = 111122223333\n` +
      "sso_role_name = Admin\nregion = eu-west-1\n",
  );
  // sha1(start URL): the legacy token file.
  assert.ok(
    await readOrNull(
      `${home.dir}/.aws/sso/cache/7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json`,
    ),
  );
  assert.deepEqual(await operations(server.url, ["StartDeviceAuthorization"]), [
    "StartDeviceAuthorization",
  ]);
});

Deno.test("configure sso with NO_COLOR: the legacy warning without escapes", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(server.url);
  const result = await onTerminal(["configure", "sso", "--profile", "p"], {
    ...home.env,
    NO_COLOR: "1",
  }, ["", START_URL, "us-east-1", "", ""]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^SSO session name \(Recommended\): WARNING: Configuring using legacy format \(e\.g\. without an SSO session\)\.\nConsider re-running "configure sso" command and providing a session name\.\nSSO start URL/,
  );
});

Deno.test("configure sso reuses an existing session and its token (15 minutes or more left): no prompts for it, no sign-in", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(server.url);
  const first = await onTerminal(
    ["configure", "sso", "--profile", "a"],
    home.env,
    [
      "my-sso",
      START_URL,
      "us-east-1",
      "",
      "",
      "",
    ],
  );
  assert.equal(first.code, 0, first.stderr);
  const signIns = (await operations(server.url, ["CreateToken"])).length;
  // A new profile, the session named at the prompt.
  const second = await onTerminal(
    ["configure", "sso", "--profile", "b"],
    home.env,
    [
      "my-sso",
      "",
      "",
    ],
  );
  assert.equal(second.code, 0, second.stderr);
  assert.ok(
    second.stdout.startsWith(
      "SSO session name (Recommended): The only AWS account available to you is: 111122223333\n",
    ),
    second.stdout,
  );
  // A profile that has the session: it is the prompt's default.
  const third = await onTerminal(
    ["configure", "sso", "--profile", "a"],
    home.env,
    [
      "",
      "",
      "",
    ],
  );
  assert.equal(third.code, 0, third.stderr);
  assert.ok(
    third.stdout.startsWith(
      "SSO session name [my-sso]: The only AWS account available to you is: 111122223333\n",
    ),
    third.stdout,
  );
  assert.equal((await operations(server.url, ["CreateToken"])).length, signIns);
  assert.equal(
    await readOrNull(home.config),
    "[profile a]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = Admin\n" +
      `[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
      "sso_registration_scopes = sso:account:access\n" +
      "[profile b]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = Admin\n",
  );
});

Deno.test("configure sso: the validators' texts, asked again until the answer is good", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(server.url);
  const result = await onTerminal(
    ["configure", "sso", "--profile", "p"],
    home.env,
    [
      "my-sso",
      "not a url",
      START_URL,
      "",
      "us-east-1",
      "sso:account:access, a b",
      "sso:account:access",
      "",
      "",
    ],
  );
  assert.equal(result.code, 0, result.stderr);
  assert.ok(
    result.stdout.startsWith(
      "SSO session name (Recommended): SSO start URL [None]: Not a valid Start URL\n" +
        "SSO start URL [None]: SSO region [None]: A value is required\nSSO region [None]: " +
        "SSO registration scopes [sso:account:access]: Scope values must be separated by commas\n" +
        "SSO registration scopes [sso:account:access]: Attempting",
    ),
    result.stdout,
  );
});

Deno.test("configure sso: a menu answer that is not on the list is asked again; an account id or role name is taken", async () => {
  await using server = await ssoEmulator();
  await using home = await ssoHome(server.url);
  const result = await onTerminal(
    ["configure", "sso", "--profile", "p"],
    home.env,
    [
      "my-sso",
      START_URL,
      "us-east-1",
      "",
      "9",
      "444455556666",
      "",
      "",
    ],
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /Account \(number or ID\) \[1\]: Enter a number from 1 to 4, or an account ID from the list\.\nAccount \(number or ID\) \[1\]: Using the account ID 444455556666\nThe only role available to you is: Admin\n/,
  );
  assert.match(
    await readOrNull(home.config) ?? "",
    /sso_account_id = 444455556666\n/,
  );
});

Deno.test("configure sso: no accounts is the AWS CLI's error (255), and nothing is written", async () => {
  await using server = await ssoEmulator([]);
  await using home = await ssoHome(server.url);
  const result = await onTerminal(["configure", "sso"], home.env, [
    "my-sso",
    START_URL,
    "us-east-1",
    "",
  ]);
  assert.equal(result.code, 255);
  assert.match(result.stderr, /No AWS accounts are available to you\./);
  assert.equal(await readOrNull(home.config), null);
});

Deno.test("configure sso: an account without roles is the AWS CLI's error (255)", async () => {
  await using server = await ssoEmulator([{
    accountId: "111122223333",
    roles: [],
  }]);
  await using home = await ssoHome(server.url);
  const result = await onTerminal(["configure", "sso"], home.env, [
    "my-sso",
    START_URL,
    "us-east-1",
    "",
  ]);
  assert.equal(result.code, 255);
  assert.match(
    result.stderr,
    /No roles are available for the account 111122223333/,
  );
  assert.equal(await readOrNull(home.config), null);
});

Deno.test("configure sso: a 401 while listing skips the account and role, as the AWS CLI does", async () => {
  await using server = await ssoEmulator();
  await using home = await ssoHome(server.url);
  await emulatorFault(server.url, {
    operation: "ListAccounts",
    error: "UnauthorizedException",
    status: 401,
    message: "Session token not found or invalid",
  });
  const result = await onTerminal(["configure", "sso"], home.env, [
    "my-sso",
    START_URL,
    "us-east-1",
    "",
    "",
    "",
    "",
    "team",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    withoutLinks(result.stdout),
    new RegExp(
      "LINK\n\nUnable to list AWS accounts and/or roles. Skipping configuring AWS credential provider for " +
        "profile.\nDefault client Region \\[None\\]: CLI default output format \\(json if not specified\\) " +
        "\\[None\\]: Profile name \\[None\\]: A value is required\nProfile name \\[None\\]: " +
        "Successfully configured SSO for profile: team\n$",
    ),
  );
  assert.equal(
    await readOrNull(home.config),
    "[profile team]\nsso_session = my-sso\n" +
      `[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
      "sso_registration_scopes = sso:account:access\n",
  );
});

Deno.test("configure sso: a session name the JS SDK cannot read is warned about before it is used", async () => {
  await using server = await ssoEmulator(ONE_ACCOUNT);
  await using home = await ssoHome(server.url);
  const result = await onTerminal(
    ["configure", "sso", "--profile", "p"],
    home.env,
    [
      "my]sso",
      "my sso",
      "y",
      START_URL,
      "us-east-1",
      "",
      "",
      "",
    ],
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /my sso.*AWS SDK for JavaScript/s);
  assert.ok(
    result.stdout.startsWith(
      'SSO session name (Recommended): A name cannot contain "[", "]" or control characters\n' +
        "SSO session name (Recommended): Use this session name anyway? (y/n): SSO start URL [None]: ",
    ),
    result.stdout,
  );
  assert.match(
    await readOrNull(home.config) ?? "",
    /\[sso-session 'my sso'\]\n/,
  );
});
