/** Real AWS clients accept the emulator: the JS SDK's STS client and login credential provider. */
import assert from "node:assert/strict";
import { sha256Hex } from "../../lib/util/encoding.ts";
import { toSec1Pem } from "../../lib/signin/dpop.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import { handLogin } from "../emulator/_hand_login.ts";
import {
  baseEnv,
  ROOT,
  runProcess,
  runSdkScript,
  tempHome,
} from "../helpers.ts";

const PRINCIPAL = "arn:aws:iam::111122223333:user/demo";

Deno.test("@aws-sdk/client-sts signs GetCallerIdentity with its own SigV4 signer and the emulator accepts it", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const login = await handLogin(server);
  const result = await runProcess(Deno.execPath(), [
    "run",
    "-A",
    "tests/interop/_sdk_sts.ts",
  ], {
    ...baseEnv(),
    AWS_ACCESS_KEY_ID: login.accessKeyId,
    AWS_SECRET_ACCESS_KEY: login.secretAccessKey,
    AWS_SESSION_TOKEN: login.sessionToken,
    SDK_TEST_STS_ENDPOINT: server.url,
  }, { cwd: ROOT });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  assert.equal(out.Arn, PRINCIPAL);
  assert.equal(out.Account, "111122223333");
  assert.match(out.UserId, /^AIDA/);
});

Deno.test("@aws-sdk/credential-provider-login refreshes a login cache entry through the emulator", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const login = await handLogin(server);
  await Deno.mkdir(home.cache, { recursive: true });
  await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
  await Deno.writeTextFile(
    home.config,
    `[profile dev]\nlogin_session = ${PRINCIPAL}\nregion = us-east-1\n`,
  );
  const cacheFile = `${home.cache}/${await sha256Hex(PRINCIPAL)}.json`;
  const entry = {
    accessToken: {
      accessKeyId: login.accessKeyId,
      secretAccessKey: login.secretAccessKey,
      sessionToken: login.sessionToken,
      accountId: "111122223333",
      expiresAt: "2020-01-01T00:00:00Z",
    },
    tokenType: "aws_sigv4",
    clientId: "arn:aws:signin:::devtools/same-device",
    refreshToken: login.refreshToken,
    idToken: login.idToken,
    dpopKey: toSec1Pem(login.key.jwk),
  };
  await Deno.writeTextFile(cacheFile, JSON.stringify(entry));
  const creds = await runSdkScript("_sdk_login_credentials.ts", ["dev"], {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
  });
  assert.notEqual(creds.accessKeyId, login.accessKeyId);
  assert.match(creds.accessKeyId ?? "", /^ASIA/);
  assert.equal(creds.accountId, "111122223333");
  const refreshes = server.emulator.requests.filter((r) =>
    r.grantType === "refresh_token"
  );
  assert.deepEqual(refreshes.map((r) => r.status), [200]);
  const rewritten = JSON.parse(await Deno.readTextFile(cacheFile));
  assert.notEqual(rewritten.refreshToken, login.refreshToken);
  assert.equal(rewritten.accessToken.accessKeyId, creds.accessKeyId);
});
