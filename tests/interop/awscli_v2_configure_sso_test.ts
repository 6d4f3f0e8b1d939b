/**
 * The AWS CLI v2's `aws configure sso` (run from source) through a
 * pseudo-terminal against the emulator, answering its prompts and menus as a
 * person would (S15, the AWS CLI's side): the config bytes it writes for the
 * session and the legacy forms, with several accounts and roles (sorted
 * menus, the arrow keys) and with one of each (no menu), ListAccounts
 * paginated one account a page, and an existing session reused without a
 * new sign-in. `awsConfigureSso` (./_awscli_v2.ts) is what a comparison
 * with `aws-signin configure sso` runs. Skipped unless
 * `AWS_SIGNIN_AWSCLI_V2` names a checkout.
 */
import assert from "node:assert/strict";
import {
  awsConfigureSso,
  cliTest,
  sandbox,
  SESSION_TOKEN,
  START_URL,
} from "./_awscli_v2.ts";

Deno.test(cliTest(
  "S15 (the AWS CLI): configure sso, session form, two accounts and two roles in sorted menus, one account a page",
  async () => {
    await using box = await sandbox({ config: null, sso: { pageSize: 1 } });
    const run = await awsConfigureSso(box, {
      session: "my-sso",
      startUrl: START_URL,
      region: "us-east-1",
      accounts: 2,
      accountDown: 1,
      roles: 2,
      roleDown: 1,
      clientRegion: "us-west-2",
      output: "json",
      profileName: "",
    });
    assert.equal(run.failed, null, run.plain);
    assert.equal(run.code, 0, run.plain);
    assert.equal(
      run.config,
      "[profile ReadOnly-444455556666]\nsso_session = my-sso\nsso_account_id = 444455556666\n" +
        "sso_role_name = ReadOnly\nregion = us-west-2\noutput = json\n[sso-session my-sso]\n" +
        `sso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n`,
    );
    assert.equal(
      ((await Deno.stat(box.config)).mode! & 0o777).toString(8),
      "600",
    );
    const text = run.plain;
    assert.match(text, /There are 2 AWS accounts available to you\.\n/);
    assert.match(
      text,
      /> Development, dev@example\.com \(111122223333\)\s*\n\s*Production, prod@example\.com \(444455556666\)/,
    );
    assert.match(text, /Using the account ID 444455556666\n/);
    assert.match(text, /There are 2 roles available to you\.\n/);
    assert.match(text, /Using the role name "ReadOnly"\n/);
    assert.ok(
      text.endsWith(
        "To use this profile, specify the profile name using --profile, as shown:\n\n" +
          "aws sts get-caller-identity --profile ReadOnly-444455556666\n",
      ),
      text.slice(-300),
    );
    assert.doesNotMatch(text, /Successfully logged into Start URL/);
    const calls = await box.calls(["ListAccounts", "ListAccountRoles"]);
    assert.deepEqual(calls, [
      "ListAccounts 200",
      "ListAccounts 200",
      "ListAccountRoles 200",
      "ListAccountRoles 200",
    ]);

    // Again with the existing session: its values are not asked, its token is reused (no sign-in).
    const before = (await box.calls(["CreateToken"])).length;
    const again = await awsConfigureSso(box, {
      session: "my-sso",
      existingSession: true,
      accounts: 2,
      roles: 2,
    }, ["--profile", "dev"]);
    assert.equal(again.code, 0, again.plain);
    assert.equal((await box.calls(["CreateToken"])).length, before);
    assert.ok(
      again.config.endsWith(
        "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = Admin\n",
      ),
      again.config,
    );
    await Deno.stat(`${box.ssoCache}/${SESSION_TOKEN}`);
  },
));

Deno.test(cliTest(
  "S15 (the AWS CLI): configure sso, legacy form (no session name), one account and one role (no menus), --profile",
  async () => {
    await using box = await sandbox({
      config: null,
      sso: {
        accounts: [{
          accountId: "111122223333",
          accountName: "Development",
          emailAddress: "dev@example.com",
          roles: ["Admin"],
        }],
      },
    });
    const run = await awsConfigureSso(box, {
      session: "",
      startUrl: START_URL,
      region: "us-east-1",
      accounts: 1,
      roles: 1,
      clientRegion: "eu-west-1",
      output: "",
    }, ["--profile", "legacy"]);
    assert.equal(run.failed, null, run.plain);
    assert.equal(run.code, 0, run.plain);
    assert.equal(
      run.config,
      `[profile legacy]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
        "sso_account_id = 111122223333\nsso_role_name = Admin\nregion = eu-west-1\n",
    );
    assert.ok(
      run.raw.replaceAll("\r", "").includes(
        "\x1b[1mWARNING: Configuring using legacy format (e.g. without an SSO session).\n",
      ),
      "the warning, bold",
    );
    assert.match(
      run.plain,
      /The only AWS account available to you is: 111122223333\nUsing the account ID 111122223333\n/,
    );
    assert.match(
      run.plain,
      /The only role available to you is: Admin\nUsing the role name "Admin"\n/,
    );
    assert.match(
      run.plain,
      /Then enter the code:\n\n[A-Z]{4}-[A-Z]{4}\n/,
      "the legacy form signs in with a device code",
    );
  },
));
