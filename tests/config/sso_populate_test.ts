/**
 * `configure sso --all`'s plan, as pure functions: profile names from a
 * template made safe for INI files and shells, collisions, which profiles
 * are its own (the `sso_auto_populated` marker and the session), and the
 * text it writes (sections added, updated in place, and removed).
 */
import assert from "node:assert/strict";
import { buildSharedConfig } from "../../lib/config/profiles.ts";
import { parseIni } from "../../lib/config/ini.ts";
import {
  applyPopulatePlan,
  checkProfileTemplate,
  planPopulate,
  removeConfigSection,
  renderProfileName,
  safeProfileName,
} from "../../lib/config/sso_populate.ts";
import { UsageError } from "../../lib/errors.ts";

const shared = (text: string) =>
  buildSharedConfig("config", text, "credentials", null);

Deno.test("safeProfileName keeps [A-Za-z0-9_.@+-], turns every other run into one _, and never starts with - or _", () => {
  assert.equal(safeProfileName("Development-Admin"), "Development-Admin");
  assert.equal(safeProfileName("Dev Team (EU)-Admin"), "Dev_Team_EU_-Admin");
  assert.equal(
    safeProfileName("Prod]\ncredential_process = evil"),
    "Prod_credential_process_evil",
  );
  assert.equal(safeProfileName("--x"), "x");
  assert.equal(safeProfileName("  a b  "), "a_b");
  assert.equal(safeProfileName("Développement"), "D_veloppement");
  assert.equal(safeProfileName("$(rm -rf ~)'`"), "rm_-rf");
  assert.equal(safeProfileName("!!!"), "");
  assert.equal(safeProfileName("a@b.c+d"), "a@b.c+d");
});

Deno.test("renderProfileName fills every placeholder; a missing account name is the account id", () => {
  const a = {
    accountId: "111122223333",
    accountName: "Dev",
    roleName: "Admin",
  };
  assert.equal(
    renderProfileName("{account_name}-{role_name}", a, "corp"),
    "Dev-Admin",
  );
  assert.equal(
    renderProfileName("{session}.{account_id}.{role_name}", a, "corp"),
    "corp.111122223333.Admin",
  );
  assert.equal(
    renderProfileName(
      "{account_name}-{role_name}",
      { accountId: "1", roleName: "R" },
      "s",
    ),
    "1-R",
  );
});

Deno.test("checkProfileTemplate refuses unknown placeholders, stray braces and an empty template, naming the known ones", () => {
  checkProfileTemplate("{account_name}-{role_name}");
  checkProfileTemplate("sso-{account_id}-{role_name}");
  for (const bad of ["", "{account}-{role_name}", "{role_name", "x}"]) {
    assert.throws(
      () => checkProfileTemplate(bad),
      (e: unknown) =>
        e instanceof UsageError && /--profile-template/.test(e.message) &&
        /\{account_name\}/.test(e.message),
      bad,
    );
  }
});

const DEV_ADMIN = {
  accountId: "111122223333",
  accountName: "Dev",
  roleName: "Admin",
};
const DEV_READ = {
  accountId: "111122223333",
  accountName: "Dev",
  roleName: "ReadOnly",
};

Deno.test("planPopulate: new names are added; its own profiles of this session are updated or unchanged, and the rest of them removed", () => {
  const text =
    "[profile Dev-Admin]\nsso_session = corp\nsso_account_id = 111122223333\n" +
    "sso_role_name = Admin\nsso_auto_populated = true\n" +
    "[profile Old-Admin]\nsso_session = corp\nsso_account_id = 999999999999\n" +
    "sso_role_name = Admin\nsso_auto_populated = true\n" +
    "[profile Other-session]\nsso_session = other\nsso_account_id = 1\nsso_role_name = R\n" +
    "sso_auto_populated = true\n" +
    "[profile mine]\nregion = us-east-1\n";
  const plan = planPopulate(shared(text), {
    session: "corp",
    template: "{account_name}-{role_name}",
    assignments: [DEV_ADMIN, DEV_READ],
  });
  assert.deepEqual(
    plan.entries.map((e) => [e.name, e.action]),
    [["Dev-Admin", "unchanged"], ["Dev-ReadOnly", "add"]],
  );
  assert.deepEqual(plan.removed, ["Old-Admin"]);
  assert.deepEqual(plan.skipped, []);
});

Deno.test("planPopulate never takes a profile it did not write (unmarked, or marked for another session, or in the credentials file)", () => {
  const text = "[profile Dev-Admin]\nregion = us-east-1\n" +
    "[profile Dev-ReadOnly]\nsso_session = other\nsso_account_id = 111122223333\n" +
    "sso_role_name = ReadOnly\nsso_auto_populated = true\n";
  const files = buildSharedConfig(
    "config",
    text,
    "credentials",
    "[Dev-Deploy]\naws_access_key_id = AKIA\n",
  );
  const plan = planPopulate(files, {
    session: "corp",
    template: "{account_name}-{role_name}",
    assignments: [DEV_ADMIN, DEV_READ, { ...DEV_ADMIN, roleName: "Deploy" }],
  });
  assert.deepEqual(plan.entries, []);
  assert.deepEqual(plan.removed, []);
  assert.deepEqual(plan.skipped.map((s) => s.name), [
    "Dev-Admin",
    "Dev-ReadOnly",
    "Dev-Deploy",
  ]);
});

Deno.test("planPopulate: names that collide get the account id, then a number; 'default' is never generated", () => {
  const plan = planPopulate(shared(""), {
    session: "corp",
    template: "{account_name}-{role_name}",
    assignments: [
      { accountId: "111111111111", accountName: "Dev Team", roleName: "Admin" },
      { accountId: "222222222222", accountName: "Dev_Team", roleName: "Admin" },
      { accountId: "333333333333", accountName: "x", roleName: "a b" },
      { accountId: "333333333333", accountName: "x", roleName: "a_b" },
    ],
  });
  assert.deepEqual(plan.entries.map((e) => e.name), [
    "Dev_Team-Admin-111111111111",
    "Dev_Team-Admin-222222222222",
    "x-a_b-333333333333",
    "x-a_b-333333333333-2",
  ]);
  const fixed = planPopulate(shared(""), {
    session: "corp",
    template: "default",
    assignments: [DEV_ADMIN],
  });
  assert.deepEqual(fixed.entries.map((e) => e.name), [
    "default-111122223333",
  ]);
  const empty = planPopulate(shared(""), {
    session: "corp",
    template: "{account_name}",
    assignments: [{ accountId: "1", accountName: "!!!", roleName: "R" }],
  });
  assert.deepEqual(empty.entries.map((e) => e.name), ["1-R"]);
});

Deno.test("applyPopulatePlan writes the keys in order with the marker, updates in place, removes pruned sections and leaves every other byte", () => {
  const text = "# my profiles\n[profile mine]\nregion = us-east-1 # keep\n\n" +
    "[profile Dev-Admin]\nsso_session = corp\nsso_account_id = 111122223333\n" +
    "sso_role_name = Admin\nsso_auto_populated = true\n\n" +
    "[profile Old-Admin]\nsso_session = corp\nsso_account_id = 999999999999\n" +
    "sso_role_name = Admin\nsso_auto_populated = true\n\n" +
    "# the team's session\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\n";
  const plan = planPopulate(shared(text), {
    session: "corp",
    template: "{account_name}-{role_name}",
    assignments: [DEV_ADMIN, DEV_READ],
    region: "eu-west-1",
  });
  assert.deepEqual(
    plan.entries.map((e) => [e.name, e.action]),
    [["Dev-Admin", "update"], ["Dev-ReadOnly", "add"]],
  );
  const out = applyPopulatePlan(text, plan, "config");
  assert.equal(
    out,
    "# my profiles\n[profile mine]\nregion = us-east-1 # keep\n\n" +
      "[profile Dev-Admin]\nsso_session = corp\nsso_account_id = 111122223333\n" +
      "sso_role_name = Admin\nsso_auto_populated = true\nregion = eu-west-1\n\n" +
      "# the team's session\n[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\n" +
      "[profile Dev-ReadOnly]\nsso_session = corp\nsso_account_id = 111122223333\n" +
      "sso_role_name = ReadOnly\nregion = eu-west-1\nsso_auto_populated = true\n",
  );
  parseIni(out, "config");
});

Deno.test("removeConfigSection removes the header through its last setting and the blank lines after it, nothing else", () => {
  const text =
    "[a]\nx = 1\n\n[profile b]\ny = 2\n  nested = 3\n# about c\n\n[c]\nz = 3\n";
  assert.equal(
    removeConfigSection(text, "b", "config"),
    "[a]\nx = 1\n\n# about c\n\n[c]\nz = 3\n",
  );
  assert.equal(
    removeConfigSection("[profile b]\ny = 2\n", "b", "config"),
    "",
  );
  assert.equal(removeConfigSection(text, "nope", "config"), text);
});
