/**
 * Hardening II, 4: `logout` ends the access of roles assumed from the
 * session: `--profile P` removes the role cache entries of every role chain
 * that ends at P's session (every level of the chain), `--all` those of
 * every chain built on any login session; entries of chains built on other
 * sources stay; the message says how many.
 */
import assert from "node:assert/strict";
import { roleCacheKey } from "../../lib/cache/role_cache.ts";
import { writeRoleCache } from "../../lib/cache/role_cache_write.ts";
import { listDir, readOrNull, runCliProcess } from "../helpers.ts";
import { ADMIN, DEEP, PARTNER, roleEmulator, roleHome } from "./_setup.ts";

const OTHER_SESSION = "arn:aws:iam::999988887777:user/elsewhere";

const PROFILES =
  `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n\n` +
  `[profile deep]\nrole_arn = ${DEEP}\nsource_profile = admin\n\n` +
  `[profile elsewhere]\nlogin_session = ${OTHER_SESSION}\nregion = us-east-1\n\n` +
  `[profile elsewhere-role]\nrole_arn = ${DEEP}\nsource_profile = elsewhere\nrole_session_name = e\n\n` +
  `[profile static]\naws_access_key_id = AKIASTATICSTATIC0001\naws_secret_access_key = s\n\n` +
  `[profile partner]\nrole_arn = ${PARTNER}\nsource_profile = static\nexternal_id = xid-42\n`;

/** A role cache entry as the AWS CLI would have left it (for chains the emulator cannot assume here). */
async function plantRoleEntry(
  dir: string,
  args: Parameters<typeof roleCacheKey>[0],
): Promise<string> {
  const file = `${dir}/.aws/cli/cache/${await roleCacheKey(args)}.json`;
  await writeRoleCache(file, {
    accessKeyId: "ASIAPLANTEDPLANTED01",
    secretAccessKey: "s",
    sessionToken: "t",
    expiresAtMs: Date.now() + 3600_000,
    accountId: "444455556666",
    assumedRoleId: "AROA:x",
    arn: `${args.RoleArn}/x`,
    requestId: "r",
  });
  return file;
}

async function setUp() {
  const server = await roleEmulator();
  const home = await roleHome(server, PROFILES);
  for (const profile of ["admin", "deep"]) {
    const r = await runCliProcess(
      ["configure", "export-credentials", "--profile", profile],
      home.env,
    );
    assert.equal(r.code, 0, r.stderr);
  }
  const elsewhere = await plantRoleEntry(home.dir, {
    RoleArn: DEEP,
    RoleSessionName: "e",
  });
  const partner = await plantRoleEntry(home.dir, {
    RoleArn: PARTNER,
    ExternalId: "xid-42",
  });
  const admin = `${home.dir}/.aws/cli/cache/${await roleCacheKey({
    RoleArn: ADMIN,
  })}.json`;
  const deep = `${home.dir}/.aws/cli/cache/${await roleCacheKey({
    RoleArn: DEEP,
  })}.json`;
  return { server, home, files: { admin, deep, elsewhere, partner } };
}

const LOGIN_LINE =
  "Removed cached login credentials for profile 'dev'. Note, any local developer tools that have already loaded " +
  "the access token may continue to use it until its expiration. Access tokens expire in 15 minutes.\n";

Deno.test("logout --profile removes the roles assumed from its session, every level, and says how many", async () => {
  const { server, home, files } = await setUp();
  await using _server = server;
  await using _home = home;
  assert.notEqual(await readOrNull(files.admin), null);
  assert.notEqual(await readOrNull(files.deep), null);
  const out = await runCliProcess(["logout", "--profile", "dev"], home.env);
  assert.deepEqual(out, {
    code: 0,
    stdout: LOGIN_LINE +
      "Removed 2 cached role credentials assumed from this session (profiles admin, deep). Tools that already " +
      "loaded them may use them until they expire.\n",
    stderr: "",
  });
  assert.equal(await readOrNull(files.admin), null);
  assert.equal(await readOrNull(files.deep), null);
  assert.notEqual(
    await readOrNull(files.elsewhere),
    null,
    "another session's role stays",
  );
  assert.notEqual(
    await readOrNull(files.partner),
    null,
    "a role on static keys stays",
  );
  // Access has ended: nothing is handed out for the roles, and status says so.
  for (const profile of ["admin", "deep"]) {
    const r = await runCliProcess(
      ["configure", "export-credentials", "--profile", profile],
      home.env,
    );
    assert.notEqual(r.code, 0, profile);
    assert.equal(r.stdout, "");
  }
  const status = await runCliProcess(
    ["status", "--profile", "admin", "--output", "json"],
    home.env,
  );
  assert.equal(JSON.parse(status.stdout).profiles[0].state, "absent");
  // The lock files stay (a process waiting on one keeps waiting on the same file).
  assert.ok(
    (await listDir(`${home.dir}/.aws/cli/cache`)).some((n) =>
      n.endsWith(".json.lock")
    ),
  );
});

Deno.test("logout --all removes the roles of every chain built on a login session, and no others", async () => {
  const { server, home, files } = await setUp();
  await using _server = server;
  await using _home = home;
  const out = await runCliProcess(["logout", "--all"], home.env);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(
    out.stdout,
    "Removed 1 cached login credential. Note, any local developer tools that have already loaded access tokens " +
      "may continue to use them until their expiration. Access tokens expire in 15 minutes.\n" +
      "Removed 3 cached role credentials assumed from login sessions (profiles admin, deep, elsewhere-role). " +
      "Tools that already loaded them may use them until they expire.\n",
  );
  for (const file of [files.admin, files.deep, files.elsewhere]) {
    assert.equal(await readOrNull(file), null, file);
  }
  assert.notEqual(await readOrNull(files.partner), null);
  // Nothing left to remove: the AWS CLI's line alone.
  const again = await runCliProcess(["logout", "--all"], home.env);
  assert.deepEqual(again, {
    code: 0,
    stdout: "No cached login session tokens found.\n",
    stderr: "",
  });
});
