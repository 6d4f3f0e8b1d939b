/**
 * `aws-signin status` on IAM Identity Center profiles: the SSO sessions
 * (and legacy start URLs) with their token's expiry, whether it can be
 * refreshed and which profiles use them; each SSO profile's role
 * credentials in the cache; role profiles built on one; `--all`; the
 * `--auto-login` line from the cool-down marker beside the token file; JSON
 * fields; `--verify` against the emulator. From the caches alone otherwise.
 */
import assert from "node:assert/strict";
import { roleCacheKey } from "../../lib/cache/role_cache.ts";
import { formatExpiresAt } from "../../lib/util/time.ts";
import { runCliProcess, runInProcess, type TempHome } from "../helpers.ts";
import {
  DEPLOY,
  sha1HexSync,
  SSO_CONFIG,
  ssoLogin,
  ssoSetUp,
  START_URL,
} from "./_sso.ts";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const MIN = 60_000;

const CONFIG = SSO_CONFIG +
  `\n[profile dev-ro]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n`;

function token(
  expiresAtMs: number,
  extra: Record<string, string> = {},
): string {
  return JSON.stringify({
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: "at-secret",
    expiresAt: formatExpiresAt(expiresAtMs),
    ...extra,
  });
}

function refreshable(registrationExpiresAtMs: number) {
  return {
    clientId: "cid",
    clientSecret: "csecret",
    registrationExpiresAt: formatExpiresAt(registrationExpiresAtMs),
    refreshToken: "rt-secret",
  };
}

function roleEntry(expiresAtMs: number, account: string): string {
  return JSON.stringify({
    ProviderType: "sso",
    Credentials: {
      AccessKeyId: "ASIASSO",
      SecretAccessKey: "secret",
      SessionToken: "token",
      Expiration: formatExpiresAt(expiresAtMs),
      AccountId: account,
    },
  });
}

/** The role file of an SSO profile: botocore's key (compact, sorted JSON). */
function ssoRoleFile(home: TempHome, args: Record<string, string>): string {
  const sorted = Object.fromEntries(
    Object.entries(args).sort(([a], [b]) => a < b ? -1 : 1),
  );
  return `${home.dir}/.aws/cli/cache/${
    sha1HexSync(JSON.stringify(sorted))
  }.json`;
}

async function files(home: TempHome) {
  const sso = `${home.dir}/.aws/sso/cache`;
  await Deno.mkdir(sso, { recursive: true });
  await Deno.mkdir(`${home.dir}/.aws/cli/cache`, { recursive: true });
  return {
    session: `${sso}/${sha1HexSync("my-sso")}.json`,
    legacy: `${sso}/${sha1HexSync(START_URL)}.json`,
    dev: ssoRoleFile(home, {
      accountId: "111122223333",
      roleName: "Admin",
      sessionName: "my-sso",
    }),
    devRo: ssoRoleFile(home, {
      accountId: "111122223333",
      roleName: "ReadOnly",
      sessionName: "my-sso",
    }),
    legacyRole: ssoRoleFile(home, {
      accountId: "444455556666",
      roleName: "ReadOnly",
      startUrl: START_URL,
    }),
    chain: `${home.dir}/.aws/cli/cache/${await roleCacheKey({
      RoleArn: DEPLOY,
    })}.json`,
  };
}

function run(
  home: TempHome,
  args: string[],
  env: Record<string, string> = {},
) {
  return runInProcess(["status", ...args], {
    env: { ...home.env, ...env },
    world: {
      now: () => NOW,
      fetch: () =>
        Promise.reject(new Error("status must not call the network")),
    },
  });
}

Deno.test("status --all: SSO sessions with their token, who uses them, each SSO profile's role credentials, roles built on them", async () => {
  await using s = await ssoSetUp({ config: CONFIG });
  const { home } = s;
  const f = await files(home);
  await Deno.writeTextFile(
    f.session,
    token(NOW + 50 * MIN, refreshable(NOW + 80 * 86_400_000)),
  );
  await Deno.writeTextFile(f.dev, roleEntry(NOW + 40 * MIN, "111122223333"));
  await Deno.writeTextFile(f.legacy, token(NOW - 10 * MIN));
  const all = await run(home, ["--all"]);
  assert.equal(all.code, 1, "the legacy profile is not usable");
  assert.equal(
    all.stdout,
    `profile dev (sso)
  sso session      my-sso
  account          111122223333
  role             Admin
  credentials      valid until 2026-06-01T12:40:00Z (in 40 min)
  cache            ${f.dev}

profile legacy (sso)
  start URL        ${START_URL} (legacy: no sso-session)
  account          444455556666
  role             ReadOnly
  credentials      absent
  cache            ${f.legacyRole}
  note             the IAM Identity Center token has expired and cannot be refreshed: run "aws-signin sso login --profile legacy"

profile chain (assume-role)
  role             ${DEPLOY}
  source           dev
  account          444455556666
  credentials      absent (not assumed yet)
  cache            ${f.chain}

profile dev-ro (sso)
  sso session      my-sso
  account          111122223333
  role             ReadOnly
  credentials      absent (fetched with the token on next use)
  cache            ${f.devRo}

sso-session my-sso
  start URL        ${START_URL}
  sso region       us-east-1
  token            valid until 2026-06-01T12:50:00Z (in 50 min)
  refresh          possible (a refresh token; the client registration is valid until 2026-08-20T12:00:00Z)
  profiles         dev, chain, dev-ro
  cache            ${f.session}

legacy start URL ${START_URL}
  sso region       us-east-1
  token            expired at 2026-06-01T11:50:00Z (10 min ago)
  refresh          not possible: a legacy profile's token (sso_start_url on the profile, no sso_session) cannot be refreshed
  profiles         legacy
  auto sign-in     off (--auto-login or AWS_SIGNIN_AUTO_LOGIN=true signs the session in again on next use)
  cache            ${f.legacy}
  note             run "aws-signin sso login --profile legacy" to sign in again
`,
  );
  for (const stream of [all.stdout, all.stderr]) {
    assert.ok(!/secret/.test(stream), "no token or secret is shown");
  }
  const json = await run(home, ["--all", "--output", "json"]);
  const parsed = JSON.parse(json.stdout);
  assert.ok(!/secret/.test(json.stdout));
  // autoSignIn depends on this machine's browser: the --auto-login test covers it.
  const strip = ({ autoSignIn: _, ...rest }: Record<string, unknown>) => rest;
  assert.deepEqual(strip(parsed.profiles[0]), {
    profile: "dev",
    type: "sso",
    ssoSession: "my-sso",
    startUrl: START_URL,
    ssoRegion: "us-east-1",
    account: "111122223333",
    roleName: "Admin",
    state: "valid",
    expiresAt: "2026-06-01T12:40:00Z",
    sessionEndsAt: null,
    cacheFile: f.dev,
    tokenFile: f.session,
    usable: true,
  });
  assert.equal(parsed.profiles[1].ssoSession, null);
  assert.equal(parsed.profiles[1].usable, false);
  assert.deepEqual(parsed.ssoSessions.map(strip), [
    {
      ssoSession: "my-sso",
      startUrl: START_URL,
      ssoRegion: "us-east-1",
      state: "valid",
      expiresAt: "2026-06-01T12:50:00Z",
      canRefresh: true,
      refreshNote: null,
      registrationExpiresAt: "2026-08-20T12:00:00Z",
      profiles: ["dev", "chain", "dev-ro"],
      tokenFile: f.session,
      usable: true,
    },
    {
      ssoSession: null,
      startUrl: START_URL,
      ssoRegion: "us-east-1",
      state: "expired",
      expiresAt: "2026-06-01T11:50:00Z",
      canRefresh: false,
      refreshNote:
        "a legacy profile's token (sso_start_url on the profile, no sso_session) cannot be refreshed",
      registrationExpiresAt: null,
      profiles: ["legacy"],
      tokenFile: f.legacy,
      usable: false,
      note: 'run "aws-signin sso login --profile legacy" to sign in again',
    },
  ]);
});

Deno.test("status --profile: the SSO profile, its session's token (due, expired, absent, no refresh token), and the chain", async () => {
  await using s = await ssoSetUp({ config: CONFIG });
  const { home } = s;
  const f = await files(home);
  const one = async (profile: string) => {
    const r = await run(home, ["--profile", profile, "--output", "json"]);
    return { code: r.code, ...JSON.parse(r.stdout) };
  };
  // Absent: never signed in.
  let r = await one("dev");
  assert.equal(r.code, 1);
  assert.equal(r.profiles[0].state, "absent");
  assert.equal(
    r.profiles[0].note,
    'not signed in to IAM Identity Center (no token): run "aws-signin sso login --sso-session my-sso"',
  );
  assert.equal(r.ssoSessions[0].state, "absent");
  assert.equal(r.chain.answeredBy, "sso");
  // Due for a refresh, with a refresh token: usable.
  await Deno.writeTextFile(
    f.session,
    token(NOW + 5 * MIN, refreshable(NOW + 86_400_000)),
  );
  r = await one("chain");
  assert.equal(r.code, 0);
  assert.equal(r.profiles[0].usable, true);
  assert.equal(r.ssoSessions[0].state, "needs-refresh");
  assert.deepEqual(r.ssoSessions[0].profiles, ["dev", "chain", "dev-ro"]);
  const text = await run(home, ["--profile", "dev"]);
  assert.match(
    text.stdout,
    /^ {2}token {12}valid until 2026-06-01T12:05:00Z \(in 5 min\); refreshed on next use$/m,
  );
  assert.match(text.stdout, /^ {2}IAM Identity Center {4}answers: /m);
  // Expired, and the registration too: not usable, and the role built on it neither.
  await Deno.writeTextFile(
    f.session,
    token(NOW - 5 * MIN, refreshable(NOW - MIN)),
  );
  r = await one("chain");
  assert.equal(r.code, 1);
  assert.equal(r.ssoSessions[0].canRefresh, false);
  assert.equal(
    r.ssoSessions[0].refreshNote,
    "its client registration expired at 2026-06-01T11:59:00Z",
  );
  assert.match(
    r.profiles[0].note,
    /^its source the IAM Identity Center token has expired and cannot be refreshed: run "aws-signin sso login --sso-session my-sso"$/,
  );
  // A device-code sign-in without registration scopes: no refresh token.
  await Deno.writeTextFile(
    f.session,
    token(NOW + 30 * MIN, { clientId: "c", clientSecret: "s" }),
  );
  r = await one("dev");
  assert.equal(r.code, 0);
  assert.equal(r.ssoSessions[0].state, "valid");
  assert.match(r.ssoSessions[0].refreshNote, /no refresh token/);
  // Unreadable.
  await Deno.writeTextFile(f.session, "{not json");
  r = await one("dev");
  assert.equal(r.ssoSessions[0].state, "invalid");
  assert.equal(r.profiles[0].usable, false);
  assert.match(
    r.profiles[0].note,
    /Token for https:.* is invalid: run "aws-signin sso login --sso-session my-sso"$/,
  );
});

Deno.test("status --auto-login: the cool-down after a refused sign-in, from the marker beside the SSO token file", async () => {
  await using s = await ssoSetUp({ config: CONFIG });
  const { home } = s;
  const f = await files(home);
  await Deno.writeTextFile(
    `${f.session}.sign-in`,
    JSON.stringify({
      started: NOW - 2 * MIN,
      until: NOW,
      outcome: "refused",
      ended: NOW - MIN,
      failures: 1,
    }),
  );
  const text = await run(home, ["--profile", "dev", "--auto-login"], {
    BROWSER: "true",
  });
  assert.match(
    text.stdout,
    /^ {2}auto sign-in {5}on, but not possible here: the last sign-in in the browser for this session was refused 60 seconds ago, and no other is opened for 9 minutes$/m,
  );
  const json = JSON.parse(
    (await run(home, ["--profile", "dev", "--auto-login", "--output", "json"], {
      BROWSER: "true",
    })).stdout,
  );
  assert.equal(
    json.ssoSessions[0].autoSignIn.notBefore,
    "2026-06-01T12:09:00Z",
  );
  assert.equal(json.profiles[0].autoSignIn.enabled, true);
  // Without the flag: off, and how to turn it on.
  const off = await run(home, ["--profile", "dev"], { BROWSER: "true" });
  assert.match(
    off.stdout,
    /^ {2}auto sign-in {5}off \(--auto-login or AWS_SIGNIN_AUTO_LOGIN=true signs the session in again on next use\)$/m,
  );
});

Deno.test("status --verify on SSO profiles: the SSO role's identity from the emulator; --all lists them", async () => {
  await using s = await ssoSetUp();
  await ssoLogin(s.env);
  const result = await runCliProcess(
    ["status", "--profile", "dev", "--verify", "--output", "json"],
    s.env,
  );
  assert.equal(result.code, 0, result.stderr);
  const parsed = JSON.parse(result.stdout);
  assert.match(
    parsed.profiles[0].identity.Arn,
    /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Admin_[0-9a-f]{16}\/demo$/,
  );
  // What the cache held before --verify fetched the role credentials; they are cached now.
  assert.equal(parsed.profiles[0].state, "absent");
  assert.equal(parsed.ssoSessions[0].canRefresh, true);
  const after = JSON.parse(
    (await runCliProcess(
      ["status", "--profile", "dev", "--output", "json"],
      s.env,
    )).stdout,
  );
  assert.equal(after.profiles[0].state, "valid");
  const all = await runCliProcess(["status", "--all", "--verify"], s.env);
  assert.equal(all.code, 1, "the legacy profile is not signed in");
  assert.match(
    all.stdout,
    /^profile chain \(assume-role\)\n(?: {2}.*\n)* {2}identity {9}arn:aws:sts::444455556666:assumed-role\/Deploy\/.* \(verified\)$/m,
  );
  assert.match(all.stdout, /^sso-session my-sso$/m);
});
