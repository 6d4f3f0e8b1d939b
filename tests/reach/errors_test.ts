/**
 * Exit codes and wording as the AWS CLI: errors raised while refreshing a
 * login session (refused, unreachable, an unreadable key) are botocore
 * errors, printed as they are with exit 255; errors while loading the
 * credentials stay wrapped in "Unable to retrieve credentials" (253).
 */
import assert from "node:assert/strict";
import { sha256HexSync } from "../helpers.ts";
import { DEMO_SESSION, runCliProcess, tempHome } from "../helpers.ts";

async function homeWithEntry(dpopKey: string | undefined) {
  const home = await tempHome();
  await Deno.mkdir(home.cache, { recursive: true });
  await Deno.writeTextFile(
    home.config,
    `[profile dev]\nlogin_session = ${DEMO_SESSION}\nregion = us-east-1\n`,
  );
  if (dpopKey !== undefined) {
    await Deno.writeTextFile(
      `${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`,
      JSON.stringify({
        accessToken: {
          accessKeyId: "ASIAEXAMPLE",
          secretAccessKey: "secret",
          sessionToken: "token",
          accountId: "111122223333",
          expiresAt: "2020-01-01T00:00:00Z",
        },
        clientId: "arn:aws:signin:::devtools/same-device",
        refreshToken: "r",
        dpopKey,
      }),
    );
  }
  return home;
}

Deno.test("an unreadable DPoP key during a refresh: 255, not wrapped", async () => {
  await using home = await homeWithEntry("not a key");
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    { ...home.env, AWS_ENDPOINT_URL_SIGNIN: "http://127.0.0.1:9" },
  );
  assert.deepEqual(result, {
    code: 255,
    stdout: "",
    stderr:
      "aws-signin: [ERROR]: Error loading login session token: the DPoP key is not an EC PRIVATE KEY or " +
      "PRIVATE KEY PEM. Run 'aws-signin login --profile dev' to sign in again.\n",
  });
});

Deno.test("a missing cache entry is a loading error: wrapped, 253", async () => {
  await using home = await homeWithEntry(undefined);
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    home.env,
  );
  assert.deepEqual(result, {
    code: 253,
    stdout: "",
    stderr:
      "aws-signin: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: Error loading login session token: Unable to load a " +
      `existing login session for session ${DEMO_SESSION}, Please reauthenticate with 'aws-signin login --profile ` +
      "dev'.\n",
  });
});
