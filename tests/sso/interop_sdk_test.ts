/**
 * Two-way interop with the SDKs on aws-signin's SSO files (S7, S8): botocore
 * 1.43 (PyPI; its SSO credential and token providers) and the AWS JS SDK's
 * default chain each read aws-signin's token, refresh it in their own
 * window and write it back in their own form (botocore: the AWS CLI's bytes,
 * without the refresh token when none comes; JS: pretty JSON with
 * milliseconds), and aws-signin reads and refreshes what they wrote.
 * botocore's write-back equals aws-signin's but for the values, and for the
 * refresh token kept when the service sends none (decision §9.1). Skipped
 * when botocore is not installed.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { baseEnv, ROOT, runProcess, runSdkScript } from "../helpers.ts";
import { control } from "../emulator/_sso.ts";
import {
  hasBotocoreSso,
  seconds,
  SESSION_TOKEN,
  signin,
  ssoEnv,
  type SsoHome,
  ssoHome,
  ssoLogin,
  tokenCalls,
} from "./_setup.ts";

const EXPORT = ["configure", "export-credentials", "--profile", "dev"];

/** The session's token file text. */
const tokenText = (home: SsoHome) =>
  Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`);

/** Moves the token's expiry to `secondsLeft` from now, in the form it is written in (whole seconds or milliseconds). */
async function age(home: SsoHome, secondsLeft: number): Promise<void> {
  const text = await tokenText(home);
  await Deno.writeTextFile(
    `${home.sso}/${SESSION_TOKEN}`,
    text.replace(/("expiresAt": ")([^"]+)"/, (_, key, old: string) => {
      const at = Date.now() + secondsLeft * 1000;
      return `${key}${
        old.includes(".") ? new Date(at).toISOString() : seconds(at)
      }"`;
    }),
  );
  await Deno.remove(home.roles, { recursive: true }).catch(() => {});
}

const shape = (text: string) => text.replace(/": "[^"]*"/g, '": "*"');
const refreshes = (server: Parameters<typeof tokenCalls>[0]) =>
  tokenCalls(server).filter((c) => c.startsWith("CreateToken(refresh_token)"))
    .length;

async function botocore(
  server: { url: string },
  home: SsoHome,
): Promise<{ accessKeyId: string; method: string }> {
  const r = await runProcess("python3", [
    `${ROOT}/tests/sso/_botocore_sso.py`,
    "dev",
  ], { ...baseEnv(), ...ssoEnv(server, home) });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

Deno.test({
  name:
    "S7 + S8 botocore: reads and refreshes aws-signin's token; aws-signin reads and refreshes botocore's; the same bytes but §9.1",
  ignore: !hasBotocoreSso,
  fn: async () => {
    await using server = await startEmulator({ autoApprove: true });
    await using a = await ssoHome();
    await using b = await ssoHome();
    await ssoLogin(server, a);
    await ssoLogin(server, b);
    // botocore reads aws-signin's fresh token as it is.
    assert.equal((await botocore(server, a)).method, "sso");
    assert.equal(refreshes(server), 0);

    // Ten minutes left (strict rotation): botocore refreshes A, aws-signin refreshes B: the same bytes.
    await age(a, 600);
    await age(b, 600);
    assert.match((await botocore(server, a)).accessKeyId, /^ASIA/);
    assert.equal((await signin(EXPORT, ssoEnv(server, b))).code, 0);
    assert.equal(refreshes(server), 2);
    const [byBotocore, byUs] = [await tokenText(a), await tokenText(b)];
    assert.match(byBotocore, /"refreshToken": "aor/);
    assert.equal(shape(byBotocore), shape(byUs));
    // Each reads the other's write-back with no refresh.
    assert.equal((await signin(EXPORT, ssoEnv(server, a))).code, 0);
    assert.match((await botocore(server, b)).accessKeyId, /^ASIA/);
    assert.equal(refreshes(server), 2);

    // No rotation (no refresh token in the answer): botocore drops the key, aws-signin keeps the old one (§9.1).
    await control(server.url, "sso/settings", { rotation: "none" });
    await age(a, 600);
    await age(b, 600);
    await botocore(server, a);
    const keptBefore = JSON.parse(await tokenText(b)).refreshToken;
    assert.equal((await signin(EXPORT, ssoEnv(server, b))).code, 0);
    assert.equal(refreshes(server), 4);
    const [dropped, kept] = [await tokenText(a), await tokenText(b)];
    assert.doesNotMatch(dropped, /refreshToken/);
    assert.equal(JSON.parse(kept).refreshToken, keptBefore);
    assert.equal(
      shape(dropped),
      shape(kept).replace(', "refreshToken": "*"', ""),
    );
    // aws-signin reads botocore's token without a refresh token while it is fresh.
    assert.equal((await signin(EXPORT, ssoEnv(server, a))).code, 0);
    assert.equal(refreshes(server), 4);
  },
});

Deno.test("S7 JS SDK default chain: reads and refreshes aws-signin's token (pretty JSON, milliseconds); aws-signin reads and refreshes that", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  await ssoLogin(server, home);
  const env = ssoEnv(server, home);
  const js = () => runSdkScript("_sdk_default_chain.ts", ["dev"], env);
  assert.match((await js()).accessKeyId!, /^ASIA/);
  assert.equal(refreshes(server), 0);

  // Four minutes left (inside the JS SDK's five): it refreshes and writes back its form.
  await age(home, 240);
  const before = JSON.parse(await tokenText(home));
  assert.match((await js()).accessKeyId!, /^ASIA/);
  assert.equal(refreshes(server), 1);
  const written = await tokenText(home);
  assert.match(written, /^\{\n {2}"startUrl": /);
  const parsed = JSON.parse(written);
  assert.match(parsed.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.notEqual(parsed.refreshToken, before.refreshToken);

  // aws-signin reads it as it is (no refresh)...
  const fresh = await signin([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
  ], env);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.equal(refreshes(server), 1);
  // ...and refreshes it when due, writing the AWS CLI's bytes, which the JS SDK then reads.
  await age(home, 600);
  const refreshed = await signin([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
  ], env);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.equal(refreshes(server), 2);
  const ours = await tokenText(home);
  assert.match(
    ours,
    /^\{"startUrl": "[^"]+", "region": "us-east-1", "accessToken": /,
  );
  assert.equal(
    JSON.parse(ours).registrationExpiresAt,
    parsed.registrationExpiresAt,
  );
  assert.match((await js()).accessKeyId!, /^ASIA/);
  assert.equal(refreshes(server), 2);
});
