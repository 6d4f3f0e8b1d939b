/**
 * Role profiles (`role_arn` + `source_profile`) against the emulator:
 * resolved as botocore resolves them, with the AWS CLI's role cache, as
 * black boxes (subprocesses; in-process where a terminal is faked).
 */
import assert from "node:assert/strict";
import { sha256HexSync } from "../helpers.ts";
import { roleCacheKey } from "../../lib/cache/role_cache.ts";
import {
  ageEntry,
  DEMO_SESSION,
  listDir,
  mapLimit,
  runCliProcess,
  runInProcess,
} from "../helpers.ts";
import {
  ADMIN,
  calls,
  DEEP,
  loginKeys,
  MFA_SERIAL,
  PARTNER,
  roleEmulator,
  roleHome,
  SECURE,
} from "./_setup.ts";

const ADMIN_PROFILE =
  `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\nrole_session_name = alice\n\n`;

Deno.test("a role from a login profile: export, sts, configure list, and the AWS CLI's cache file", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, ADMIN_PROFILE);
  const exported = await runCliProcess(
    ["configure", "export-credentials", "--profile", "admin", "--debug"],
    home.env,
  );
  assert.equal(exported.code, 0, exported.stderr);
  const creds = JSON.parse(exported.stdout);
  assert.match(creds.AccessKeyId, /^ASIA/);
  assert.match(creds.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  assert.deepEqual(calls(server), ["AssumeRole/200"]);
  // --debug shows the chain and the calls, never a secret.
  assert.match(
    exported.stderr,
    /profile 'admin' assumes arn:aws:iam::444455556666:role\/Admin with source_profile dev/,
  );
  assert.match(
    exported.stderr,
    /login session arn:aws:iam::111122223333:user\/demo: cached credentials valid/,
  );
  assert.match(
    exported.stderr,
    /AssumeRole arn:aws:iam::444455556666:role\/Admin as session alice/,
  );
  for (const secret of [creds.SecretAccessKey, creds.SessionToken]) {
    assert.ok(!exported.stderr.includes(secret));
  }
  // The cache entry, where and as botocore keeps it.
  const key = await roleCacheKey({ RoleArn: ADMIN, RoleSessionName: "alice" });
  const file = `${home.dir}/.aws/cli/cache/${key}.json`;
  const text = await Deno.readTextFile(file);
  assert.match(
    text,
    /^\{"Credentials": \{"AccessKeyId": "ASIA[A-Z2-7]{16}", "SecretAccessKey": "[^"]+", "SessionToken": "[^"]+", "Expiration": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC", "AccountId": "444455556666"\}, "AssumedRoleUser": \{"AssumedRoleId": "AROA[A-Z2-7]{17}:alice", "Arn": "arn:aws:sts::444455556666:assumed-role\/Admin\/alice"\}, "ResponseMetadata": \{"RequestId": "[0-9a-f-]{36}", "HTTPStatusCode": 200, "RetryAttempts": 0\}\}$/,
  );
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  assert.equal(
    (await Deno.stat(`${home.dir}/.aws/cli/cache`)).mode! & 0o777,
    0o700,
  );
  const who = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "admin", "--output", "text"],
    { ...home.env, AWS_REGION: "us-east-1" },
  );
  assert.equal(who.code, 0, who.stderr);
  assert.match(
    who.stdout,
    /^444455556666\tarn:aws:sts::444455556666:assumed-role\/Admin\/alice\tAROA[A-Z2-7]{17}:alice\n$/,
  );
  const list = await runCliProcess(
    ["configure", "list", "--profile", "admin"],
    home.env,
  );
  assert.match(
    list.stdout,
    /^access_key : \*{16}.{4} {5}: assume-role {6}: $/m,
  );
  // Everything since came from the role cache: one AssumeRole in all.
  assert.deepEqual(calls(server), ["AssumeRole/200", "GetCallerIdentity/200"]);
});

Deno.test("a chain of three (role from a role from a login) and a fresh role cache that needs no call at all", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `${ADMIN_PROFILE}[profile deep]\nrole_arn = ${DEEP}\nsource_profile = admin\n`,
  );
  const first = await runCliProcess(
    ["configure", "export-credentials", "--profile", "deep"],
    home.env,
  );
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(calls(server), ["AssumeRole/200", "AssumeRole/200"]);
  const who = await runCliProcess(
    [
      "sts",
      "get-caller-identity",
      "--profile",
      "deep",
      "--query",
      "Arn",
      "--output",
      "text",
    ],
    { ...home.env, AWS_REGION: "us-east-1" },
  );
  assert.match(
    who.stdout,
    /^arn:aws:sts::777788889999:assumed-role\/Deep\/botocore-session-\d+\n$/,
  );
  const again = await runCliProcess(
    ["configure", "export-credentials", "--profile", "deep"],
    home.env,
  );
  assert.equal(again.stdout, first.stdout, "from the role cache");
  assert.deepEqual(calls(server), [
    "AssumeRole/200",
    "AssumeRole/200",
    "GetCallerIdentity/200",
  ]);
});

Deno.test("a source session that needs a refresh: exactly one CreateOAuth2Token, then one AssumeRole", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, ADMIN_PROFILE);
  await ageEntry(`${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`, 60);
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "admin"],
    home.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(calls(server), [
    "CreateOAuth2Token(refresh_token)/200",
    "AssumeRole/200",
  ]);
});

Deno.test("an external id: the right one works, a wrong one and an unknown role get STS's AccessDenied (254)", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile partner]\nrole_arn = ${PARTNER}\nsource_profile = dev\nexternal_id = xid-42\n\n` +
      `[profile wrong]\nrole_arn = ${PARTNER}\nsource_profile = dev\nexternal_id = nope\n\n` +
      `[profile unknown]\nrole_arn = arn:aws:iam::444455556666:role/Nobody\nsource_profile = dev\n`,
  );
  const ok = await runCliProcess(
    ["configure", "export-credentials", "--profile", "partner"],
    home.env,
  );
  assert.equal(ok.code, 0, ok.stderr);
  for (
    const [profile, role] of [["wrong", PARTNER], [
      "unknown",
      "arn:aws:iam::444455556666:role/Nobody",
    ]]
  ) {
    for (
      const argv of [
        ["configure", "export-credentials", "--profile", profile!],
        ["sts", "get-caller-identity", "--profile", profile!],
      ]
    ) {
      const result = await runCliProcess(argv, {
        ...home.env,
        AWS_REGION: "us-east-1",
      });
      assert.deepEqual(result, {
        code: 254,
        stdout: "",
        stderr:
          "aws-signin: [ERROR]: An error occurred (AccessDenied) when calling the AssumeRole operation: User: " +
          `arn:aws:iam::111122223333:user/demo is not authorized to perform: sts:AssumeRole on resource: ${role}\n`,
      }, argv.join(" "));
    }
  }
});

Deno.test("MFA: the AWS CLI's prompt on a terminal; without one, a clear error and no wait", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile secure]\nrole_arn = ${SECURE}\nsource_profile = dev\nmfa_serial = ${MFA_SERIAL}\n`,
  );
  const noTerminal = await runCliProcess(
    ["configure", "export-credentials", "--profile", "secure"],
    home.env,
  );
  assert.deepEqual(noTerminal, {
    code: 253,
    stdout: "",
    stderr:
      `aws-signin: [ERROR]: An error occurred (Configuration): Profile 'secure' needs an MFA code for ${MFA_SERIAL} (mfa_serial), and there is no ` +
      "terminal to ask for it. Run the command once in a terminal: the role's credentials are then cached in " +
      "~/.aws/cli/cache until they expire.\n",
  });
  const wrong = await runInProcess(
    ["configure", "export-credentials", "--profile", "secure"],
    { env: home.env, input: "000000\n", terminal: true },
  );
  assert.equal(wrong.code, 254);
  assert.equal(
    wrong.stderr.split("\n")[0],
    `Enter MFA code for ${MFA_SERIAL}: aws-signin: [ERROR]: An error occurred (AccessDenied) when calling the AssumeRole operation: MultiFactorAuthentication failed with invalid MFA one time pass code.`,
  );
  const right = await runInProcess(
    ["configure", "export-credentials", "--profile", "secure"],
    { env: home.env, input: "123456\n", terminal: true },
  );
  assert.equal(right.code, 0, right.stderr);
  assert.equal(right.stderr, `Enter MFA code for ${MFA_SERIAL}: `);
  // Cached now: no prompt until it expires.
  const cached = await runCliProcess(
    ["configure", "export-credentials", "--profile", "secure"],
    home.env,
  );
  assert.equal(cached.code, 0, cached.stderr);
  assert.equal(cached.stdout, right.stdout);
});

Deno.test("a cycle, a missing source, and IMDS as a credential_source are configuration errors (253)", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile a]\nrole_arn = ${ADMIN}\nsource_profile = b\n\n[profile b]\nrole_arn = ${DEEP}\nsource_profile = c\n\n` +
      `[profile c]\nrole_arn = ${ADMIN}\nsource_profile = a\n\n` +
      `[profile orphan]\nrole_arn = ${ADMIN}\nsource_profile = nowhere\n\n` +
      `[profile imds]\nrole_arn = ${ADMIN}\ncredential_source = Ec2InstanceMetadata\n\n` +
      `[profile both]\nrole_arn = ${ADMIN}\nsource_profile = dev\ncredential_source = Environment\n`,
  );
  const cases: [string, string][] = [
    [
      "a",
      "Infinite loop in credential configuration detected. Attempting to load from profile a which has already " +
      "been visited. Visited profiles: a -> b -> c -> a",
    ],
    [
      "orphan",
      'The source_profile "nowhere" referenced in the profile "orphan" does not exist.',
    ],
    [
      "imds",
      'The credential_source "Ec2InstanceMetadata" of profile "imds" is the EC2 instance metadata service: ' +
      "aws-signin does not use the EC2 instance metadata service (IMDS)",
    ],
    [
      "both",
      'The profile "both" contains both source_profile and credential_source.',
    ],
  ];
  for (const [profile, message] of cases) {
    const result = await runCliProcess(
      ["configure", "export-credentials", "--profile", profile],
      home.env,
    );
    assert.equal(result.code, 253, `${profile}: ${result.stderr}`);
    assert.ok(result.stderr.includes(message), `${profile}: ${result.stderr}`);
  }
  assert.deepEqual(calls(server), []);
});

Deno.test("credential_source = Environment assumes the role with the environment's keys", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const entry = await loginKeys(home);
  await Deno.writeTextFile(
    home.config,
    `[profile envrole]\nrole_arn = ${ADMIN}\ncredential_source = Environment\n`,
  );
  const result = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "envrole", "--query", "Arn"],
    {
      ...home.env,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: entry.accessKeyId,
      AWS_SECRET_ACCESS_KEY: entry.secretAccessKey,
      AWS_SESSION_TOKEN: entry.sessionToken,
    },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^"arn:aws:sts::444455556666:assumed-role\/Admin\/botocore-session-\d+"\n$/,
  );
});

Deno.test("login on a role profile keeps refusing, and names the source profile to sign in with", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, ADMIN_PROFILE);
  const result = await runCliProcess(
    ["login", "--profile", "admin", "--region", "us-east-1"],
    home.env,
  );
  assert.equal(result.code, 253);
  assert.ok(
    result.stderr.endsWith(
      "Its role is assumed with the credentials of profile 'dev': to sign in for it, run " +
        "'aws-signin login --profile dev'.\n",
    ),
    result.stderr,
  );
});

Deno.test("16 concurrent export-credentials with an expired role cache make exactly one AssumeRole call", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, ADMIN_PROFILE);
  const first = await runCliProcess(
    ["configure", "export-credentials", "--profile", "admin"],
    home.env,
  );
  assert.equal(first.code, 0, first.stderr);
  const key = await roleCacheKey({ RoleArn: ADMIN, RoleSessionName: "alice" });
  const file = `${home.dir}/.aws/cli/cache/${key}.json`;
  // Ten minutes left: inside botocore's fifteen-minute window.
  const soon = new Date(Date.now() + 600_000).toISOString().slice(0, 19);
  await Deno.writeTextFile(
    file,
    (await Deno.readTextFile(file)).replace(
      /"Expiration": "[^"]+"/,
      `"Expiration": "${soon}UTC"`,
    ),
  );
  const results = await mapLimit(
    Array.from({ length: 16 }, (_, i) => i),
    16,
    () =>
      runCliProcess(
        ["configure", "export-credentials", "--profile", "admin"],
        home.env,
      ),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(new Set(results.map((r) => r.stdout)).size, 1);
  assert.deepEqual(calls(server), ["AssumeRole/200", "AssumeRole/200"]);
  assert.deepEqual(
    (await listDir(`${home.dir}/.aws/cli/cache`)).filter((n) =>
      n.endsWith(".tmp")
    ),
    [],
  );
});

Deno.test("a chain that assumes the same role with the same arguments at two levels resolves at once, as botocore does", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile r1]\nrole_arn = ${ADMIN}\nsource_profile = r2\n\n[profile r2]\nrole_arn = ${ADMIN}\nsource_profile = dev\n`,
  );
  const started = Date.now();
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "r1"],
    home.env,
    { timeoutMs: 20_000 },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.ok(Date.now() - started < 10_000, "no wait on its own lock");
  assert.match(JSON.parse(result.stdout).AccessKeyId, /^ASIA/);
  assert.deepEqual(calls(server), ["AssumeRole/200", "AssumeRole/200"]);
});
