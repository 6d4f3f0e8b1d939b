/**
 * `configure sso --all` against the emulator: a profile for every account
 * and role (every page read, sorted), names from the template made safe for
 * INI files and shells even for hostile account names, the marker, a second
 * run that changes nothing, updates and prunes of its own profiles only,
 * profiles it did not write left byte for byte, and its summary.
 */
import assert from "node:assert/strict";
import { parseIni } from "../../lib/config/ini.ts";
import { buildSharedConfig } from "../../lib/config/profiles.ts";
import { operations } from "../emulator/_sso.ts";
import { emulatorFault, readOrNull } from "../helpers.ts";
import {
  ssoEmulator,
  ssoHome,
  START_URL,
  withoutTerminal,
} from "./_configure.ts";

const SESSION = [
  "--sso-session",
  "my-sso",
  "--sso-start-url",
  START_URL,
  "--sso-region",
  "us-east-1",
];

const HOSTILE = [
  {
    accountId: "111122223333",
    accountName: "Development",
    emailAddress: "dev@example.com",
    roles: ["ReadOnly", "Admin"],
  },
  {
    accountId: "444455556666",
    accountName: "Prod]\n[profile evil]\ncredential_process = touch /tmp/pwned",
    roles: ["Admin"],
  },
  {
    accountId: "777788889999",
    accountName: "$(rm -rf ~) `x` 'q'",
    roles: ["Admin"],
  },
  { accountId: "222233334444", accountName: "Empty", roles: [] },
];

Deno.test("configure sso --all: every account and role, safe names, the marker, the summary; a second run changes nothing", async () => {
  await using server = await ssoEmulator(HOSTILE);
  await using home = await ssoHome(
    server.url,
    "[profile mine]\nregion = us-east-1 # mine\n",
  );
  const result = await withoutTerminal([
    "configure",
    "sso",
    "--all",
    ...SESSION,
    "--region",
    "eu-west-1",
  ], home.env);
  assert.equal(result.code, 0, result.stderr);
  const config = (await readOrNull(home.config))!;
  assert.equal(
    config,
    "[profile mine]\nregion = us-east-1 # mine\n" +
      `[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
      "sso_registration_scopes = sso:account:access\n" +
      profile("rm_-rf_x_q_-Admin", "777788889999", "Admin") +
      profile("Development-Admin", "111122223333", "Admin") +
      profile("Development-ReadOnly", "111122223333", "ReadOnly") +
      profile(
        "Prod_profile_evil_credential_process_touch_tmp_pwned-Admin",
        "444455556666",
        "Admin",
      ),
  );
  // The hostile name made no section of its own, and every name is shell-safe.
  const shared = buildSharedConfig(home.config, config, "credentials", null);
  assert.deepEqual(
    [...shared.configProfiles.keys()].filter((n) =>
      /evil/.test(n) && !/^Prod_/.test(n)
    ),
    [],
  );
  for (const name of shared.configProfiles.keys()) {
    assert.match(name, /^[A-Za-z0-9_.@+-]+$/);
  }
  assert.match(
    result.stdout,
    /Added:\n {2}rm_-rf_x_q_-Admin \(777788889999, Admin\)\n {2}Development-Admin \(111122223333, Admin\)\n/,
  );
  assert.match(
    result.stdout,
    /Accounts without roles available to you \(no profile\):\n {2}222233334444\n/,
  );
  assert.match(
    result.stdout,
    /Profiles of SSO session my-sso: 4 added, 0 updated, 0 unchanged, 0 removed, 0 skipped\.\n/,
  );
  const again = await withoutTerminal([
    "configure",
    "sso",
    "--all",
    "--sso-session",
    "my-sso",
    "--region",
    "eu-west-1",
  ], home.env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    /0 added, 0 updated, 4 unchanged, 0 removed, 0 skipped\./,
  );
  assert.equal(await readOrNull(home.config), config);
  // The second run used the saved token: one sign-in in all.
  assert.equal((await operations(server.url, ["CreateToken"])).length, 1);
});

function profile(
  name: string,
  account: string,
  role: string,
  extra = "region = eu-west-1\n",
): string {
  return `[profile ${name}]\nsso_session = my-sso\nsso_account_id = ${account}\nsso_role_name = ${role}\n` +
    `${extra}sso_auto_populated = true\n`;
}

Deno.test("configure sso --all updates and prunes only its own profiles of this session; others stay byte for byte", async () => {
  await using server = await ssoEmulator(HOSTILE.slice(0, 1));
  const before = "# team settings\n[profile mine]\nregion = us-east-1\n\n" +
    // Its own, for this session: to update (no region yet) and to remove (the role is gone).
    "[profile Development-Admin]\nsso_session = my-sso\nsso_account_id = 111122223333\n" +
    "sso_role_name = Admin\nsso_auto_populated = true\n\n" +
    "[profile Development-Gone]\nsso_session = my-sso\nsso_account_id = 111122223333\n" +
    "sso_role_name = Gone\nsso_auto_populated = true\n\n" +
    // Another session's, and one written by hand with a generated name: never touched.
    "[profile Other-Admin]\nsso_session = other\nsso_account_id = 1\nsso_role_name = Admin\n" +
    "sso_auto_populated = true\n\n" +
    "[profile Development-ReadOnly]\nsso_session = my-sso\nsso_account_id = 111122223333\n" +
    "sso_role_name = ReadOnly\nregion = ap-south-1\n\n" +
    `[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
    "sso_registration_scopes = sso:account:access\n";
  await using home = await ssoHome(server.url, before);
  const result = await withoutTerminal(
    [
      "configure",
      "sso",
      "--all",
      "--sso-session",
      "my-sso",
      "--region",
      "eu-west-1",
      "--output",
      "json",
    ],
    home.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    await readOrNull(home.config),
    "# team settings\n[profile mine]\nregion = us-east-1\n\n" +
      "[profile Development-Admin]\nsso_session = my-sso\nsso_account_id = 111122223333\n" +
      "sso_role_name = Admin\nsso_auto_populated = true\nregion = eu-west-1\noutput = json\n\n" +
      "[profile Other-Admin]\nsso_session = other\nsso_account_id = 1\nsso_role_name = Admin\n" +
      "sso_auto_populated = true\n\n" +
      "[profile Development-ReadOnly]\nsso_session = my-sso\nsso_account_id = 111122223333\n" +
      "sso_role_name = ReadOnly\nregion = ap-south-1\n\n" +
      `[sso-session my-sso]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n` +
      "sso_registration_scopes = sso:account:access\n",
  );
  assert.match(
    result.stdout,
    /Updated:\n {2}Development-Admin \(111122223333, Admin\)\n/,
  );
  assert.match(
    result.stdout,
    /Removed \(their account or role is no longer available\):\n {2}Development-Gone\n/,
  );
  assert.match(
    result.stdout,
    /Skipped \(a profile of that name exists that --all did not write for session my-sso; it was left as it is\):\n {2}Development-ReadOnly \(111122223333, ReadOnly\)\n/,
  );
  assert.match(
    result.stdout,
    /0 added, 1 updated, 0 unchanged, 1 removed, 1 skipped\./,
  );
  parseIni((await readOrNull(home.config))!, "config");
});

Deno.test("configure sso --all --profile-template names profiles; collisions get the account id", async () => {
  await using server = await ssoEmulator([
    { accountId: "111111111111", accountName: "Dev Team", roles: ["Admin"] },
    { accountId: "222222222222", accountName: "Dev_Team", roles: ["Admin"] },
  ]);
  await using home = await ssoHome(server.url);
  const result = await withoutTerminal(
    [
      "configure",
      "sso",
      "--all",
      ...SESSION,
      "--profile-template",
      "{session}.{account_name}.{role_name}",
    ],
    home.env,
  );
  assert.equal(result.code, 0, result.stderr);
  const names = [
    ...buildSharedConfig("c", (await readOrNull(home.config))!, "k", null)
      .configProfiles.keys(),
  ];
  assert.deepEqual(names, [
    "my-sso.Dev_Team.Admin-111111111111",
    "my-sso.Dev_Team.Admin-222222222222",
  ]);
});

Deno.test("configure sso --all: a refused listing and no accounts fail (255) and write nothing; the legacy form is refused", async () => {
  await using server = await ssoEmulator([]);
  await using home = await ssoHome(
    server.url,
    "[profile mine]\nregion = us-east-1\n",
  );
  const none = await withoutTerminal(
    ["configure", "sso", "--all", ...SESSION],
    home.env,
  );
  assert.equal(none.code, 255);
  assert.match(none.stderr, /No AWS accounts are available to you\./);
  await emulatorFault(server.url, {
    operation: "ListAccounts",
    error: "UnauthorizedException",
    status: 401,
    message: "Session token not found or invalid",
  });
  const refused = await withoutTerminal([
    "configure",
    "sso",
    "--all",
    ...SESSION,
  ], home.env);
  assert.equal(refused.code, 255);
  assert.match(
    refused.stderr,
    /Unable to list AWS accounts and\/or roles: .*aws-signin sso login --sso-session my-sso.*Nothing was written\./,
  );
  assert.equal(
    await readOrNull(home.config),
    "[profile mine]\nregion = us-east-1\n",
  );
  const legacy = await withoutTerminal(["configure", "sso", "--all"], home.env);
  assert.equal(legacy.code, 252);
  assert.match(legacy.stderr, /--sso-session NAME/);
});
