/**
 * Two-way interop with the AWS CLI 2.9.19 (/usr/bin/aws: the device flow
 * only, pointed at the emulator through endpoint models in the temp home):
 * aws-signin uses the AWS CLI's sign-in (S1), the AWS CLI uses aws-signin's
 * (S2), their token, registration and role files have the same bytes but
 * for the values (S3), a role chained on an SSO profile shares one cache
 * both ways (S21), and `configure export-credentials` / `list` /
 * `list-profiles` / `get` print the same for SSO profiles (S22). Skipped
 * when the AWS CLI is not installed.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { listDir, runAwsCli } from "../helpers.ts";
import {
  awsEnv,
  DEPLOY,
  DEV_ROLE,
  hasAwsCli,
  LEGACY_ROLE,
  LEGACY_TOKEN,
  pointModelsAt,
  registrationFile,
  SESSION_TOKEN,
  signin,
  ssoEnv,
  type SsoHome,
  ssoHome,
  ssoLogin,
  tokenCalls,
} from "./_setup.ts";

const SESSION_REG = registrationFile({
  scopes: ["sso:account:access"],
  session: "my-sso",
});
const LEGACY_REG = registrationFile({ scopes: null, session: null });
/** Formats compared with the AWS CLI (every format's bytes are checked in credentials_test.ts). */
const FORMATS = ["process", "env", "powershell"];

/** A file's bytes with every string value replaced: what must be equal between writers. */
const shape = (text: string) => text.replace(/": "[^"]*"/g, '": "*"');

async function read(home: SsoHome, dir: "sso" | "roles", name: string) {
  return await Deno.readTextFile(`${home[dir]}/${name}`);
}

/** The rows of `configure list` (either table form) as [name, value, type, location]. */
function listRows(text: string): string[][] {
  return text.trimEnd().split("\n").filter((line) =>
    !/^\s*(Name\s+Value|-+\s+-+|NAME\s+: VALUE)/.test(line)
  ).map((line) =>
    line.includes(" : ")
      ? line.split(" : ").map((c) => c.trim())
      : line.trim().split(/\s+/).concat(["", ""]).slice(0, 4)
  ).map((row) => row.map((c) => c ?? ""));
}

Deno.test({
  name:
    "S1 + S3: aws-signin uses the AWS CLI's sign-in; the token, registration and role files have its bytes",
  ignore: !hasAwsCli,
  fn: async () => {
    await using server = await startEmulator({
      autoApprove: true,
      roles: [DEPLOY],
    });
    await using cli = await ssoHome();
    await pointModelsAt(cli, server.url);
    // Side by side (the AWS CLI takes a second to start): two token and two registration files.
    const logins = await Promise.all(
      ["dev", "legacy"].map((profile) =>
        runAwsCli(["sso", "login", "--profile", profile], awsEnv(cli))
      ),
    );
    for (const r of logins) assert.equal(r.code, 0, r.stderr);
    // S1: no browser, no sign-in: the AWS CLI's tokens are used as they are.
    const noBrowser = ssoEnv(server, cli, { BROWSER: "false" });
    const mark = tokenCalls(server).length;
    for (const profile of ["dev", "legacy"]) {
      const r = await signin(
        ["configure", "export-credentials", "--profile", profile],
        noBrowser,
      );
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(tokenCalls(server).slice(mark), [
      "GetRoleCredentials/200",
      "GetRoleCredentials/200",
    ]);
    const ours = [
      await read(cli, "roles", DEV_ROLE),
      await read(cli, "roles", LEGACY_ROLE),
    ];
    await Deno.remove(cli.roles, { recursive: true });
    const exports = await Promise.all(
      ["dev", "legacy"].map((profile) =>
        runAwsCli(
          ["configure", "export-credentials", "--profile", profile],
          awsEnv(cli),
        )
      ),
    );
    for (const r of exports) assert.equal(r.code, 0, r.stderr);
    // S3: the role files (the AWS CLI 2.9 predates their "AccountId", which 2.36 writes and so does
    // aws-signin), then the token and registration files of the same (device) flow.
    assert.deepEqual(
      [
        await read(cli, "roles", DEV_ROLE),
        await read(cli, "roles", LEGACY_ROLE),
      ].map(shape),
      ours.map((text) => shape(text).replace(', "AccountId": "*"', "")),
    );
    await using home = await ssoHome();
    await ssoLogin(server, home, ["--profile", "dev", "--use-device-code"]);
    await ssoLogin(server, home, ["--profile", "legacy"]);
    for (const name of [SESSION_TOKEN, LEGACY_TOKEN, SESSION_REG, LEGACY_REG]) {
      const theirs = await read(cli, "sso", name);
      assert.equal(shape(await read(home, "sso", name)), shape(theirs), name);
    }
  },
});

Deno.test({
  name:
    "S2 + S21 + S22: the AWS CLI uses aws-signin's sign-in; role chains share one cache; the same answers",
  ignore: !hasAwsCli,
  fn: async () => {
    await using server = await startEmulator({
      autoApprove: true,
      roles: [DEPLOY],
    });
    await using home = await ssoHome();
    await pointModelsAt(home, server.url);
    const env = ssoEnv(server, home);
    const aws = awsEnv(home);
    // Before any sign-in, the same first two rows, then the same error (255).
    const [ourList, theirList] = [
      await signin(["configure", "list", "--profile", "legacy"], env),
      await runAwsCli(["configure", "list", "--profile", "legacy"], aws),
    ];
    assert.equal(ourList.code, 255);
    assert.equal(theirList.code, 255);
    assert.deepEqual(listRows(ourList.stdout), listRows(theirList.stdout));
    assert.equal(
      ourList.stderr.split("\n")[0],
      `aws-signin: [ERROR]: ${theirList.stderr.trim()}`,
    );

    await ssoLogin(server, home, ["--profile", "dev"]);
    await ssoLogin(server, home, ["--profile", "legacy"]);
    // S2: the AWS CLI calls GetRoleCredentials with aws-signin's token.
    const who = await runAwsCli([
      "sts",
      "get-caller-identity",
      "--profile",
      "dev",
    ], aws);
    assert.equal(who.code, 0, who.stderr);
    assert.match(
      JSON.parse(who.stdout).Arn,
      /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Admin_[0-9a-f]{16}\/demo$/,
    );
    assert.deepEqual(tokenCalls(server), [
      "CreateToken(authorization_code)/200",
      "GetRoleCredentials/200",
    ]);
    // S22: export-credentials in every format, byte for byte (both read the role file the AWS CLI wrote),
    // list, list-profiles, get (run side by side: the AWS CLI takes a second to start).
    const commands = [
      ...FORMATS.map((
        f,
      ) => [
        "configure",
        "export-credentials",
        "--profile",
        "dev",
        "--format",
        f,
      ]),
      ["configure", "list", "--profile", "dev"],
      ["configure", "list-profiles"],
      ["configure", "get", "sso_session", "--profile", "dev"],
      ["configure", "get", "sso_region", "--profile", "dev"], // on the session, not the profile: exit 1
    ];
    const answers = await Promise.all(
      commands.map(async (args) =>
        [await signin(args, env), await runAwsCli(args, aws)] as const
      ),
    );
    for (const [i, [ours, theirs]] of answers.entries()) {
      const args = commands[i]!;
      assert.equal(ours.code, theirs.code, `${args.join(" ")}: ${ours.stderr}`);
      if (args[1] === "list") {
        assert.deepEqual(listRows(ours.stdout), listRows(theirs.stdout));
        assert.deepEqual(listRows(ours.stdout)[1], [
          "access_key",
          listRows(theirs.stdout)[1]![1]!,
          "sso",
          "",
        ]);
      } else assert.equal(ours.stdout, theirs.stdout, args.join(" "));
    }
    assert.equal(tokenCalls(server).length, 2, "nothing more was fetched");

    // S21 (the AWS CLI 2.9 chains only on a legacy SSO profile): its assume-role cache serves aws-signin...
    const chained = await runAwsCli(
      ["sts", "get-caller-identity", "--profile", "chain-legacy"],
      aws,
    );
    assert.equal(chained.code, 0, chained.stderr);
    const assumed = tokenCalls(server).filter((c) =>
      c.startsWith("AssumeRole")
    ).length;
    assert.equal(assumed, 1);
    const ours = await signin(
      ["configure", "export-credentials", "--profile", "chain-legacy"],
      env,
    );
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(
      tokenCalls(server).filter((c) => c.startsWith("AssumeRole")).length,
      1,
      "aws-signin used the AWS CLI's cached role",
    );
    const files = (await listDir(home.roles)).filter((n) =>
      n.endsWith(".json")
    );
    const roleFile = files.find((n) => n !== DEV_ROLE && n !== LEGACY_ROLE)!;
    const cached = JSON.parse(await read(home, "roles", roleFile));
    assert.equal(
      JSON.parse(ours.stdout).AccessKeyId,
      cached.Credentials.AccessKeyId,
    );
    // ...and the other way round.
    await Deno.remove(`${home.roles}/${roleFile}`);
    const first = await signin(
      ["configure", "export-credentials", "--profile", "chain-legacy"],
      env,
    );
    assert.equal(first.code, 0, first.stderr);
    const again = await runAwsCli(
      ["configure", "export-credentials", "--profile", "chain-legacy"],
      aws,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      JSON.parse(again.stdout).AccessKeyId,
      JSON.parse(first.stdout).AccessKeyId,
    );
    assert.equal(
      tokenCalls(server).filter((c) => c.startsWith("AssumeRole")).length,
      2,
    );
  },
});
