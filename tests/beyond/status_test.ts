/**
 * `aws-signin status`: every state from the caches alone (no network), in
 * text and JSON with exact output, `--all`, `--verify`, and the exit code.
 */
import assert from "node:assert/strict";
import { roleCacheKey } from "../../lib/cache/role_cache.ts";
import { sha256HexSync } from "../helpers.ts";
import { formatExpiresAt } from "../../lib/util/time.ts";
import {
  DEMO_SESSION,
  runCliProcess,
  runInProcess,
  tempHome,
} from "../helpers.ts";
import { ADMIN, roleEmulator, roleHome } from "../roles/_setup.ts";

const NOW = Date.parse("2026-06-01T12:00:00Z");

function entry(expiresAtMs: number, signInRegion?: string): string {
  return JSON.stringify({
    accessToken: {
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
      accountId: "111122223333",
      expiresAt: formatExpiresAt(expiresAtMs),
    },
    tokenType: "aws_sigv4",
    clientId: "arn:aws:signin:::devtools/same-device",
    refreshToken: "r",
    dpopKey: "k",
    ...(signInRegion ? { signInRegion } : {}),
  });
}

Deno.test("status: every state, in text and JSON, from the caches alone", async () => {
  await using home = await tempHome();
  await Deno.mkdir(home.cache, { recursive: true });
  const sessions: Record<string, string> = {
    valid: "arn:aws:iam::111122223333:user/valid",
    due: "arn:aws:iam::111122223333:user/due",
    expired: "arn:aws:iam::111122223333:user/expired",
    ended: "arn:aws:iam::111122223333:user/ended",
    out: "arn:aws:iam::111122223333:user/out",
  };
  await Deno.writeTextFile(
    home.config,
    Object.entries(sessions).map(([p, s]) =>
      `[profile ${p}]\nlogin_session = ${s}\n${
        p === "due" ? "region = eu-west-1\n" : ""
      }`
    ).join("\n") +
      `\n[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = valid\n\n[profile keys]\nregion = us-east-1\n`,
  );
  const write = (p: string, text: string) =>
    Deno.writeTextFile(
      `${home.cache}/${sha256HexSync(sessions[p]!)}.json`,
      text,
    );
  await write("valid", entry(NOW + 14 * 60_000, "us-west-2"));
  await write("due", entry(NOW + 3 * 60_000));
  await write("expired", entry(NOW - 30 * 60_000, "ap-south-1"));
  await write("ended", entry(NOW - 13 * 3600_000, "ap-south-1"));
  const key = await roleCacheKey({ RoleArn: ADMIN });
  await Deno.mkdir(`${home.dir}/.aws/cli/cache`, { recursive: true });
  await Deno.writeTextFile(
    `${home.dir}/.aws/cli/cache/${key}.json`,
    JSON.stringify({
      Credentials: {
        AccessKeyId: "ASIAROLE",
        SecretAccessKey: "s",
        SessionToken: "t",
        Expiration: "2026-06-01T12:50:00UTC",
      },
    }),
  );
  const cache = (p: string) =>
    `${home.cache}/${sha256HexSync(sessions[p]!)}.json`;
  const run = (args: string[], env: Record<string, string> = {}) =>
    runInProcess(["status", ...args], {
      env: { ...home.env, ...env },
      world: {
        now: () => NOW,
        fetch: () =>
          Promise.reject(new Error("status must not call the network")),
      },
    });
  const all = await run(["--all"]);
  assert.equal(all.code, 1, "two profiles are not usable");
  assert.equal(
    all.stdout,
    `profile valid (login)
  session          ${sessions.valid}
  account          111122223333
  credentials      valid until 2026-06-01T12:14:00Z (in 14 min)
  console session  ends: unknown
  refresh region   us-west-2 (the region that issued the session)
  cache            ${cache("valid")}

profile due (login)
  session          ${sessions.due}
  account          111122223333
  credentials      valid until 2026-06-01T12:03:00Z (in 3 min); refreshed on next use
  console session  ends: unknown
  refresh region   eu-west-1 (the profile's region)
  issuing region   not recorded (the AWS CLI does not record it, other SDKs drop it): refreshes go to the refresh region
  cache            ${cache("due")}

profile expired (login)
  session          ${sessions.expired}
  account          111122223333
  credentials      expired at 2026-06-01T11:30:00Z (30 min ago); refreshed on next use
  console session  ends: unknown
  refresh region   ap-south-1 (the region that issued the session)
  cache            ${cache("expired")}

profile ended (login)
  session          ${sessions.ended}
  account          111122223333
  credentials      expired at 2026-05-31T23:00:00Z (13 h ago)
  console session  ends: unknown
  refresh region   ap-south-1 (the region that issued the session)
  auto sign-in     off (--auto-login or AWS_SIGNIN_AUTO_LOGIN=true signs the session in again on next use)
  cache            ${cache("ended")}
  note             the console session has ended: run "aws-signin login --profile ended"

profile out (login)
  session          ${sessions.out}
  account          111122223333
  credentials      absent (logged out)
  console session  ends: unknown
  refresh region   unknown
  auto sign-in     off (--auto-login or AWS_SIGNIN_AUTO_LOGIN=true signs the session in again on next use)
  cache            ${cache("out")}
  note             logged out: run "aws-signin login --profile out"

profile admin (assume-role)
  role             ${ADMIN}
  source           valid
  account          444455556666
  credentials      valid until 2026-06-01T12:50:00Z (in 50 min)
  cache            ${home.dir}/.aws/cli/cache/${key}.json
`,
  );
  const json = await run(["--all", "--output", "json"]);
  const parsed = JSON.parse(json.stdout).profiles;
  // Whether a browser can open depends on the machine: checked in auto_login_test.ts.
  assert.equal(parsed[0].autoSignIn.enabled, false);
  delete parsed[0].autoSignIn;
  assert.deepEqual(parsed[0], {
    profile: "valid",
    type: "login",
    session: sessions.valid,
    sessionEndsAt: null,
    cacheFile: cache("valid"),
    account: "111122223333",
    state: "valid",
    expiresAt: "2026-06-01T12:14:00Z",
    refreshRegion: "us-west-2",
    refreshRegionFrom: "login session",
    issuingRegion: "us-west-2",
    usable: true,
  });
  assert.equal(parsed[1].issuingRegion, null, "not recorded");
  assert.deepEqual(
    parsed.map((
      p: { profile: string; state: string; usable: boolean },
    ) => [p.profile, p.state, p.usable]),
    [
      ["valid", "valid", true],
      ["due", "needs-refresh", true],
      ["expired", "expired", true],
      ["ended", "expired", false],
      ["out", "absent", false],
      ["admin", "valid", true],
    ],
  );
  // One profile: its own exit code; a profile that is neither a session nor a role.
  assert.equal((await run(["--profile", "valid"])).code, 0);
  assert.equal((await run([], { AWS_PROFILE: "out" })).code, 1);
  const keys = await run(["--profile", "keys"]);
  assert.equal(keys.code, 1);
  // Then the credential chain, link by link (chain_status_test.ts).
  assert.ok(
    keys.stdout.startsWith(
      `profile keys (other)\n  credentials      none\n  note             it has no login_session and assumes no role: ` +
        `run "aws-signin login --profile keys" to sign it in\n\ncredential chain for profile keys `,
    ),
    keys.stdout,
  );
  assert.equal((await run(["--profile", "nope"])).code, 255);
  assert.ok(!all.stdout.includes("secret") && !json.stdout.includes("token"));
});

Deno.test("status --verify calls GetCallerIdentity (refreshing as needed) and shows the live identity", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n`,
  );
  const result = await runCliProcess(
    ["status", "--all", "--verify", "--output", "json"],
    { ...home.env, AWS_REGION: "us-east-1" },
  );
  assert.equal(result.code, 0, result.stderr);
  const [dev, admin] = JSON.parse(result.stdout).profiles;
  assert.equal(dev.identity.Arn, DEMO_SESSION);
  assert.match(
    admin.identity.Arn,
    /^arn:aws:sts::444455556666:assumed-role\/Admin\/botocore-session-\d+$/,
  );
  const text = await runCliProcess(
    ["status", "--profile", "dev", "--verify"],
    { ...home.env, AWS_REGION: "us-east-1" },
  );
  assert.match(
    text.stdout,
    new RegExp(
      `  identity         ${
        DEMO_SESSION.replaceAll("/", "\\/")
      } \\(verified\\)\\n`,
    ),
  );
  await using empty = await tempHome();
  const none = await runCliProcess(["status", "--all"], empty.env);
  assert.equal(none.code, 1);
  assert.equal(
    none.stdout,
    'No profile has a login_session or IAM Identity Center settings. Run "aws-signin login" (or "aws-signin sso login") to sign one in.\n',
  );
});

Deno.test("status escapes outside text in its text output (names, ARNs, sessions, the cache's account); JSON stays JSON", async () => {
  await using home = await tempHome();
  await Deno.mkdir(home.cache, { recursive: true });
  const session = "arn:aws:iam::111122223333:user/x\x1b]0;pwned\x07";
  await Deno.writeTextFile(
    home.config,
    `[profile esc\x1b[2J]\nlogin_session = ${session}\n\n` +
      `[profile role]\nrole_arn = arn:aws:iam::444455556666:role/R\x1b[31m\nsource_profile = esc\x1b[2J\n`,
  );
  await Deno.writeTextFile(
    `${home.cache}/${sha256HexSync(session)}.json`,
    entry(Date.now() + 14 * 60_000).replace(
      '"accountId":"111122223333"',
      '"accountId":"1111\\u001b]52;c;ZXZpbA==\\u0007"',
    ),
  );
  const text = await runCliProcess(["status", "--all"], home.env);
  for (const stream of [text.stdout, text.stderr]) {
    assert.ok(!stream.includes("\x1b") && !stream.includes("\x07"), stream);
  }
  assert.match(text.stdout, /^profile esc\\x1b\[2J \(login\)$/m);
  assert.match(
    text.stdout,
    /session +arn:aws:iam::111122223333:user\/x\\x1b\]0;pwned\\x07$/m,
  );
  assert.match(text.stdout, /account +1111\\x1b\]52;c;ZXZpbA==\\x07$/m);
  assert.match(
    text.stdout,
    /role +arn:aws:iam::444455556666:role\/R\\x1b\[31m$/m,
  );
  assert.match(text.stdout, /source +esc\\x1b\[2J$/m);
  const json = await runCliProcess(
    ["status", "--all", "--output", "json"],
    home.env,
  );
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.profiles[0].profile, "esc\x1b[2J");
  assert.ok(!json.stdout.includes("\x1b") && !json.stdout.includes("\x07"));
});
