/**
 * SSO profiles and sessions (protocol-sso.md §1): which profiles are SSO
 * (botocore's rule and the JS SDK's), the session merged into the profile,
 * the validation texts and exit kinds of the credential path (255) and of
 * `sso login` (253), registration scopes, quoted session names, section
 * headers, and `sso login` following `source_profile` (an improvement).
 */
import assert from "node:assert/strict";
import { buildSharedConfig } from "../../lib/config/profiles.ts";
import {
  type ProfileSource,
  resolveProfile,
} from "../../lib/config/selection.ts";
import {
  isPortableSessionName,
  isSsoProfile,
  jsTreatsAsSso,
  parseRegistrationScopes,
  ssoCredentialConfig,
  ssoLoginCommand,
  ssoLoginConfig,
  ssoSessionSection,
} from "../../lib/config/sso_config.ts";
import { AwsSigninError, ConfigurationError } from "../../lib/errors.ts";

const START = "https://d-1234567890.awsapps.com/start";

function profileOf(text: string, name: string, source: ProfileSource = "flag") {
  return resolveProfile(
    buildSharedConfig("config", text, "credentials", null),
    {
      name,
      source,
    },
  );
}

const SESSION = `[sso-session my-sso]
sso_start_url = ${START}
sso_region = us-east-1
sso_registration_scopes = sso:account:access, ,custom:x ,
`;

Deno.test("which profiles are SSO: botocore needs sso_account_id or sso_role_name; the JS SDK any of five keys", () => {
  assert.equal(isSsoProfile({ sso_role_name: "Admin" }), true);
  assert.equal(isSsoProfile({ sso_account_id: "1" }), true);
  assert.equal(isSsoProfile({ sso_session: "s", sso_start_url: START }), false);
  assert.equal(jsTreatsAsSso({ sso_session: "s" }), true);
  assert.equal(jsTreatsAsSso({ sso_region: "us-east-1" }), true);
  assert.equal(jsTreatsAsSso({ sso_registration_scopes: "x" }), false);
  assert.equal(jsTreatsAsSso({ region: "us-east-1" }), false);
});

Deno.test("registration scopes: split on commas, stripped, empty items dropped", () => {
  assert.deepEqual(
    parseRegistrationScopes(" sso:account:access, ,custom:x ,"),
    [
      "sso:account:access",
      "custom:x",
    ],
  );
  assert.deepEqual(parseRegistrationScopes(""), []);
});

Deno.test("credential path: a session profile merged with its session; a legacy profile as it is", () => {
  const text = `${SESSION}
[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Admin
region = us-west-2

[profile legacy]
sso_start_url = ${START}
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile plain]
region = eu-west-1
`;
  assert.deepEqual(ssoCredentialConfig(profileOf(text, "dev")), {
    profile: "dev",
    accountId: "111122223333",
    roleName: "Admin",
    startUrl: START,
    region: "us-east-1",
    sessionName: "my-sso",
  });
  assert.deepEqual(ssoCredentialConfig(profileOf(text, "legacy")), {
    profile: "legacy",
    accountId: "444455556666",
    roleName: "ReadOnly",
    startUrl: START,
    region: "us-east-1",
  });
  assert.equal(ssoCredentialConfig(profileOf(text, "plain")), undefined);
});

Deno.test("credential path errors: botocore's texts, exit kind 'other' (255), in its order", () => {
  const fails = (text: string, name: string, message: string) =>
    assert.throws(
      () => ssoCredentialConfig(profileOf(text, name)),
      (e: unknown) =>
        e instanceof AwsSigninError && !(e instanceof ConfigurationError) &&
        e.kind === "other" && e.message === message,
      message,
    );
  fails(
    "[profile a]\nsso_session = nope\nsso_role_name = R\n",
    "a",
    'The specified sso-session does not exist: "nope"',
  );
  fails(
    "[profile a]\nsso_role_name = R\n",
    "a",
    'The profile "a" is configured to use SSO but is missing required configuration: ' +
      "sso_account_id, sso_start_url, sso_region",
  );
  fails(
    "[sso-session s]\nsso_start_url = x\n[profile a]\nsso_session = s\nsso_account_id = 1\nsso_role_name = R\n",
    "a",
    'The profile "a" is configured to use SSO but is missing required configuration: sso_region',
  );
  fails(
    "[sso-session s]\nsso_start_url = x\nsso_region = us-east-1\n" +
      "[profile a]\nsso_session = s\nsso_region = us-west-2\nsso_account_id = 1\nsso_role_name = R\n",
    "a",
    "The value for sso_region is inconsistent between profile (us-west-2) and sso-session (us-east-1).",
  );
  // The profile has the keys but its session does not: the token provider's check.
  fails(
    "[sso-session s]\nsso_registration_scopes = x\n" +
      `[profile a]\nsso_session = s\nsso_start_url = ${START}\nsso_region = us-east-1\nsso_account_id = 1\n` +
      "sso_role_name = R\n",
    "a",
    'The profile "a" is configured to use the SSO token provider but is missing the following configuration: ' +
      "['sso_start_url', 'sso_region'].",
  );
});

Deno.test("session names: botocore's shlex rule (quoted names), and what the JS SDK can read", () => {
  const text =
    `[sso-session 'my sso']\nsso_start_url = ${START}\nsso_region = eu-west-1\n` +
    "[sso-session]\nsso_region = x\n[sso-sessionfoo]\nsso_region = y\n" +
    "[profile q]\nsso_session = my sso\nsso_account_id = 1\nsso_role_name = R\n";
  const shared = buildSharedConfig("config", text, "credentials", null);
  assert.deepEqual([...shared.ssoSessions.keys()], ["my sso"]);
  assert.equal(ssoCredentialConfig(profileOf(text, "q"))?.region, "eu-west-1");
  assert.equal(ssoSessionSection("my-sso"), "sso-session my-sso");
  assert.equal(ssoSessionSection("my sso"), "sso-session 'my sso'");
  assert.equal(isPortableSessionName("my-sso@corp+x.y%z:a/b_C9"), true);
  assert.equal(isPortableSessionName("my sso"), false);
  assert.equal(isPortableSessionName(""), false);
  assert.equal(
    ssoLoginCommand({ sessionName: "my-sso" }),
    "aws-signin sso login --sso-session my-sso",
  );
  assert.equal(
    ssoLoginCommand({ sessionName: "my sso" }),
    "aws-signin sso login --sso-session 'my sso'",
  );
  assert.equal(
    ssoLoginCommand({ profile: "dev" }),
    "aws-signin sso login --profile dev",
  );
  assert.equal(ssoLoginCommand({ profile: "default" }), "aws-signin sso login");
});

Deno.test("sso login's config: --sso-session, the profile's sso_session, or the legacy profile", () => {
  const text = `${SESSION}
[profile dev]
sso_session = my-sso

[profile legacy]
sso_start_url = ${START}
sso_region = us-east-1
`;
  assert.deepEqual(ssoLoginConfig(profileOf(text, "dev")), {
    profile: "dev",
    sessionName: "my-sso",
    startUrl: START,
    region: "us-east-1",
    registrationScopes: ["sso:account:access", "custom:x"],
    via: [],
  });
  assert.deepEqual(ssoLoginConfig(profileOf(text, "legacy")), {
    profile: "legacy",
    startUrl: START,
    region: "us-east-1",
    registrationScopes: null,
    via: [],
  });
  // --sso-session wins; no default profile is fine then.
  assert.equal(
    ssoLoginConfig(profileOf(text, "default", "default"), {
      ssoSession: "my-sso",
    }).sessionName,
    "my-sso",
  );
  // A session without scopes: null (not []); an empty setting: [].
  const bare =
    `[sso-session s]\nsso_start_url = ${START}\nsso_region = us-east-1\n` +
    `[sso-session e]\nsso_start_url = ${START}\nsso_region = us-east-1\nsso_registration_scopes =\n`;
  assert.equal(
    ssoLoginConfig(profileOf(bare, "default", "default"), { ssoSession: "s" })
      .registrationScopes,
    null,
  );
  assert.deepEqual(
    ssoLoginConfig(profileOf(bare, "default", "default"), { ssoSession: "e" })
      .registrationScopes,
    [],
  );
});

Deno.test("sso login's errors: Configuration (253) with the AWS CLI's texts; a missing profile (255)", () => {
  const config = (
    text: string,
    name: string,
    options = {},
    source: ProfileSource = "flag",
  ) =>
  () => ssoLoginConfig(profileOf(text, name, source), options);
  const configurationError = (message: string) => (e: unknown) =>
    e instanceof ConfigurationError && e.kind === "configuration" &&
    e.message === message;
  assert.throws(
    config("[profile a]\nsso_session = nope\n", "a"),
    configurationError('The specified sso-session does not exist: "nope"'),
  );
  assert.throws(
    config(
      "[sso-session s]\nsso_start_url = x\n[profile a]\nsso_session = s\n",
      "a",
    ),
    configurationError(
      "Missing the following required SSO configuration values: sso_region. ",
    ),
  );
  assert.throws(
    config("[sso-session s]\n[profile a]\n", "a", { ssoSession: "s" }),
    configurationError(
      "Missing the following required SSO configuration values: sso_start_url, sso_region. ",
    ),
  );
  assert.throws(
    config("[profile a]\nsso_account_id = 1\n", "a"),
    configurationError(
      "Missing the following required SSO configuration values: sso_start_url, sso_region. " +
        "To make sure this profile is properly configured to use SSO, please run: aws-signin configure sso",
    ),
  );
  // No profile selected and no [default]: the legacy error; a named profile that does not exist: not found.
  assert.throws(
    config("", "default", {}, "default"),
    /Missing the following required SSO configuration values/,
  );
  assert.throws(
    config("", "zzz"),
    (e: unknown) =>
      e instanceof AwsSigninError && e.kind === "other" &&
      e.message.startsWith("The config profile (zzz) could not be found"),
  );
  assert.throws(config("", "zzz", { ssoSession: "s" }), /could not be found/);
});

Deno.test("sso login follows a role profile's source_profile to its SSO profile (an improvement on the AWS CLI)", () => {
  const text = `${SESSION}
[profile sso]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Admin

[profile role]
role_arn = arn:aws:iam::444455556666:role/Deploy
source_profile = sso

[profile role2]
role_arn = arn:aws:iam::444455556666:role/Other
source_profile = role

[profile loop]
role_arn = arn:aws:iam::444455556666:role/Loop
source_profile = loop2

[profile loop2]
role_arn = arn:aws:iam::444455556666:role/Loop
source_profile = loop
`;
  const config = ssoLoginConfig(profileOf(text, "role2"), {
    followSourceProfile: true,
  });
  assert.equal(config.profile, "sso");
  assert.equal(config.sessionName, "my-sso");
  assert.deepEqual(config.via, ["role2", "role"]);
  // Without the option: the AWS CLI's error.
  assert.throws(
    () => ssoLoginConfig(profileOf(text, "role")),
    /Missing the following required SSO configuration/,
  );
  // A loop ends in the original profile's error, not a hang.
  assert.throws(
    () =>
      ssoLoginConfig(profileOf(text, "loop"), { followSourceProfile: true }),
    /please run: aws-signin configure sso/,
  );
});

Deno.test("a session's settings are written into the section botocore reads as it, however its name is quoted", async () => {
  const { ssoSessionTarget } = await import("../../lib/config/sso_config.ts");
  const { updateConfigText } = await import("../../lib/config/writer.ts");
  const text =
    '[sso-session "my sso"]\nsso_start_url = https://example.awsapps.com/start\n';
  assert.equal(
    updateConfigText(
      text,
      ssoSessionTarget("my sso"),
      { sso_region: "eu-west-1" },
      "config",
    ),
    '[sso-session "my sso"]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\n',
  );
});
