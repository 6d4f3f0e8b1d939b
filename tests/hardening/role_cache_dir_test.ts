/**
 * Hardening II, 15: the AWS CLI's role cache folder gets the login cache
 * folder's rule (a folder we own is made 0700), and an entry that belongs to
 * another user (left by `sudo aws ...`) is never used.
 */
import assert from "node:assert/strict";
import { roleCacheKey } from "../../lib/cache/role_cache.ts";
import { runCliProcess } from "../helpers.ts";
import { needs } from "../_platform.ts";
import { ADMIN, calls, roleEmulator, roleHome } from "../roles/_setup.ts";

const ADMIN_PROFILE =
  `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n`;

Deno.test(
  needs(
    "fileModes",
    "a 0777 role cache folder of ours is made 0700 when aws-signin writes to it",
  ),
  async () => {
    await using server = await roleEmulator();
    await using home = await roleHome(server, ADMIN_PROFILE);
    const dir = `${home.dir}/.aws/cli/cache`;
    await Deno.mkdir(dir, { recursive: true });
    await Deno.chmod(dir, 0o777);
    const result = await runCliProcess(
      ["configure", "export-credentials", "--profile", "admin"],
      home.env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
  },
);

const isRoot = Deno.build.os !== "windows" && (() => {
  try {
    return Deno.uid() === 0;
  } catch {
    return false;
  }
})();

Deno.test({
  name:
    "a role cache entry owned by another user is not used: the role is assumed again, and the entry replaced",
  ignore: !isRoot,
  async fn() {
    await using server = await roleEmulator();
    await using home = await roleHome(server, ADMIN_PROFILE);
    const first = await runCliProcess(
      ["configure", "export-credentials", "--profile", "admin"],
      home.env,
    );
    assert.equal(first.code, 0, first.stderr);
    const file = `${home.dir}/.aws/cli/cache/${await roleCacheKey({
      RoleArn: ADMIN,
    })}.json`;
    await Deno.chown(file, 65534, 65534);
    for (const run of ["full command", "again"]) {
      const result = await runCliProcess(
        ["configure", "export-credentials", "--profile", "admin"],
        home.env,
      );
      assert.equal(result.code, 0, `${run}: ${result.stderr}`);
    }
    // The planted entry was passed over once, then replaced by one of ours (used from then on).
    assert.deepEqual(calls(server), ["AssumeRole/200", "AssumeRole/200"]);
    assert.equal((await Deno.stat(file)).uid, 0);
  },
});
