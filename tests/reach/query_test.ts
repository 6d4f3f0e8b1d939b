/**
 * Scripts: `sts get-caller-identity --query` (JMESPath) with `--output json`
 * and `text`, byte for byte as `/usr/bin/aws` prints the same queries
 * against the same STS (the emulator), on a static-key profile.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  hasAwsCli,
  loginThrough,
  mapLimit,
  runAwsCli,
  runCliProcess,
  runInProcess,
  tempHome,
} from "../helpers.ts";

/** A static-key profile holding credentials the emulator issued (so both tools can call its STS). */
async function staticProfile(emulatorUrl: string) {
  const home = await tempHome();
  const file = await loginThrough(emulatorUrl, home);
  const at = JSON.parse(await Deno.readTextFile(file)).accessToken;
  await Deno.writeTextFile(
    home.credentials,
    `[static]\naws_access_key_id = ${at.accessKeyId}\naws_secret_access_key = ${at.secretAccessKey}\n` +
      `aws_session_token = ${at.sessionToken}\n`,
  );
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(
      home.config,
    )}\n[profile static]\nregion = us-east-1\n`,
  );
  return home;
}

const QUERIES = [
  undefined,
  "Account",
  "Arn",
  "UserId",
  "[Account, Arn]",
  "[Account, Arn, UserId]",
  "{a: Account}",
  "{a: Account, b: [Arn]}",
  "Nope",
  "[Nope]",
  "length(Arn)",
  "contains(Arn, 'demo')",
  "@",
];

Deno.test({
  name: "--query and --output print what the AWS CLI prints, byte for byte",
  ignore: !hasAwsCli,
  async fn() {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await staticProfile(server.url);
    const jobs = QUERIES.flatMap((query) =>
      ["json", "text"].map((output) => ({ query, output }))
    );
    await mapLimit(jobs, 4, async ({ query, output }) => {
      const argv = [
        "sts",
        "get-caller-identity",
        "--profile",
        "static",
        "--endpoint-url",
        server.url,
        "--output",
        output,
        ...(query === undefined ? [] : ["--query", query]),
      ];
      const theirs = await runAwsCli(argv, {
        ...home.env,
        AWS_EC2_METADATA_DISABLED: "true",
      });
      const ours = await runCliProcess(argv, home.env);
      assert.equal(theirs.code, 0, `${query}: ${theirs.stderr}`);
      assert.deepEqual(ours, theirs, `${query} --output ${output}`);
    });
  },
});

Deno.test("--query Account --output text prints the bare account; a bad query is a usage error before any call", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await staticProfile(server.url);
  const account = await runCliProcess([
    "sts",
    "get-caller-identity",
    "--profile",
    "static",
    "--endpoint-url",
    server.url,
    "--query",
    "Account",
    "--output",
    "text",
  ], home.env);
  assert.deepEqual(account, { code: 0, stdout: "111122223333\n", stderr: "" });
  const calls = server.emulator.requests.length;
  const bad = await runInProcess([
    "--query",
    "Account[",
    "sts",
    "get-caller-identity",
    "--profile",
    "static",
    "--endpoint-url",
    server.url,
  ], { env: home.env });
  assert.equal(bad.code, 252);
  assert.match(
    bad.stderr,
    /^aws-signin: \[ERROR\]: An error occurred \(ParamValidation\): Bad value for --query Account\[: Invalid jmespath expression: /,
  );
  assert.equal(server.emulator.requests.length, calls, "no call was made");
});
