/**
 * The first run from source on an empty Deno cache fetches only what the
 * program needs: `sts get-caller-identity --query` loads jmespath from npm,
 * and nothing else of the lock (the test-only packages, Playwright, the AWS
 * SDKs, fast-check, stay where only the tests pull them in).
 */
import assert from "node:assert/strict";
import { startEmulator } from "../lib/emulator/server.ts";
import {
  baseEnv,
  loginThrough,
  ROOT,
  runProcess,
  tempHome,
} from "./helpers.ts";
import { PERMISSIONS } from "../dev/permissions.ts";

Deno.test({
  name:
    "from source on an empty Deno cache, --query downloads jmespath and nothing else",
  // The compiled binary carries no npm package to download.
  ignore: Deno.env.get("AWS_SIGNIN_BIN") !== undefined,
  async fn() {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    const file = await loginThrough(server.url, home);
    const at = JSON.parse(await Deno.readTextFile(file)).accessToken;
    await Deno.writeTextFile(
      home.credentials,
      `[static]\naws_access_key_id = ${at.accessKeyId}\naws_secret_access_key = ${at.secretAccessKey}\n` +
        `aws_session_token = ${at.sessionToken}\n`,
    );
    const denoDir = `${home.dir}/deno-dir`;
    const result = await runProcess(
      Deno.execPath(),
      [
        "run",
        "--quiet",
        ...PERMISSIONS,
        `${ROOT}/main.ts`,
        "sts",
        "get-caller-identity",
        "--profile",
        "static",
        "--region",
        "us-east-1",
        "--query",
        "Arn",
        "--output",
        "text",
      ],
      {
        ...baseEnv(),
        ...home.env,
        DENO_DIR: denoDir,
        AWS_ENDPOINT_URL_STS: server.url,
        AWS_EC2_METADATA_DISABLED: "true",
      },
      { cwd: ROOT, timeoutMs: 180_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^arn:aws:iam::111122223333:user\/demo\n$/);
    const packages = [
      ...Deno.readDirSync(`${denoDir}/npm/registry.npmjs.org`),
    ].map((e) => e.name).sort();
    assert.deepEqual(packages, ["jmespath"]);
  },
});
