/**
 * An SSO profile on a machine that never signed in to IAM Identity Center
 * (no ~/.aws/sso folder at all): the AWS CLI's "Token ... does not exist"
 * (255) and the command to run, not a complaint about a lock file
 * (found by the interop tests with the AWS CLI v2, protocol-sso.md §6).
 */
import assert from "node:assert/strict";
import { listDir, runCliProcess, tempHome } from "../helpers.ts";

const CONFIG = `[sso-session my-sso]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1

[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Admin

[profile legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin
`;

Deno.test("an SSO profile before any sso login (no ~/.aws/sso): the AWS CLI's text and exit code", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(home.config, CONFIG);
  const env = {
    ...home.env,
    AWS_EC2_METADATA_DISABLED: "true",
    // Nothing may be called: an unreachable endpoint would fail differently.
    AWS_ENDPOINT_URL_SSO_OIDC: "http://127.0.0.1:9",
    AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:9",
  };
  const session = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    env,
  );
  assert.equal(session.code, 255, session.stderr);
  assert.equal(
    session.stderr,
    "aws-signin: [ERROR]: Error loading SSO Token: Token for my-sso does not exist\n" +
      "Run 'aws-signin sso login --sso-session my-sso' to sign in.\n",
  );
  const legacy = await runCliProcess(
    ["configure", "export-credentials", "--profile", "legacy"],
    env,
  );
  assert.equal(legacy.code, 255, legacy.stderr);
  assert.match(
    legacy.stderr,
    /^aws-signin: \[ERROR\]: Error loading SSO Token: Token for https:\/\/d-1234567890\.awsapps\.com\/start does not exist\n/,
  );
  assert.deepEqual(
    await listDir(`${home.dir}/.aws/sso/cache`).then((n) =>
      n.filter((f) => f.endsWith(".json"))
    ),
    [],
  );
});
