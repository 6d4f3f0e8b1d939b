/**
 * `configure export-credentials` and `configure list`: byte for byte (cell
 * for cell for the list) against the AWS CLI v2 on static-key and
 * environment profiles, plus login profiles, credential_process, the
 * recursion guard and the errors.
 */
import assert from "node:assert/strict";
import { commandLine } from "../_platform.ts";
import { sha256Hex } from "../../lib/util/encoding.ts";
import {
  hasAwsCli,
  mapLimit,
  PERMISSIONS,
  ROOT,
  runAwsCli,
  runCliProcess,
  type TempHome,
  tempHome,
} from "../helpers.ts";

const CONFIG =
  "[default]\nregion = us-west-2\n\n[profile dev]\nregion = eu-west-1\n" +
  "aws_access_key_id = AKIACONFIGFILE00001\naws_secret_access_key = secretconfig0000001\n\n" +
  "[profile both]\nregion = ap-south-1\n";
const CREDENTIALS =
  "[default]\naws_access_key_id = AKIACREDSFILE000001\naws_secret_access_key = secretcreds00000001\n" +
  "aws_session_token = tokencreds000001\n\n[both]\naws_access_key_id = AKIABOTH0000000001\n" +
  "aws_secret_access_key = secretboth000001\n";
const ENV_CREDS = {
  AWS_ACCESS_KEY_ID: "AKIAENV0000000000001",
  AWS_SECRET_ACCESS_KEY: "envsecret00000000001",
  AWS_SESSION_TOKEN: "envtoken",
  AWS_CREDENTIAL_EXPIRATION: "2030-01-01T00:00:00Z",
};

async function withFiles(): Promise<TempHome> {
  const home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(home.config, CONFIG);
  await Deno.writeTextFile(home.credentials, CREDENTIALS);
  return home;
}

const AWS_ENV = { AWS_EC2_METADATA_DISABLED: "true" };

Deno.test({
  name:
    "export-credentials output is byte-identical to the AWS CLI's in every shared format",
  ignore: !hasAwsCli,
  async fn() {
    await using home = await withFiles();
    const cases: [string[], Record<string, string>][] = [
      [[], {}],
      [["--profile", "dev"], {}],
      [["--profile", "both"], {}],
      [[], { AWS_PROFILE: "dev" }],
      [[], ENV_CREDS],
      [[], { AWS_ACCESS_KEY_ID: "AKIAENV2", AWS_SECRET_ACCESS_KEY: "s2" }],
    ];
    const jobs = cases.flatMap(([args, env]) =>
      ["process", "env", "env-no-export", "powershell", "windows-cmd"].map((
        format,
      ) => ({ args, env, format }))
    );
    await mapLimit(jobs, 4, async ({ args, env, format }) => {
      const argv = [
        "configure",
        "export-credentials",
        ...args,
        "--format",
        format,
      ];
      const theirs = await runAwsCli(argv, { ...home.env, ...AWS_ENV, ...env });
      const ours = await runCliProcess(argv, { ...home.env, ...env });
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.deepEqual(
        ours,
        theirs,
        `${argv.join(" ")} ${JSON.stringify(env)}`,
      );
    });
  },
});

Deno.test("export-credentials --format fish", async () => {
  await using home = await withFiles();
  const result = await runCliProcess([
    "configure",
    "export-credentials",
    "--format",
    "fish",
  ], { ...home.env, ...ENV_CREDS });
  assert.equal(
    result.stdout,
    'set -gx AWS_ACCESS_KEY_ID "AKIAENV0000000000001"\nset -gx AWS_SECRET_ACCESS_KEY "envsecret00000000001"\n' +
      'set -gx AWS_SESSION_TOKEN "envtoken"\nset -gx AWS_CREDENTIAL_EXPIRATION "2030-01-01T00:00:00+00:00"\n',
  );
});

function oldListCells(text: string): string[][] {
  return text.trimEnd().split("\n").slice(2).map((line) => {
    const m = /^\s*(\S+)\s+(<not set>|\S+)\s+(\S+)\s{4}(.*)$/.exec(line);
    assert.ok(m, line);
    return [m[1]!, m[2]!, m[3]!, m[4]!];
  });
}

function newListCells(text: string): string[][] {
  const lines = text.split("\n");
  assert.equal(
    lines[0],
    "NAME       : VALUE                    : TYPE             : LOCATION",
  );
  return lines.slice(1, -1).map((line) =>
    line.split(" : ").map((c) => c.trimEnd())
  );
}

Deno.test({
  name: "configure list shows what the AWS CLI shows (its newer table layout)",
  ignore: !hasAwsCli,
  async fn() {
    await using home = await withFiles();
    const cases: [string[], Record<string, string>][] = [
      [[], {}],
      [["--profile", "dev"], {}],
      [[], { AWS_PROFILE: "dev" }],
      [["--profile", "both"], {}],
      [[], { ...ENV_CREDS, AWS_REGION: "ap-south-1" }],
      [[], { AWS_DEFAULT_REGION: "ca-central-1" }],
    ];
    for (const [args, env] of cases) {
      const theirs = await runAwsCli(["configure", "list", ...args], {
        ...home.env,
        ...AWS_ENV,
        ...env,
      });
      const ours = await runCliProcess(["configure", "list", ...args], {
        ...home.env,
        ...env,
      });
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.deepEqual(
        newListCells(ours.stdout),
        oldListCells(theirs.stdout),
        `${args} ${JSON.stringify(env)}`,
      );
    }
    await using empty = await tempHome();
    const theirs = await runAwsCli(["configure", "list"], {
      ...empty.env,
      ...AWS_ENV,
    });
    const ours = await runCliProcess(["configure", "list"], empty.env);
    assert.deepEqual(newListCells(ours.stdout), oldListCells(theirs.stdout));
  },
});

const SESSION = "arn:aws:iam::111122223333:user/demo";

async function writeLoginCache(home: TempHome, expiresAt: string) {
  await Deno.mkdir(home.cache, { recursive: true });
  await Deno.writeTextFile(
    `${home.cache}/${await sha256Hex(SESSION)}.json`,
    JSON.stringify({
      accessToken: {
        accessKeyId: "ASIALOGIN0000000001",
        secretAccessKey: "loginsecret",
        sessionToken: "logintoken",
        accountId: "111122223333",
        expiresAt,
      },
      tokenType: "aws_sigv4",
      clientId: "arn:aws:signin:::devtools/same-device",
      refreshToken: "r",
      dpopKey:
        "-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n",
    }),
  );
}

Deno.test("a login profile: its cached credentials in every format, and configure list says login", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    `[profile dev]\nlogin_session = ${SESSION}\nregion = us-east-1\n`,
  );
  await writeLoginCache(home, "2099-09-01T18:39:33Z");
  const process = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
  ], home.env);
  assert.deepEqual(process, {
    code: 0,
    stdout:
      '{\n  "Version": 1,\n  "AccessKeyId": "ASIALOGIN0000000001",\n  "SecretAccessKey": "loginsecret",\n' +
      '  "SessionToken": "logintoken",\n  "Expiration": "2099-09-01T18:39:33+00:00"\n}\n',
    stderr: "",
  });
  const env = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
    "--format",
    "env",
  ], home.env);
  assert.equal(
    env.stdout,
    "export AWS_ACCESS_KEY_ID=ASIALOGIN0000000001\nexport AWS_SECRET_ACCESS_KEY=loginsecret\n" +
      "export AWS_SESSION_TOKEN=logintoken\nexport AWS_CREDENTIAL_EXPIRATION=2099-09-01T18:39:33+00:00\n",
  );
  const list = await runCliProcess(
    ["configure", "list", "--profile", "dev"],
    home.env,
  );
  assert.equal(
    list.stdout,
    "NAME       : VALUE                    : TYPE             : LOCATION\n" +
      "profile    : dev                      : manual           : --profile\n" +
      "access_key : ****************0001     : login            : \n" +
      "secret_key : ****************cret     : login            : \n" +
      `region     : us-east-1                : config-file      : ${home.config}\n`,
  );
});

Deno.test("errors: no credentials, unknown profile, partial keys, a broken SSO profile", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    "[profile role]\nrole_arn = arn:aws:iam::1:role/r\n" +
      "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n" +
      "[profile half]\naws_access_key_id = AKIAHALF\n",
  );
  const run = (args: string[], env: Record<string, string> = {}) =>
    runCliProcess(["configure", "export-credentials", ...args], {
      ...home.env,
      ...env,
    });
  assert.deepEqual(await run([]), {
    code: 253,
    stdout: "",
    stderr:
      'aws-signin: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: no credentials found. Run "aws-signin login" to sign in.\n' +
      // Where the AWS CLI would ask the instance metadata service next.
      "aws-signin does not use the EC2 instance metadata service (IMDS), where the AWS CLI looks last: on an " +
      "EC2 instance, use the AWS CLI or an AWS SDK there, or give the profile another source of credentials.\n",
  });
  // With AWS_EC2_METADATA_DISABLED=true the AWS CLI would not ask it either: the error alone.
  assert.equal(
    (await run([], { AWS_EC2_METADATA_DISABLED: "true" })).stderr,
    'aws-signin: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: no credentials found. Run "aws-signin login" to sign in.\n',
  );
  assert.equal((await run(["--profile", "nope"])).code, 253);
  assert.match(
    (await run(["--profile", "nope"])).stderr,
    /Unable to retrieve credentials: The config profile \(nope\) could not be found\./,
  );
  const role = await run(["--profile", "role"]);
  assert.equal(role.code, 253);
  assert.match(
    role.stderr,
    /Partial credentials found in assume-role, missing: source_profile or credential_source \(profile "role"\)/,
  );
  // An SSO profile whose session does not exist: botocore's text, wrapped as the AWS CLI wraps a config error.
  const sso = await run(["--profile", "sso"]);
  assert.equal(sso.code, 253);
  assert.match(
    sso.stderr,
    /Unable to retrieve credentials: The specified sso-session does not exist: "corp"/,
  );
  assert.match(
    (await run(["--profile", "half"])).stderr,
    /Partial credentials found in .* missing: aws_secret_access_key/,
  );
  assert.match(
    (await run([], { AWS_ACCESS_KEY_ID: "A" })).stderr,
    /Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY/,
  );
});

Deno.test("environment credentials win over AWS_PROFILE but not over --profile (as in botocore)", async () => {
  await using home = await withFiles();
  const viaEnvProfile = await runCliProcess([
    "configure",
    "export-credentials",
    "--format",
    "env-no-export",
  ], {
    ...home.env,
    ...ENV_CREDS,
    AWS_PROFILE: "dev",
  });
  assert.match(
    viaEnvProfile.stdout,
    /^AWS_ACCESS_KEY_ID=AKIAENV0000000000001\n/,
  );
  const viaFlag = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
    "--format",
    "env-no-export",
  ], {
    ...home.env,
    ...ENV_CREDS,
  });
  assert.match(viaFlag.stdout, /^AWS_ACCESS_KEY_ID=AKIACONFIGFILE00001\n/);
});

function selfCommand(profile: string): string {
  return commandLine([
    Deno.execPath(),
    "run",
    "--quiet",
    ...PERMISSIONS,
    `${ROOT}/main.ts`,
    "configure",
    "export-credentials",
    "--profile",
    profile,
  ]);
}

Deno.test("credential_process: our own export-credentials behind another profile, and the recursion guard", async () => {
  await using home = await withFiles();
  await Deno.writeTextFile(
    home.config,
    `${CONFIG}\n[profile wrapper]\ncredential_process = ${
      selfCommand("dev")
    }\n` +
      `[profile loop-a]\ncredential_process = ${selfCommand("loop-b")}\n` +
      `[profile loop-b]\ncredential_process = ${selfCommand("loop-a")}\n`,
  );
  const wrapped = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "wrapper",
  ], home.env);
  assert.equal(wrapped.code, 0, wrapped.stderr);
  assert.equal(
    wrapped.stdout,
    '{\n  "Version": 1,\n  "AccessKeyId": "AKIACONFIGFILE00001",\n  "SecretAccessKey": "secretconfig0000001"\n}\n',
  );
  const list = await runCliProcess([
    "configure",
    "list",
    "--profile",
    "wrapper",
  ], home.env);
  assert.match(
    list.stdout,
    /access_key : \*{16}0001 {5}: custom-process {3}: \n/,
  );
  const loop = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "loop-a",
  ], home.env);
  assert.equal(loop.code, 253);
  assert.match(
    loop.stderr,
    /infinite loop, profile cycle: loop-a -> loop-b -> loop-a/,
  );
  const deep = await runCliProcess([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
  ], {
    ...home.env,
    _AWS_CLI_PROFILE_CHAIN: "a,b,c,d",
  });
  assert.deepEqual(deep, {
    code: 253,
    stdout: "",
    stderr:
      "aws-signin: [ERROR]: An error occurred (Configuration): Maximum recursive credential process resolution reached (4).\nProfiles seen: a -> b -> c -> d\n",
  });
});
