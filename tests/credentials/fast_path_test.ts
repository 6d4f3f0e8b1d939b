/**
 * The `credential_process` hot path answers only where the full
 * `configure export-credentials` would print the same bytes, and leaves
 * everything else (refreshes, errors, flags it does not know, environment
 * credentials, files only the full parser reads) to the full command: a
 * table of homes and command lines, each run both ways. Then the same
 * through `main.ts` and the generated module it loads, as a process.
 */
import assert from "node:assert/strict";
import { fastExport } from "../../lib/commands/export_credentials_fast.ts";
import {
  roleCacheFile,
  roleCacheKey,
  ssoRoleCacheKey,
} from "../../lib/cache/role_cache.ts";
import {
  writeRoleCache,
  writeSsoRoleCache,
} from "../../lib/cache/role_cache_write.ts";
import { buildSharedConfig } from "../../lib/config/profiles.ts";
import { resolveProfile } from "../../lib/config/selection.ts";
import { roleChain } from "../../lib/credentials/role_config.ts";
import { formatExpiresAt } from "../../lib/util/time.ts";
import {
  baseEnv,
  cliCommand,
  runCliProcess,
  runInProcess,
  runProcess,
  sha256HexSync,
  type TempHome,
  tempHome,
} from "../helpers.ts";

const SESSION = "arn:aws:iam::111122223333:user/alice";
const OTHER_SESSION = "arn:aws:iam::111122223333:user/bob";
const HOUR = 3600_000;

const CONFIG = `[default]
login_session = ${SESSION}
region = us-east-1

[profile dev]
login_session = ${SESSION}
region = eu-west-1

[profile stale]
login_session = ${OTHER_SESSION}

[profile gone]
login_session = arn:aws:iam::111122223333:user/nobody

[profile tool]
credential_process = aws-signin configure export-credentials --profile dev

[profile tool-loop]
credential_process = aws-signin configure export-credentials --profile tool-loop

[profile tool-huge]
credential_process = aws-signin configure export-credentials --profile dev --auto-login-timeout 3000000

[profile other-tool]
credential_process = /bin/echo {}

[profile admin]
role_arn = arn:aws:iam::444455556666:role/Admin
source_profile = dev

[profile admin-stale]
role_arn = arn:aws:iam::444455556666:role/Stale
source_profile = dev

[profile static]
aws_access_key_id = AKIACONFIGFILE00001
aws_secret_access_key = secretconfig0000001

[profile sso]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin

[profile sso-stale]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile sso-broken]
sso_session = nowhere
sso_account_id = 111122223333
sso_role_name = Admin

[profile sso-legacy]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Admin

[sso-session corp]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
`;

function loginEntry(accessKeyId: string, expiresAtMs: number): string {
  return JSON.stringify({
    accessToken: {
      accessKeyId,
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE",
      accountId: "111122223333",
      expiresAt: formatExpiresAt(expiresAtMs),
    },
    tokenType: "aws_sigv4",
    clientId: "arn:aws:signin:::devtools/same-device",
    refreshToken: "r",
    dpopKey:
      "-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n",
  });
}

/** A home with the config above, a fresh and a stale login, a fresh and a stale role. */
async function home(config = CONFIG): Promise<TempHome> {
  const h = await tempHome();
  await Deno.mkdir(h.cache, { recursive: true });
  await Deno.mkdir(`${h.dir}/.aws/cli/cache`, { recursive: true });
  await Deno.writeTextFile(h.config, config);
  const now = Date.now();
  await Deno.writeTextFile(
    `${h.cache}/${sha256HexSync(SESSION)}.json`,
    loginEntry("ASIAFRESH0000000001", now + HOUR),
  );
  await Deno.writeTextFile(
    `${h.cache}/${sha256HexSync(OTHER_SESSION)}.json`,
    loginEntry("ASIASTALE0000000001", now + 60_000),
  );
  const shared = buildSharedConfig(h.config, CONFIG, h.credentials, null);
  for (
    const [profile, expires] of [["admin", HOUR], [
      "admin-stale",
      60_000,
    ]] as const
  ) {
    const args = roleChain(
      resolveProfile(shared, { name: profile, source: "flag" }),
      now,
    )[0]!.args;
    await writeRoleCache(
      roleCacheFile(`${h.dir}/.aws/cli/cache`, await roleCacheKey(args)),
      {
        accessKeyId: `ASIAROLE${profile.length}`,
        secretAccessKey: "roleSecret",
        sessionToken: "roleToken",
        expiresAtMs: now + expires,
        accountId: "444455556666",
        assumedRoleId: "AROAEXAMPLE:s",
        arn: `arn:aws:sts::444455556666:assumed-role/${profile}/s`,
        requestId: "00000000-0000-0000-0000-000000000000",
      },
    );
  }
  // IAM Identity Center role credentials as the AWS CLI caches them: fresh, due, and a legacy profile's.
  for (
    const [role, account, session, expires] of [
      ["Admin", "111122223333", "corp", HOUR],
      ["ReadOnly", "111122223333", "corp", 10 * 60_000],
      ["Admin", "444455556666", undefined, HOUR],
    ] as const
  ) {
    await writeSsoRoleCache(
      roleCacheFile(
        `${h.dir}/.aws/cli/cache`,
        await ssoRoleCacheKey({
          accountId: account,
          roleName: role,
          startUrl: "https://d-1234567890.awsapps.com/start",
          ...(session ? { sessionName: session } : {}),
        }),
      ),
      {
        accessKeyId: `ASIASSO${role}${account.slice(0, 3)}`,
        secretAccessKey: "ssoSecret",
        sessionToken: "ssoToken",
        expirationMs: now + expires,
        accountId: account,
      },
    );
  }
  return h;
}

const ARGS = (profile?: string, ...rest: string[]) => [
  ...(profile === undefined ? [] : ["--profile", profile]),
  ...rest,
];

Deno.test("where the hot path answers, it prints exactly what the full command prints", async () => {
  await using h = await home();
  // [what, arguments after `configure export-credentials`, extra environment]
  const answered: [string, string[], Record<string, string>][] = [
    ["a fresh login, by --profile", ARGS("dev"), {}],
    ["the default profile", ARGS(), {}],
    ["AWS_PROFILE", ARGS(), { AWS_PROFILE: "dev" }],
    ["--format=process", ARGS("dev", "--format=process"), {}],
    ["every shell format", ARGS("dev", "--format", "env"), {}],
    ["fish", ARGS("dev", "--format", "fish"), {}],
    ["powershell", ARGS("dev", "--format", "powershell"), {}],
    ["aws-signin's own export as credential_process", ARGS("tool"), {}],
    ["a fresh role cache entry", ARGS("admin"), {}],
    ["fresh IAM Identity Center role credentials", ARGS("sso"), {}],
    ["a legacy IAM Identity Center profile's", ARGS("sso-legacy"), {}],
    [
      "IAM Identity Center in a shell format",
      ARGS("sso", "--format", "env"),
      {},
    ],
    [
      "--auto-login, while the session is fresh",
      ARGS("dev", "--auto-login"),
      {},
    ],
    [
      "--auto-login with its timeout",
      ARGS("dev", "--auto-login", "--auto-login-timeout", "60"),
      {},
    ],
    ["--profile beats environment credentials", ARGS("dev"), {
      AWS_ACCESS_KEY_ID: "AKIAENV",
      AWS_SECRET_ACCESS_KEY: "envsecret",
    }],
  ];
  for (const [what, args, extra] of answered) {
    const env = { ...h.env, ...extra };
    const fast = fastExport(args, env, Date.now());
    const full = await runInProcess(
      ["configure", "export-credentials", ...args],
      { env },
    );
    assert.equal(full.code, 0, `${what}: ${full.stderr}`);
    assert.ok(fast !== undefined, `${what}: the hot path did not answer`);
    assert.equal(fast, full.stdout, what);
  }
});

Deno.test("the hot path leaves refreshes, errors and anything unusual to the full command", async () => {
  await using h = await home();
  await using odd = await home(`[DEFAULT]\nregion = us-east-1\n${CONFIG}`);
  const left: [string, string[], Record<string, string>, TempHome?][] = [
    ["a login due for a refresh", ARGS("stale"), {}],
    ["a logged-out session", ARGS("gone"), {}],
    ["a role due for a refresh", ARGS("admin-stale"), {}],
    ["a profile that does not exist", ARGS("nope"), {}],
    ["a profile name that is not one", ARGS("dev]\n[x"), {}],
    ["static keys", ARGS("static"), {}],
    ["SSO role credentials due (10 minutes left)", ARGS("sso-stale"), {}],
    ["an SSO profile whose session does not exist", ARGS("sso-broken"), {}],
    ["another credential_process", ARGS("other-tool"), {}],
    ["a credential_process loop", ARGS("tool-loop"), {}],
    ["environment credentials", ARGS(), {
      AWS_ACCESS_KEY_ID: "AKIAENV",
      AWS_SECRET_ACCESS_KEY: "envsecret",
    }],
    ["a nested run", ARGS("dev"), { _AWS_CLI_PROFILE_CHAIN: "tool" }],
    ["--debug", ARGS("dev", "--debug"), {}],
    ["--help", ["--help"], {}],
    ["an unknown format", ARGS("dev", "--format", "xml"), {}],
    ["an unknown flag", ARGS("dev", "--region", "us-east-1"), {}],
    ["a flag without its value", ["--profile"], {}],
    [
      "a bad --auto-login-timeout",
      ARGS("dev", "--auto-login-timeout", "0"),
      {},
    ],
    [
      "an --auto-login-timeout longer than a timer can wait",
      ARGS("dev", "--auto-login-timeout", "3000000"),
      {},
    ],
    [
      "aws-signin's own export with an --auto-login-timeout longer than a timer can wait",
      ARGS("tool-huge"),
      {},
    ],
    ["a [DEFAULT] section", ARGS("dev"), {}, odd],
  ];
  for (const [what, args, extra, where = h] of left) {
    assert.equal(
      fastExport(args, { ...where.env, ...extra }, Date.now()),
      undefined,
      what,
    );
  }
  // Static keys in the credentials file come before the login session.
  await Deno.writeTextFile(
    h.credentials,
    "[dev]\naws_access_key_id = AKIACREDSFILE000001\naws_secret_access_key = s\n",
  );
  assert.equal(fastExport(ARGS("dev"), h.env, Date.now()), undefined);
  const full = await runInProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    { env: h.env },
  );
  assert.match(full.stdout, /AKIACREDSFILE000001/);
  await Deno.remove(h.credentials);
  // A cache entry behind a link is the full command's to refuse (the hot
  // path tells a link without lstat: canonical paths; roles: one lstat).
  const entry = `${h.cache}/${sha256HexSync(SESSION)}.json`;
  await Deno.rename(entry, `${h.dir}/elsewhere.json`);
  await Deno.symlink(`${h.dir}/elsewhere.json`, entry);
  assert.equal(fastExport(ARGS("dev"), h.env, Date.now()), undefined);
  for (const profile of ["admin", "sso"]) {
    assert.ok(fastExport(ARGS(profile), h.env, Date.now()), profile);
    const roles = `${h.dir}/.aws/cli/cache`;
    const [file] = [...Deno.readDirSync(roles)].map((e) => `${roles}/${e.name}`)
      .filter((f) => {
        const text = Deno.readTextFileSync(f);
        return text.includes(
          profile === "sso" ? "ASIASSOAdmin111" : "ASIAROLE5",
        );
      });
    await Deno.rename(file!, `${h.dir}/elsewhere-${profile}.json`);
    await Deno.symlink(`${h.dir}/elsewhere-${profile}.json`, file!);
    assert.equal(fastExport(ARGS(profile), h.env, Date.now()), undefined);
    const full = await runInProcess(
      ["configure", "export-credentials", "--profile", profile],
      { env: h.env },
    );
    assert.match(full.stderr, /symbolic link/, profile);
  }
});

Deno.test("the hot path expands AWS_LOGIN_CACHE_DIRECTORY as the full command does", async () => {
  await using h = await home();
  for (
    const dir of [
      h.cache,
      `$HOME/.aws/login/cache`,
      "${HOME}/.aws/login/cache",
      `${h.dir}/.aws/login/cache/`,
    ]
  ) {
    const env = { ...h.env, AWS_LOGIN_CACHE_DIRECTORY: dir };
    const full = await runInProcess(
      ["configure", "export-credentials", "--profile", "dev"],
      { env },
    );
    assert.equal(full.code, 0, full.stderr);
    assert.equal(fastExport(ARGS("dev"), env, Date.now()), full.stdout, dir);
  }
});

Deno.test("main.ts answers through the generated hot path as the full command does, and falls back to it", async () => {
  await using h = await home();
  const viaMain = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    h.env,
  );
  const full = await runInProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    { env: h.env },
  );
  assert.equal(viaMain.code, 0, viaMain.stderr);
  assert.equal(viaMain.stdout, full.stdout);
  // Not the hot path's to answer: the full command's error and exit code.
  const missing = await runCliProcess(
    ["configure", "export-credentials", "--profile", "gone"],
    h.env,
  );
  const missingFull = await runInProcess(
    ["configure", "export-credentials", "--profile", "gone"],
    { env: h.env },
  );
  assert.deepEqual(
    [missing.code, missing.stdout, missing.stderr],
    [missingFull.code, missingFull.stdout, missingFull.stderr],
  );
  assert.equal(missing.code, 253);
});

Deno.test("a reader that went away before the answer: exit 0 and nothing on stderr, as the full command", async (t) => {
  // A pipe whose reading end is closed before the program starts (Python
  // makes one portably; the write then fails with EPIPE every time).
  const python = await new Deno.Command("python3", { args: ["-c", ""] })
    .output().then((o) => o.success, () => false);
  if (!python) {
    await t.step({ name: "skipped: no python3 here", ignore: true, fn() {} });
    return;
  }
  await using h = await home();
  const script = "import json,os,subprocess,sys\n" +
    "r,w=os.pipe();os.close(r)\n" +
    "p=subprocess.run(json.loads(sys.argv[1]),stdout=w,stderr=subprocess.PIPE)\n" +
    "print(json.dumps([p.returncode,p.stderr.decode()]))\n";
  for (const extra of [[], ["--debug"]]) {
    const { cmd, args } = cliCommand([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
      ...extra,
    ]);
    const result = await runProcess(
      "python3",
      ["-c", script, JSON.stringify([cmd, ...args])],
      { ...baseEnv(), ...h.env },
    );
    assert.equal(result.code, 0, result.stderr);
    const [code, stderr] = JSON.parse(result.stdout);
    assert.equal(code, 0, `${extra.join(" ") || "hot path"}: ${stderr}`);
    if (extra.length === 0) assert.equal(stderr, "");
  }
});
