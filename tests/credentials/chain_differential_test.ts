/**
 * The chain against botocore's own (set up as the AWS CLI sets it up, with
 * its role cache) and, where they agree, the AWS JS SDK's default chain, on
 * the same environment and files: the same source chosen (`configure list`'s
 * type is botocore's method) and the same keys exported. Assumed roles are
 * compared through the shared role cache: whoever assumes first, the other
 * reads the same entry. IMDS is disabled for every SDK run (never reached).
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import {
  baseEnv,
  hasBotocoreLogin,
  ROOT,
  runCliProcess,
  runProcess,
  tempHome,
} from "../helpers.ts";
import { ADMIN, loginKeys, roleEmulator, roleHome } from "../roles/_setup.ts";
import {
  botocoreChain,
  CONTAINER_CREDS,
  containerEndpoint,
  webIdentityToken,
} from "./_chain.ts";

interface Answer {
  readonly method: string;
  readonly accessKeyId: string;
  readonly expiration: string | null;
}

const NO_IMDS = { AWS_EC2_METADATA_DISABLED: "true" };

/** aws-signin's answer: the source `configure list` names, and what export-credentials prints. */
async function ours(
  env: Record<string, string>,
  profile?: string,
): Promise<Answer | string> {
  const args = profile ? ["--profile", profile] : [];
  const exported = await runCliProcess(
    ["configure", "export-credentials", ...args],
    { ...env, ...NO_IMDS },
  );
  if (exported.code !== 0) return exported.stderr;
  const list = await runCliProcess(["configure", "list", ...args], {
    ...env,
    ...NO_IMDS,
  });
  const method = /^access_key : \S+\s+: (\S+)/m.exec(list.stdout)?.[1] ?? "";
  const out = JSON.parse(exported.stdout);
  return {
    method,
    accessKeyId: out.AccessKeyId,
    expiration: out.Expiration ?? null,
  };
}

async function botocore(
  env: Record<string, string>,
  profile?: string,
): Promise<Answer | string> {
  const result = await botocoreChain(env, profile);
  return result.code === 0 ? JSON.parse(result.stdout) : result.stderr;
}

/** The AWS JS SDK's default chain: the access key id, or the error. */
async function jsSdk(
  env: Record<string, string>,
  profile?: string,
): Promise<string> {
  const result = await runProcess(
    Deno.execPath(),
    [
      "run",
      "-A",
      "--quiet",
      "tests/interop/_sdk_default_chain.ts",
      ...(profile ? [profile] : []),
    ],
    { ...baseEnv(), ...env, ...NO_IMDS },
    { cwd: ROOT },
  );
  return result.code === 0
    ? JSON.parse(result.stdout).accessKeyId
    : `error: ${result.stderr}`;
}

const skip = !hasBotocoreLogin;

Deno.test({
  name:
    "differential: keys in the environment and a web identity profile (AWS_PROFILE: the keys; --profile: web identity, one cache entry)",
  ignore: skip,
  fn: async () => {
    await using server = await roleEmulator();
    await using home = await tempHome();
    await Deno.mkdir(`${home.dir}/.aws`);
    const token = `${home.dir}/token`;
    await Deno.writeTextFile(token, await webIdentityToken(server.url));
    await Deno.writeTextFile(
      home.config,
      `[profile wi]\nrole_arn = ${ADMIN}\nweb_identity_token_file = ${token}\nregion = us-east-1\n`,
    );
    const env = {
      ...home.env,
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_ACCESS_KEY_ID: "AKIAENVIRONMENT00001",
      AWS_SECRET_ACCESS_KEY: "env-secret",
    };
    const byEnv = { ...env, AWS_PROFILE: "wi" };
    const want = {
      method: "env",
      accessKeyId: "AKIAENVIRONMENT00001",
      expiration: null,
    };
    assert.deepEqual(await ours(byEnv), want);
    assert.deepEqual(await botocore(byEnv), want);
    // --profile: web identity. aws-signin assumes the role; botocore reads the same cache entry.
    const mine = await ours(env, "wi");
    assert.equal((mine as Answer).method, "assume-role-with-web-identity");
    assert.deepEqual(await botocore(env, "wi"), mine);
    // The other way round: botocore assumes first, aws-signin reads its entry.
    await Deno.remove(`${home.dir}/.aws/cli`, { recursive: true });
    const theirs = await botocore(env, "wi");
    assert.equal((theirs as Answer).method, "assume-role-with-web-identity");
    assert.notEqual(
      (theirs as Answer).accessKeyId,
      (mine as Answer).accessKeyId,
    );
    assert.deepEqual(await ours(env, "wi"), theirs);
    const calls = server.emulator.requests.filter((r) =>
      r.operation === "AssumeRoleWithWebIdentity"
    );
    assert.equal(calls.length, 2, "one call each, then the cache");
  },
});

Deno.test({
  name:
    "differential: only the container endpoint; a named profile without credentials falls through to it; nothing at all",
  ignore: skip,
  fn: async () => {
    await using home = await tempHome();
    await using endpoint = containerEndpoint("the-token");
    await Deno.mkdir(`${home.dir}/.aws`);
    await Deno.writeTextFile(
      home.config,
      "[profile empty]\nregion = us-east-1\n",
    );
    const env = {
      ...home.env,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/v1/credentials`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "the-token",
    };
    const want = {
      method: "container-role",
      accessKeyId: CONTAINER_CREDS.AccessKeyId,
      expiration: "2099-01-02T03:04:05+00:00",
    };
    for (const profile of [undefined, "empty"]) {
      assert.deepEqual(await ours(env, profile), want, profile);
      assert.deepEqual(await botocore(env, profile), want, profile);
      assert.equal(await jsSdk(env, profile), want.accessKeyId, profile);
    }
    // Nothing at all (IMDS disabled, as every SDK here runs): no credentials anywhere.
    for (const profile of [undefined, "empty"]) {
      assert.match(
        String(await ours(home.env, profile)),
        /Unable to retrieve credentials: no credentials found\./,
      );
      assert.match(
        String(await botocore(home.env, profile)),
        /no credentials/,
      );
      assert.match(await jsSdk(home.env, profile), /^error: /);
    }
  },
});

Deno.test({
  name:
    "differential: credential_source = Environment and EcsContainer assume the role with the same source, one cache entry",
  ignore: skip,
  fn: async () => {
    await using server = await roleEmulator();
    await using home = await roleHome(
      server,
      `[profile envrole]\nrole_arn = ${ADMIN}\ncredential_source = Environment\nrole_session_name = env\n\n` +
        `[profile ecsrole]\nrole_arn = ${ADMIN}\ncredential_source = EcsContainer\nrole_session_name = ecs\n`,
    );
    const keys = await loginKeys(home);
    // botocore reads AWS_DEFAULT_REGION (the STS client of its role provider has no other region here).
    const base = {
      ...home.env,
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
    };
    const withKeys = {
      ...base,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_SESSION_TOKEN: keys.sessionToken,
    };
    // botocore assumes first: aws-signin reads its entry.
    const env = await botocore(withKeys, "envrole");
    assert.equal((env as Answer).method, "assume-role", String(env));
    assert.deepEqual(await ours(withKeys, "envrole"), env);
    const served = spawnCli(["serve", "--profile", "dev"], home.env);
    try {
      const [, url, token] = await served.waitForStdout(
        /FULL_URI=(\S+)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)\n$/,
      );
      const inContainer = {
        ...base,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: url!,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: token!,
      };
      // aws-signin assumes first this time (with the container's keys): botocore reads its entry.
      const mine = await ours(inContainer, "ecsrole");
      assert.equal((mine as Answer).method, "assume-role", String(mine));
      assert.deepEqual(await botocore(inContainer, "ecsrole"), mine);
    } finally {
      served.kill("SIGTERM");
      await served.finish();
    }
    const assumed = server.emulator.requests.filter((r) =>
      r.operation === "AssumeRole"
    );
    assert.deepEqual(assumed.map((r) => r.status), [200, 200]);
  },
});
