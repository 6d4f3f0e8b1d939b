/**
 * The role cache shared with the AWS CLI, proven with botocore (as installed
 * with Python here; skipped where it is missing): it resolves a role profile
 * from the entry we wrote without calling STS, we reuse an entry it wrote,
 * and our cache keys equal the ones its fetcher computes. The emulator's
 * AssumeRole answer is parsed by botocore and by the AWS JS SDK.
 */
import assert from "node:assert/strict";
import {
  type RoleCacheArgs,
  roleCacheKey,
} from "../../lib/cache/role_cache.ts";
import {
  baseEnv,
  hasBotocoreLogin,
  ROOT,
  runCliProcess,
  runProcess,
  runSdkScript,
} from "../helpers.ts";
import { ADMIN, calls, loginKeys, roleEmulator, roleHome } from "./_setup.ts";

async function botocore(
  args: string[],
  env: Record<string, string>,
): Promise<string> {
  const result = await runProcess(
    "python3",
    [`${ROOT}/tests/interop/_botocore_role.py`, ...args],
    { ...baseEnv(), AWS_EC2_METADATA_DISABLED: "true", ...env },
  );
  if (result.code !== 0) throw new Error(`botocore: ${result.stderr}`);
  return result.stdout.trim();
}

Deno.test({
  name: "our cache keys equal botocore's for every combination of settings",
  ignore: !hasBotocoreLogin,
  async fn() {
    const table: RoleCacheArgs[] = [
      { RoleArn: ADMIN },
      { RoleArn: ADMIN, RoleSessionName: "alice" },
      { RoleArn: ADMIN, ExternalId: "xid-42" },
      { RoleArn: ADMIN, SerialNumber: "arn:aws:iam::111122223333:mfa/demo" },
      { RoleArn: ADMIN, DurationSeconds: 7200 },
      {
        RoleArn: ADMIN,
        RoleSessionName: "ünïcode session",
        ExternalId: 'a "quoted" id',
        SerialNumber: "GAHT12345678",
        DurationSeconds: 900,
      },
    ];
    for (const args of table) {
      const { RoleArn, ...extra } = args;
      assert.equal(
        await roleCacheKey(args),
        await botocore(["key", RoleArn, JSON.stringify(extra)], {}),
        JSON.stringify(args),
      );
    }
  },
});

Deno.test({
  name:
    "botocore resolves a role profile from the cache entry we wrote, without calling STS",
  ignore: !hasBotocoreLogin,
  async fn() {
    await using server = await roleEmulator();
    await using home = await roleHome(
      server,
      `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n`,
    );
    const ours = await runCliProcess(
      ["configure", "export-credentials", "--profile", "admin"],
      home.env,
    );
    assert.equal(ours.code, 0, ours.stderr);
    assert.deepEqual(calls(server), ["AssumeRole/200"]);
    const theirs = JSON.parse(
      await botocore(["resolve", "admin"], {
        HOME: home.dir,
        AWS_CONFIG_FILE: home.config,
        AWS_SHARED_CREDENTIALS_FILE: home.credentials,
        AWS_LOGIN_CACHE_DIRECTORY: home.cache,
        AWS_ENDPOINT_URL_STS: server.url,
      }),
    );
    const printed = JSON.parse(ours.stdout);
    assert.equal(theirs.method, "assume-role");
    assert.equal(theirs.accessKeyId, printed.AccessKeyId);
    assert.equal(theirs.sessionToken, printed.SessionToken);
    assert.deepEqual(
      calls(server),
      ["AssumeRole/200"],
      "no call from botocore",
    );
  },
});

Deno.test({
  name: "we reuse the cache entry botocore wrote, without calling STS",
  ignore: !hasBotocoreLogin,
  async fn() {
    await using server = await roleEmulator();
    await using home = await roleHome(server, "");
    // A static-key source (credentials the emulator issued), so botocore needs no login refresh.
    const at = await loginKeys(home);
    await Deno.writeTextFile(
      home.credentials,
      `[keys]\naws_access_key_id = ${at.accessKeyId}\naws_secret_access_key = ${at.secretAccessKey}\n` +
        `aws_session_token = ${at.sessionToken}\n`,
    );
    await Deno.writeTextFile(
      home.config,
      `[profile keys]\nregion = us-east-1\n\n[profile ops]\nrole_arn = ${ADMIN}\nsource_profile = keys\n` +
        "region = us-east-1\n",
    );
    const theirs = JSON.parse(
      await botocore(["resolve", "ops"], {
        HOME: home.dir,
        AWS_CONFIG_FILE: home.config,
        AWS_SHARED_CREDENTIALS_FILE: home.credentials,
        AWS_ENDPOINT_URL_STS: server.url,
      }),
    );
    assert.deepEqual(calls(server), ["AssumeRole/200"], "botocore assumed it");
    const ours = await runCliProcess(
      ["configure", "export-credentials", "--profile", "ops", "--debug"],
      home.env,
    );
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(JSON.parse(ours.stdout).AccessKeyId, theirs.accessKeyId);
    assert.match(ours.stderr, /no AssumeRole call/);
    assert.deepEqual(calls(server), ["AssumeRole/200"], "we did not call STS");
  },
});

Deno.test("the emulator's AssumeRole answer is parsed by the AWS JS SDK and by botocore", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const at = await loginKeys(home);
  const env = {
    AWS_ACCESS_KEY_ID: at.accessKeyId,
    AWS_SECRET_ACCESS_KEY: at.secretAccessKey,
    AWS_SESSION_TOKEN: at.sessionToken,
    AWS_REGION: "us-east-1",
  };
  const js = await runSdkScript("_sdk_sts.ts", ["assume-role", ADMIN], {
    ...env,
    SDK_TEST_STS_ENDPOINT: server.url,
  });
  assert.match(js.AccessKeyId!, /^ASIA/);
  assert.equal(js.Arn, "arn:aws:sts::444455556666:assumed-role/Admin/js-sdk");
  assert.match(js.AssumedRoleId!, /^AROA[A-Z2-7]{17}:js-sdk$/);
  const lifetime = Date.parse(js.Expiration!) - Date.now();
  assert.ok(
    lifetime > 1700_000 && lifetime <= 1800_000,
    "DurationSeconds 1800",
  );
  if (hasBotocoreLogin) {
    const py = JSON.parse(
      await botocore(["assume", ADMIN], {
        ...env,
        HOME: home.dir,
        AWS_ENDPOINT_URL_STS: server.url,
      }),
    );
    assert.equal(
      py.Arn,
      "arn:aws:sts::444455556666:assumed-role/Admin/botocore",
    );
    assert.match(py.Expiration, /\+00:00$/);
    // The same role's id for every session, as AWS gives it.
    assert.equal(
      py.AssumedRoleId.split(":")[0],
      js.AssumedRoleId!.split(":")[0],
    );
  }
});
