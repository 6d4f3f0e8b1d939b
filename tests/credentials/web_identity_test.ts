/**
 * Web identity (`web_identity_token_file`, or `AWS_WEB_IDENTITY_TOKEN_FILE`
 * with `AWS_ROLE_ARN`) against the emulator: AssumeRoleWithWebIdentity with
 * the token read at each call, the AWS CLI's session name and cache key
 * (shared with the AWS CLI), refresh before expiry, one call for many
 * processes, `duration_seconds`, role chaining, where it sits in the chain,
 * and the AWS CLI's errors.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  AWS_CLI,
  hasAwsCli,
  runAwsCli,
  runCliProcess,
  tempHome,
} from "../helpers.ts";
import { ADMIN, DEEP, roleEmulator, roleHome } from "../roles/_setup.ts";
import { webIdentityToken } from "./_chain.ts";
import type { EmulatorServer } from "../../lib/emulator/server.ts";

/** botocore's cache file name, computed apart from the code under test: SHA-1 of the arguments as Python's json.dumps writes them. */
function botocoreKey(pythonJson: string): string {
  return createHash("sha1").update(pythonJson).digest("hex");
}

function webCalls(server: EmulatorServer): string[] {
  return server.emulator.requests
    .filter((r) => r.operation === "AssumeRoleWithWebIdentity")
    .map((r) => `${r.status}${r.error ? ` ${r.error}` : ""}`);
}

const EXPORT = ["configure", "export-credentials"];

Deno.test("a web identity profile assumes its role with the token file, caches it where and as the AWS CLI does, and refreshes before expiry", async () => {
  await using server = await roleEmulator();
  await using home = await tempHome();
  const tokenFile = `${home.dir}/token`;
  await Deno.writeTextFile(tokenFile, await webIdentityToken(server.url));
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    `[profile wi]\nrole_arn = ${ADMIN}\nweb_identity_token_file = ${tokenFile}\nrole_session_name = ci-run\n` +
      "region = us-east-1\n",
  );
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: server.url };
  const first = await runCliProcess([...EXPORT, "--profile", "wi"], env);
  assert.equal(first.code, 0, first.stderr);
  const creds = JSON.parse(first.stdout);
  assert.match(creds.AccessKeyId, /^ASIA/);
  assert.deepEqual(webCalls(server), ["200"]);
  // botocore's key: the arguments without the token (and without a generated session name).
  const file = `${home.dir}/.aws/cli/cache/${
    botocoreKey(`{"RoleArn": "${ADMIN}", "RoleSessionName": "ci-run"}`)
  }.json`;
  const entry = JSON.parse(await Deno.readTextFile(file));
  assert.equal(entry.Credentials.AccessKeyId, creds.AccessKeyId);
  assert.match(
    entry.Credentials.Expiration,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC$/,
  );
  assert.equal(
    entry.AssumedRoleUser.Arn,
    "arn:aws:sts::444455556666:assumed-role/Admin/ci-run",
  );
  assert.equal(
    entry.SubjectFromWebIdentityToken,
    "system:serviceaccount:default:demo",
  );
  if (Deno.build.os !== "windows") {
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  }
  // Fresh: answered from the cache, without reading the token or calling STS.
  await Deno.writeTextFile(tokenFile, "not a token");
  const again = await runCliProcess([...EXPORT, "--profile", "wi"], env);
  assert.equal(again.stdout, first.stdout);
  assert.deepEqual(webCalls(server), ["200"]);
  // The AWS CLI reads the same entry (and calls nothing: it could not reach the emulator).
  if (hasAwsCli) {
    const cli = await runAwsCli([...EXPORT, "--profile", "wi"], {
      ...home.env,
      AWS_EC2_METADATA_DISABLED: "true",
    });
    assert.equal(cli.code, 0, `${AWS_CLI}: ${cli.stderr}`);
    assert.equal(JSON.parse(cli.stdout).AccessKeyId, creds.AccessKeyId);
  }
  // Ten minutes left (inside botocore's fifteen): the role is assumed again, with the token as it is now.
  const soon = new Date(Date.now() + 600_000).toISOString().slice(0, 19);
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      ...entry,
      Credentials: { ...entry.Credentials, Expiration: `${soon}UTC` },
    }),
  );
  const refused = await runCliProcess([...EXPORT, "--profile", "wi"], env);
  assert.equal(refused.code, 254, refused.stderr);
  assert.equal(
    refused.stderr,
    "aws-signin: [ERROR]: An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity " +
      "operation: The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)\n",
  );
  await Deno.writeTextFile(tokenFile, await webIdentityToken(server.url));
  // Many processes at once: one call.
  const many = await Promise.all(
    Array.from(
      { length: 6 },
      () => runCliProcess([...EXPORT, "--profile", "wi"], env),
    ),
  );
  for (const r of many) assert.equal(r.code, 0, r.stderr);
  assert.equal(new Set(many.map((r) => r.stdout)).size, 1);
  assert.notEqual(JSON.parse(many[0]!.stdout).AccessKeyId, creds.AccessKeyId);
  assert.deepEqual(webCalls(server), [
    "200",
    "400 InvalidIdentityToken",
    "200",
  ]);
  const who = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "wi", "--query", "Arn"],
    env,
  );
  assert.equal(
    who.stdout,
    '"arn:aws:sts::444455556666:assumed-role/Admin/ci-run"\n',
  );
});

Deno.test("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN: the AWS CLI's session name and key; they come before a login_session unless --profile names the profile", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile chained]\nrole_arn = ${DEEP}\nsource_profile = wi\n\n` +
      `[profile wi]\nrole_arn = ${ADMIN}\nweb_identity_token_file = ${"TOKEN"}\nduration_seconds = 1800\n` +
      "role_session_name = wi-profile\n",
  );
  const tokenFile = `${home.dir}/token`;
  await Deno.writeTextFile(tokenFile, await webIdentityToken(server.url));
  await Deno.writeTextFile(
    home.config,
    (await Deno.readTextFile(home.config)).replace("TOKEN", tokenFile),
  );
  const vars = {
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_ROLE_ARN: ADMIN,
    AWS_REGION: "us-east-1",
  };
  const arn = async (args: string[], extra: Record<string, string>) => {
    const r = await runCliProcess(
      ["sts", "get-caller-identity", "--query", "Arn", ...args],
      { ...home.env, ...extra },
    );
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as string;
  };
  // No profile at all: the environment's web identity, as botocore-session-<seconds>.
  assert.match(
    await arn([], vars),
    /^arn:aws:sts::444455556666:assumed-role\/Admin\/botocore-session-\d{10}$/,
  );
  assert.ok(
    Deno.statSync(
      `${home.dir}/.aws/cli/cache/${
        botocoreKey(`{"RoleArn": "${ADMIN}"}`)
      }.json`,
    ).isFile,
  );
  assert.equal(
    await arn([], { ...vars, AWS_ROLE_SESSION_NAME: "from-env" }),
    "arn:aws:sts::444455556666:assumed-role/Admin/from-env",
  );
  // AWS_PROFILE=dev (a login session): botocore asks web identity first.
  assert.match(
    await arn([], { ...vars, AWS_PROFILE: "dev" }),
    /assumed-role\/Admin\/botocore-session-/,
  );
  const exported = await runCliProcess(EXPORT, {
    ...home.env,
    ...vars,
    AWS_PROFILE: "dev",
  });
  assert.equal(exported.code, 0, exported.stderr);
  // Not the login session's keys, though its cache is fresh (the hot path leaves this to the chain).
  const webEntry = JSON.parse(
    await Deno.readTextFile(
      `${home.dir}/.aws/cli/cache/${
        botocoreKey(`{"RoleArn": "${ADMIN}"}`)
      }.json`,
    ),
  );
  assert.equal(
    JSON.parse(exported.stdout).AccessKeyId,
    webEntry.Credentials.AccessKeyId,
  );
  // --profile dev: the environment is not asked.
  assert.equal(
    await arn(["--profile", "dev"], vars),
    "arn:aws:iam::111122223333:user/demo",
  );
  // A role whose source profile is a web identity profile; duration_seconds is sent (its own cache
  // entry: botocore's key has no duration, so an entry for the same role and session name is shared).
  assert.match(
    await arn(["--profile", "chained"], { AWS_REGION: "us-east-1" }),
    /^arn:aws:sts::777788889999:assumed-role\/Deep\/botocore-session-\d+$/,
  );
  const wi = await runCliProcess([...EXPORT, "--profile", "wi"], {
    ...home.env,
    AWS_REGION: "us-east-1",
  });
  const left = Date.parse(JSON.parse(wi.stdout).Expiration) - Date.now();
  assert.ok(left > 1700_000 && left <= 1800_000, String(left));
});

Deno.test("web identity errors: a missing token file, no role ARN, an expired token (the AWS CLI's words and exit codes)", async () => {
  await using server = await roleEmulator();
  await using home = await tempHome();
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_STS: server.url,
    AWS_REGION: "us-east-1",
  };
  const missing = `${home.dir}/no-such-token`;
  const gone = await runCliProcess(EXPORT, {
    ...env,
    AWS_WEB_IDENTITY_TOKEN_FILE: missing,
    AWS_ROLE_ARN: ADMIN,
  });
  assert.equal(gone.code, 255, gone.stderr);
  assert.match(
    gone.stderr,
    /^aws-signin: \[ERROR\]: No such file or directory: '.*no-such-token' \(the web identity token file\)/,
  );
  const noRole = await runCliProcess(EXPORT, {
    ...env,
    AWS_WEB_IDENTITY_TOKEN_FILE: missing,
  });
  assert.equal(noRole.code, 253, noRole.stderr);
  assert.match(
    noRole.stderr,
    /Unable to retrieve credentials: The provided profile or the current environment is configured to assume role with web identity but has no role ARN configured/,
  );
  await Deno.writeTextFile(
    `${home.dir}/token`,
    await webIdentityToken(server.url, { ttlSeconds: 60 }),
  );
  server.emulator.advanceClock(120);
  const expired = await runCliProcess(EXPORT, {
    ...env,
    AWS_WEB_IDENTITY_TOKEN_FILE: `${home.dir}/token`,
    AWS_ROLE_ARN: ADMIN,
  });
  assert.equal(expired.code, 254, expired.stderr);
  assert.match(
    expired.stderr,
    /An error occurred \(ExpiredTokenException\) when calling the AssumeRoleWithWebIdentity operation: Token expired/,
  );
  assert.deepEqual(webCalls(server), ["400 ExpiredTokenException"]);
});
