/**
 * `--auto-login` on SSO profiles, black-box against the emulator: a session
 * that ended is signed in again (the authorization code flow) once for 8
 * processes waiting at the same time, everything said on stderr; a legacy
 * profile's expired token is signed in again with the device code; a sign-in
 * refused on the consent page ends with an error and a cool-down (no other
 * browser right after).
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { readOrNull, ROOT } from "../helpers.ts";
import { control } from "../emulator/_sso.ts";
import {
  legacyToken,
  SESSION_TOKEN,
  sessionToken,
  signin,
  SSO_CONFIG,
  ssoEnv,
  type SsoHome,
  ssoHome,
  tokenCalls,
} from "./_setup.ts";

/** The SSO stand-in browser (tests/sso/_browser.ts), counting its starts in the home. */
function browser(home: SsoHome, mode: "approve" | "deny", delayMs = 0) {
  return {
    BROWSER:
      `${Deno.execPath()} run -A --quiet ${ROOT}/tests/sso/_browser.ts ${mode} %s`,
    BROWSER_COUNT: `${home.dir}/browser-count`,
    BROWSER_DELAY_MS: String(delayMs),
  };
}

async function openings(home: SsoHome): Promise<number> {
  return ((await readOrNull(`${home.dir}/browser-count`)) ?? "").split("\n")
    .filter((l) => l !== "").length;
}

const AUTO = [
  "configure",
  "export-credentials",
  "--profile",
  "dev",
  "--auto-login",
];

Deno.test("--auto-login: an ended SSO session is signed in again once for 8 waiting processes", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  await sessionToken(server, home, -60);
  await control(server.url, "sso/end-sessions");
  const env = ssoEnv(server, home, browser(home, "approve", 500));
  const results = await Promise.all(
    Array.from({ length: 8 }, () => signin(AUTO, env)),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(
    new Set(results.map((r) => JSON.parse(r.stdout).AccessKeyId)).size,
    1,
  );
  assert.equal(await openings(home), 1);
  assert.deepEqual(
    tokenCalls(server).filter((c) => c.startsWith("CreateToken")),
    ["CreateToken(refresh_token)/400", "CreateToken(authorization_code)/200"],
  );
  const signer = results.find((r) =>
    /has ended: signing in again/.test(r.stderr)
  )!;
  assert.match(
    signer.stderr,
    /^aws-signin: \[WARNING\]: The IAM Identity Center session 'my-sso' has ended: signing in again in your browser \(--auto-login; waiting up to 50 s\)\.\n/,
  );
  assert.match(
    signer.stderr,
    /\naws-signin: \[WARNING\]: Signed in again: The IAM Identity Center session 'my-sso' has a fresh token\.\n/,
  );
  assert.match(
    (await readOrNull(`${home.sso}/${SESSION_TOKEN}`))!,
    /"refreshToken": "aor/,
  );
});

Deno.test("--auto-login: a legacy profile's expired token is signed in again with the device code", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  await legacyToken(server, home, -60);
  const r = await signin(
    ["configure", "export-credentials", "--profile", "legacy", "--auto-login"],
    ssoEnv(server, home, browser(home, "approve")),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).AccessKeyId, /^ASIA/);
  assert.match(r.stderr, /Then enter the code:\n\n[A-Z]{4}-[A-Z]{4}\n/);
  assert.equal(await openings(home), 1);
});

Deno.test("--auto-login: refused on the consent page → an error, then a cool-down without another browser", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  await sessionToken(server, home, -60);
  await control(server.url, "sso/end-sessions");
  const denied = await signin(
    AUTO,
    ssoEnv(server, home, browser(home, "deny")),
  );
  assert.equal(denied.code, 255, denied.stderr);
  assert.equal(denied.stdout, "");
  assert.match(
    denied.stderr,
    /aws-signin: \[ERROR\]: Error loading authorization code: Failed to retrieve an authorization code\.\n/,
  );
  assert.deepEqual(
    server.emulator.requests.filter((e) =>
      e.operation.startsWith("SsoAuthorize")
    )
      .map((e) => `${e.operation}/${e.status}`),
    ["SsoAuthorize/200", "SsoAuthorizeDecision/303"],
  );
  const soon = await signin(
    AUTO,
    ssoEnv(server, home, browser(home, "approve")),
  );
  assert.equal(soon.code, 255);
  assert.match(
    soon.stderr,
    /^aws-signin: \[ERROR\]: Error when retrieving token from sso: Token has expired and refresh failed\nNo sign-in was started \(--auto-login\): the last sign-in in the browser for this session was refused just now, and no other is opened for 10 minutes\. Run 'aws-signin sso login --sso-session my-sso' to sign in now\.\n$/,
  );
  assert.equal(await openings(home), 1);
});

Deno.test("--auto-login: a session ended on the service side (the portal refuses the token) is signed in again once for two profiles", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome(
    `${SSO_CONFIG}\n[profile dev2]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n`,
  );
  await sessionToken(server, home, 3600);
  // Logged out elsewhere: the token file still looks valid, the portal refuses it.
  await control(server.url, "sso/revoke-sessions");
  const env = ssoEnv(server, home, browser(home, "approve", 500));
  const results = await Promise.all(
    ["dev", "dev2"].map((profile) =>
      signin(
        [
          "configure",
          "export-credentials",
          "--profile",
          profile,
          "--auto-login",
        ],
        env,
      )
    ),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(await openings(home), 1);
});
