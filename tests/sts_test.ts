/** `aws-signin sts get-caller-identity` against the emulator with login, static-key and environment credentials. */
import assert from "node:assert/strict";
import { sha256Hex } from "../lib/util/encoding.ts";
import { startEmulator } from "../lib/emulator/server.ts";
import { runCliProcess, standInBrowser, tempHome } from "./helpers.ts";

const SESSION = "arn:aws:iam::111122223333:user/demo";
const JSON_OUT =
  /^\{\n {4}"UserId": "AIDA[A-Z2-7]{17}",\n {4}"Account": "111122223333",\n {4}"Arn": "arn:aws:iam::111122223333:user\/demo"\n\}\n$/;

Deno.test("get-caller-identity with login, static-key and environment credentials; json and text", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
    AWS_ENDPOINT_URL_STS: server.url,
  };
  const login = await runCliProcess([
    "login",
    "--profile",
    "dev",
    "--region",
    "us-east-1",
  ], {
    ...env,
    BROWSER: standInBrowser("approve"),
  });
  assert.equal(login.code, 0, login.stderr);

  const viaLogin = await runCliProcess([
    "sts",
    "get-caller-identity",
    "--profile",
    "dev",
    "--region",
    "us-east-1",
  ], env);
  assert.equal(viaLogin.code, 0, viaLogin.stderr);
  assert.match(viaLogin.stdout, JSON_OUT);
  assert.equal(viaLogin.stderr, "");

  const text = await runCliProcess(
    [
      "sts",
      "get-caller-identity",
      "--profile",
      "dev",
      "--region",
      "us-east-1",
      "--output",
      "text",
    ],
    env,
  );
  assert.match(
    text.stdout,
    /^111122223333\tarn:aws:iam::111122223333:user\/demo\tAIDA[A-Z2-7]{17}\n$/,
  );

  // The same emulator-issued keys as static keys in the credentials file, and as environment variables.
  const entry = JSON.parse(
    await Deno.readTextFile(`${home.cache}/${await sha256Hex(SESSION)}.json`),
  ).accessToken;
  await Deno.writeTextFile(
    home.credentials,
    `[static]\naws_access_key_id = ${entry.accessKeyId}\naws_secret_access_key = ${entry.secretAccessKey}\n` +
      `aws_session_token = ${entry.sessionToken}\n`,
  );
  await Deno.writeTextFile(
    home.config,
    "\n[profile static]\nregion = us-east-1\n",
    { append: true },
  );
  const viaStatic = await runCliProcess([
    "sts",
    "get-caller-identity",
    "--profile",
    "static",
  ], env);
  assert.equal(viaStatic.code, 0, viaStatic.stderr);
  assert.match(viaStatic.stdout, JSON_OUT);
  const viaEnv = await runCliProcess(["sts", "get-caller-identity"], {
    ...env,
    AWS_ACCESS_KEY_ID: entry.accessKeyId,
    AWS_SECRET_ACCESS_KEY: entry.secretAccessKey,
    AWS_SESSION_TOKEN: entry.sessionToken,
    AWS_REGION: "us-east-1",
  });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.match(viaEnv.stdout, JSON_OUT);

  const gets = server.emulator.requests.filter((r) =>
    r.operation === "GetCallerIdentity"
  ).map((r) => r.status);
  assert.deepEqual(gets, [200, 200, 200, 200]);
});

Deno.test("service errors print the AWS CLI's line and exit 254; a wrong region is refused by the signature check", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_STS: server.url,
    AWS_REGION: "us-east-1",
  };
  const bad = await runCliProcess(["sts", "get-caller-identity"], {
    ...env,
    AWS_ACCESS_KEY_ID: "ASIANOTISSUEDBYEMU01",
    AWS_SECRET_ACCESS_KEY: "x",
  });
  assert.deepEqual(bad, {
    code: 254,
    stdout: "",
    stderr:
      "aws-signin: [ERROR]: An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity " +
      "operation: The security token included in the request is invalid.\n",
  });
  const none = await runCliProcess(["sts", "get-caller-identity"], env);
  assert.equal(none.code, 253);
  assert.equal(
    none.stderr,
    'aws-signin: [ERROR]: An error occurred (NoCredentials): Unable to locate credentials. You can configure credentials by running "aws-signin login".\n',
  );
  const noRegion = await runCliProcess(["sts", "get-caller-identity"], {
    ...home.env,
    AWS_ACCESS_KEY_ID: "A",
    AWS_SECRET_ACCESS_KEY: "B",
  });
  assert.equal(noRegion.code, 253);
  assert.match(noRegion.stderr, /You must specify a region\./);
});

Deno.test("STS unreachable: the message names the endpoint, exit 255", async () => {
  const dead = await startEmulator();
  const url = dead.url;
  await dead.close();
  await using home = await tempHome();
  const result = await runCliProcess([
    "sts",
    "get-caller-identity",
    "--endpoint-url",
    url,
    "--region",
    "us-east-1",
  ], {
    ...home.env,
    AWS_ACCESS_KEY_ID: "A",
    AWS_SECRET_ACCESS_KEY: "B",
  });
  assert.equal(result.code, 255);
  assert.match(
    result.stderr,
    new RegExp(
      `^aws-signin: \\[ERROR\\]: Could not connect to the endpoint URL: "${url}/"`,
    ),
  );
});
