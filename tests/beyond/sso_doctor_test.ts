/**
 * `aws-signin doctor` on IAM Identity Center profiles: each check of
 * protocol-sso.md §7.3 against the setup it is for (a portal host in another
 * region than sso_region, `#/` and a trailing `/` in start URLs, a legacy
 * profile, a session without registration scopes, a profile mixing sso_*
 * with keys or a credential_process, foreign tokens in ~/.aws/sso/cache, a
 * token absent, expired, about to expire, or unreadable), with its id,
 * level and fix; a healthy SSO setup is ok online (the identity of the SSO
 * role); doctor writes nothing and prints no token.
 */
import assert from "node:assert/strict";
import { formatExpiresAt } from "../../lib/util/time.ts";
import { listDir, readOrNull } from "../helpers.ts";
import { doctor, notOk, one } from "./_doctor.ts";
import { sha1HexSync, ssoLogin, ssoSetUp, START_URL } from "./_sso.ts";

const MIN = 60_000;

function token(expiresAtMs: number, extra: Record<string, string> = {}) {
  return JSON.stringify({
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: "at-SECRET-1",
    expiresAt: formatExpiresAt(expiresAtMs),
    ...extra,
  });
}

Deno.test("doctor: a healthy SSO profile is ok, with the SSO role's identity online", async () => {
  await using s = await ssoSetUp();
  await ssoLogin(s.env);
  await Deno.mkdir(s.home.cache, { recursive: true }); // AWS_LOGIN_CACHE_DIRECTORY points there
  // The role credentials are cached by a first use.
  const { runCliProcess } = await import("../helpers.ts");
  assert.equal(
    (await runCliProcess(
      ["sts", "get-caller-identity", "--profile", "dev"],
      s.env,
    )).code,
    0,
  );
  const { code, checks, stdout, stderr } = await doctor(
    ["--profile", "dev"],
    s.env,
  );
  assert.deepEqual(
    notOk(checks).filter((c) =>
      ["sso", "session", "identity", "selection"].includes(c.area)
    ),
    [],
    stdout,
  );
  assert.equal(code, 0, stderr);
  assert.match(
    one(checks, "sso.token", "dev").message,
    /^sso-session 'my-sso' is signed in: its token is valid until .*; it can be refreshed while the IAM Identity Center session lasts \(client registration valid until .*\)\.$/,
  );
  assert.match(
    one(checks, "sso.credentials", "dev").message,
    /are cached until/,
  );
  assert.match(
    one(checks, "identity.caller", "dev").message,
    /from the IAM Identity Center role cache\) belong to arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Admin_[0-9a-f]{16}\/demo/,
  );
  one(checks, "selection.chain", "dev");
  // The role built on it: its role cache, and its source's session checked once.
  const chain = await doctor(["--profile", "chain", "--offline"], s.env);
  assert.equal(chain.checks.filter((c) => c.id === "sso.token").length, 1);
  assert.match(
    one(chain.checks, "session.role", "chain").message,
    /not in the role cache/,
  );
  // No token is printed, and nothing written.
  const tokenFile = await Deno.readTextFile(s.sessionToken);
  const secret = JSON.parse(tokenFile).accessToken as string;
  assert.ok(!stdout.includes(secret) && !chain.stdout.includes(secret));
});

Deno.test("doctor --all --offline: region, start URL, scopes, legacy, mixed profiles; each with its id, level and fix", async () => {
  const config = `[sso-session eu]
sso_start_url = https://ssoins-1111.portal.eu-west-1.app.aws/#/
sso_region = us-east-1

[sso-session slash]
sso_start_url = https://d-2222222222.awsapps.com/start/
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile eu]
sso_session = eu
sso_account_id = 111122223333
sso_role_name = Admin

[profile slash]
sso_session = slash
sso_account_id = 111122223333
sso_role_name = Admin
credential_process = /usr/bin/true

[profile legacy]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = ReadOnly

[profile broken]
sso_session = nope
sso_account_id = 111122223333
sso_role_name = Admin
`;
  await using s = await ssoSetUp({ config });
  await Deno.mkdir(`${s.home.dir}/.aws/sso/cache`, { recursive: true });
  // The legacy token: 10 minutes left, and no refresh possible.
  await Deno.writeTextFile(s.legacyToken, token(Date.now() + 10 * MIN));
  const { code, checks } = await doctor(["--all", "--offline"], s.env);
  assert.equal(code, 1);
  const region = one(checks, "sso.region", "eu");
  assert.equal(region.level, "error");
  assert.match(
    region.message,
    /sso_region us-east-1, but its portal ssoins-1111\.portal\.eu-west-1\.app\.aws is in eu-west-1: .*invalid grant/,
  );
  assert.equal(
    region.fix,
    `Set sso_region = eu-west-1 in [sso-session eu] of ${s.home.config}`,
  );
  const hash = one(checks, "sso.start-url", "eu");
  assert.equal(hash.level, "warning");
  assert.match(
    hash.message,
    /written with "#\/": tools compare start URLs as they are written/,
  );
  assert.equal(
    hash.fix,
    `Set sso_start_url = https://ssoins-1111.portal.eu-west-1.app.aws in [sso-session eu] of ${s.home.config}`,
  );
  const scopes = one(checks, "sso.scopes", "eu");
  assert.equal(scopes.level, "warning");
  assert.match(
    scopes.message,
    /no sso_registration_scopes: a sign-in with a device code .* gets a token without a refresh token/,
  );
  assert.equal(
    scopes.fix,
    `Add sso_registration_scopes = sso:account:access to [sso-session eu] of ${s.home.config}, then aws-signin sso login --sso-session eu`,
  );
  assert.match(
    one(checks, "sso.start-url", "slash").message,
    /written with a trailing "\/"/,
  );
  const mixed = one(checks, "sso.mixed", "slash");
  assert.equal(mixed.level, "warning");
  assert.match(
    mixed.message,
    /botocore \(the AWS CLI, boto3, aws-signin\) uses IAM Identity Center, but the JavaScript SDK uses a credential_process first/,
  );
  assert.ok(
    !checks.some((c) =>
      c.id === "selection.credential-styles" && c.profile === "slash"
    ),
    "one finding for one problem",
  );
  const legacy = one(checks, "sso.legacy", "legacy");
  assert.equal(legacy.level, "warning");
  assert.match(
    legacy.fix!,
    /^Move sso_start_url and sso_region to an \[sso-session NAME\] section/,
  );
  const soon = one(checks, "sso.token", "legacy");
  assert.equal(soon.level, "warning");
  assert.match(
    soon.message,
    /token expires .* \(in 10 min\) and cannot be refreshed: a legacy profile's token/,
  );
  assert.equal(soon.fix, "aws-signin sso login --profile legacy");
  const absent = one(checks, "sso.token", "eu");
  assert.equal(absent.level, "error");
  assert.equal(absent.fix, "aws-signin sso login --sso-session eu");
  const broken = one(checks, "sso.config", "broken");
  assert.equal(broken.level, "error");
  assert.equal(
    broken.message,
    'The specified sso-session does not exist: "nope"',
  );
  assert.ok(
    !checks.some((c) => c.area === "sso" && c.level === "ok" && c.fix !== null),
  );
});

Deno.test("doctor: an expired token that cannot be refreshed is an error with the command; one that can is ok; unreadable is an error", async () => {
  await using s = await ssoSetUp();
  await Deno.mkdir(`${s.home.dir}/.aws/sso/cache`, { recursive: true });
  const registration = (ms: number) => ({
    clientId: "cid",
    clientSecret: "cSECRET",
    registrationExpiresAt: formatExpiresAt(ms),
    refreshToken: "rt-SECRET",
  });
  const cases: [string, string, string][] = [
    [
      token(Date.now() - 5 * MIN, registration(Date.now() + 86_400_000)),
      "ok",
      "expired",
    ],
    [
      token(Date.now() - 5 * MIN, registration(Date.now() - MIN)),
      "error",
      "its client registration expired",
    ],
    [
      "{not json",
      "error",
      "cannot be used: Error loading SSO Token: Token for",
    ],
  ];
  for (const [text, level, words] of cases) {
    await Deno.writeTextFile(s.sessionToken, text);
    const { checks, stdout } = await doctor(
      ["--profile", "dev", "--offline"],
      s.env,
    );
    const found = one(checks, "sso.token", "dev");
    assert.equal(found.level, level, found.message);
    assert.ok(found.message.includes(words), found.message);
    assert.equal(
      found.fix,
      level === "ok" ? null : "aws-signin sso login --sso-session my-sso",
    );
    assert.ok(!/SECRET/.test(stdout));
  }
  // Valid, but no refresh token (a device-code sign-in without scopes): a warning.
  await Deno.writeTextFile(
    s.sessionToken,
    token(Date.now() + 60 * MIN, { clientId: "c", clientSecret: "s" }),
  );
  const { checks } = await doctor(["--profile", "dev", "--offline"], s.env);
  assert.equal(one(checks, "sso.token", "dev").level, "ok");
  const refresh = one(checks, "sso.refresh", "dev");
  assert.equal(refresh.level, "warning");
  assert.match(
    refresh.message,
    /cannot be refreshed \(the token has no refresh token/,
  );
});

Deno.test("doctor reports foreign tokens for the start URL (an IDE's), never uses or prints them, and writes nothing", async () => {
  await using s = await ssoSetUp();
  await ssoLogin(s.env);
  const cache = `${s.home.dir}/.aws/sso/cache`;
  const ide = `${cache}/aws-toolkit-vscode-token.json`;
  await Deno.writeTextFile(
    ide,
    JSON.stringify({
      startUrl: `${START_URL}/`,
      region: "us-east-1",
      accessToken: "ide-SECRET",
      expiresAt: formatExpiresAt(Date.now() + 3600_000),
      scopes: ["codewhisperer:completions"],
    }),
  );
  const other = `${cache}/${
    sha1HexSync("https://other.awsapps.com/start")
  }.json`;
  await Deno.writeTextFile(
    other,
    token(Date.now() + 3600_000).replace(
      START_URL,
      "https://other.awsapps.com/start",
    ),
  );
  /** Every file of both caches: name, size, modification time. */
  const state = async () =>
    await Promise.all(
      [cache, `${s.home.dir}/.aws/cli/cache`].flatMap(async (dir) =>
        await Promise.all(
          (await listDir(dir)).map(async (n) => {
            const info = await Deno.lstat(`${dir}/${n}`);
            return `${n}:${info.size}:${info.mtime?.getTime()}`;
          }),
        )
      ),
    );
  const before = await state();
  const texts = await Promise.all([s.sessionToken, ide].map(readOrNull));
  const { checks, stdout } = await doctor(["--profile", "dev"], s.env);
  const foreign = one(checks, "sso.foreign-tokens", "dev");
  assert.equal(foreign.level, "ok");
  assert.match(
    foreign.message,
    /^1 other token file in .* has the start URL of sso-session 'my-sso' but is no sso-session's or legacy profile's here .*: aws-toolkit-vscode-token\.json\. aws-signin and the AWS CLI never use them/,
  );
  assert.ok(!stdout.includes("ide-SECRET"));
  assert.deepEqual(await state(), before, "doctor writes nothing");
  assert.deepEqual(
    await Promise.all([s.sessionToken, ide].map(readOrNull)),
    texts,
  );
  // The emulator saw no portal or OIDC call from doctor.
  const ops = s.server.emulator.requests.map((r) => r.operation);
  assert.equal(ops.filter((o) => o === "GetRoleCredentials").length, 0);
});
