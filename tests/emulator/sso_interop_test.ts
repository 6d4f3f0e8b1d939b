/**
 * Real AWS clients against the emulator's IAM Identity Center, unmodified:
 * the AWS CLI v2 from Debian (`aws sso login` through the device page with a
 * stand-in browser, `configure export-credentials`, `sts
 * get-caller-identity` on SSO and role-chained profiles, `sso logout`, a
 * denied and an expired device code), botocore from PyPI (its sso-oidc and
 * sso clients, paginators, SSO credential and token providers with a
 * refresh) and the AWS JS SDK's default chain (a session token it refreshes,
 * a legacy token). They prove the emulator speaks the real wire. Each is
 * skipped when its client is not installed.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  baseEnv,
  hasAwsCli,
  ROOT,
  runAwsCli,
  runProcess,
  runSdkScript,
  type TempHome,
  tempHome,
} from "../helpers.ts";
import {
  control,
  deviceLogin,
  operations,
  pointModelsAt,
  START_URL,
} from "./_sso.ts";
import { DEPLOY, SSO_CONFIG as CONFIG } from "../sso/_setup.ts";

/** sha1("my-sso"), sha1(START_URL): the token files' names (protocol-sso.md §3.1). */
const SESSION_TOKEN = "0ad374308c5a4e22f723adf10145eafad7c4031c.json";
const LEGACY_TOKEN = "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json";

const hasBotocoreSso: boolean = (() => {
  try {
    return new Deno.Command("python3", {
      args: [
        "-c",
        "import botocore.tokens as t; assert hasattr(t, 'SSOTokenProvider')",
      ],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
})();

async function ssoHome(): Promise<TempHome> {
  const home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
  await Deno.writeTextFile(home.config, CONFIG);
  return home;
}

async function list(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

Deno.test({
  name:
    "AWS CLI v2: sso login through the device page, export-credentials, get-caller-identity, role chains, sso logout",
  ignore: !hasAwsCli,
  fn: async () => {
    await using server = await startEmulator({ roles: [DEPLOY] });
    await using home = await ssoHome();
    await pointModelsAt(home, server.url);
    const browser = (mode: string) =>
      `${Deno.execPath()} run -A --quiet ${ROOT}/tests/emulator/_sso_browser.ts ${mode} %s`;
    const env = {
      ...home.env,
      DENO_DIR: baseEnv().DENO_DIR!,
      AWS_EC2_METADATA_DISABLED: "true",
      BROWSER: browser("approve"),
    };
    const aws = async (args: string[], extra: Record<string, string> = {}) => {
      const r = await runAwsCli(args, { ...env, ...extra });
      return r;
    };

    const login = await aws(["sso", "login", "--profile", "dev"]);
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, new RegExp(`\n${server.url}/device\n`));
    assert.match(login.stdout, /\n[A-Z]{4}-[A-Z]{4}\n/);
    assert.match(
      login.stdout,
      new RegExp(`Successfully logged into Start URL: ${START_URL}\n$`),
    );
    const cache = `${home.dir}/.aws/sso/cache`;
    const token = JSON.parse(
      await Deno.readTextFile(`${cache}/${SESSION_TOKEN}`),
    );
    assert.equal(token.startUrl, START_URL);
    assert.equal(typeof token.refreshToken, "string");
    assert.deepEqual(
      await operations(server.url, [
        "RegisterClient",
        "StartDeviceAuthorization",
        "DeviceVerification",
        "DeviceDecision",
      ]),
      [
        "RegisterClient",
        "StartDeviceAuthorization",
        "DeviceVerification",
        "DeviceDecision",
      ],
    );

    const exported = await aws([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(JSON.parse(exported.stdout).AccessKeyId, /^ASIA/);
    const who = await aws(["sts", "get-caller-identity", "--profile", "dev"]);
    assert.equal(who.code, 0, who.stderr);
    assert.match(
      JSON.parse(who.stdout).Arn,
      /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Admin_[0-9a-f]{16}\/demo$/,
    );

    // The legacy form: the device flow, no refresh token; a role chained on it.
    const legacy = await aws(["sso", "login", "--profile", "legacy"]);
    assert.equal(legacy.code, 0, legacy.stderr);
    const legacyToken = JSON.parse(
      await Deno.readTextFile(`${cache}/${LEGACY_TOKEN}`),
    );
    assert.equal(legacyToken.refreshToken, undefined);
    const chained = await aws([
      "sts",
      "get-caller-identity",
      "--profile",
      "chain-legacy",
    ]);
    assert.equal(chained.code, 0, chained.stderr);
    assert.match(
      JSON.parse(chained.stdout).Arn,
      /^arn:aws:sts::444455556666:assumed-role\/Deploy\//,
    );

    // sso logout: Logout for both tokens (the emulator answers 200 only to a valid bearer token), files gone.
    const providers = async () => {
      const dir = `${home.dir}/.aws/cli/cache`;
      const types: string[] = [];
      for (const name of await list(dir)) {
        const entry = JSON.parse(await Deno.readTextFile(`${dir}/${name}`));
        types.push(entry.ProviderType ?? "assume-role");
      }
      return types.sort();
    };
    assert.deepEqual(await providers(), ["assume-role", "sso"]);
    const out = await aws(["sso", "logout"]);
    assert.equal(out.code, 0, out.stderr);
    const log = await (await fetch(`${server.url}/_emulator/requests`)).json();
    assert.deepEqual(
      log.filter((e: { operation: string }) => e.operation === "Logout")
        .map((e: { status: number }) => e.status),
      [200, 200],
    );
    assert.ok(!(await list(cache)).includes(SESSION_TOKEN));
    assert.ok(!(await list(cache)).includes(LEGACY_TOKEN));
    assert.deepEqual(
      await providers(),
      ["assume-role"],
      "the SSO role file goes",
    );
    const after = await aws([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ]);
    assert.notEqual(after.code, 0);

    // Denied on the page: the CLI stops with the service's error.
    const denied = await aws(["sso", "login", "--profile", "dev"], {
      BROWSER: browser("deny"),
    });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /AccessDeniedException/);
    // Nobody approves: the emulator ends the CLI's polling with ExpiredTokenException.
    await control(server.url, "sso/settings", { deviceCodeTtl: 2 });
    const expired = await aws(["sso", "login", "--profile", "dev"], {
      BROWSER: "true %s",
    });
    assert.equal(expired.code, 255, expired.stderr);
    assert.match(expired.stderr, /pending authorization .*has expired/i);
  },
});

Deno.test({
  name:
    "botocore: its sso-oidc and sso clients, paginators, and the SSO credential and token providers with a refresh",
  ignore: !hasBotocoreSso,
  fn: async () => {
    await using server = await startEmulator({
      autoApprove: true,
      roles: [DEPLOY],
    });
    await using home = await ssoHome();
    const result = await runProcess("python3", [
      `${ROOT}/tests/emulator/_sso_botocore.py`,
    ], {
      ...baseEnv(),
      ...home.env,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_SSO_OIDC: server.url,
      AWS_ENDPOINT_URL_SSO: server.url,
      AWS_ENDPOINT_URL_STS: server.url,
    });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.deepEqual(out.pending, [
      "AuthorizationPendingException",
      "authorization_pending",
      "Authorization is still pending",
    ]);
    assert.deepEqual(out.badStartUrl, ["InvalidRequestException", "", 400]);
    assert.equal(out.expiresIn, 3600);
    assert.equal(out.hasRefreshToken, true);
    assert.equal(out.method, "sso");
    assert.match(
      out.arn,
      /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Admin_[0-9a-f]{16}\/demo$/,
    );
    assert.equal(out.refreshed, true, "botocore refreshed the token");
    assert.equal(out.rotated, true, "and wrote the new refresh token back");
    assert.match(
      out.chainArn,
      /^arn:aws:sts::444455556666:assumed-role\/Deploy\//,
    );
    assert.deepEqual(out.accounts, ["111122223333", "444455556666"]);
    assert.deepEqual(out.roles, ["Admin", "ReadOnly"]);
    assert.deepEqual(out.forbidden, ["ForbiddenException", "No access", 403]);
    assert.deepEqual(out.unauthorized, [
      "UnauthorizedException",
      "Session token not found or invalid",
      401,
    ]);
    assert.equal(out.afterLogout[0], "UnauthorizedException");
    const log = await (await fetch(`${server.url}/_emulator/requests`)).json();
    assert.equal(
      log.filter((e: { operation: string; grantType?: string }) =>
        e.operation === "CreateToken" && e.grantType === "refresh_token"
      ).length,
      1,
    );
    assert.equal(
      log.filter((e: { operation: string }) => e.operation === "ListAccounts")
        .length,
      2,
      "two pages of one",
    );
  },
});

Deno.test("AWS JS SDK default chain: a session token it refreshes and writes back, a legacy token, a foreign token refused", async () => {
  await using server = await startEmulator();
  await using home = await ssoHome();
  const base = server.url;
  const cache = `${home.dir}/.aws/sso/cache`;
  await Deno.mkdir(cache, { recursive: true });
  const seconds = (ms: number) =>
    new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const session = await deviceLogin(base);
  // Four minutes left: inside the JS SDK's five-minute window.
  await Deno.writeTextFile(
    `${cache}/${SESSION_TOKEN}`,
    JSON.stringify({
      startUrl: START_URL,
      region: "us-east-1",
      accessToken: session.tokens.accessToken,
      expiresAt: seconds(Date.now() + 240_000),
      clientId: session.client.clientId,
      clientSecret: session.client.clientSecret,
      registrationExpiresAt: seconds(Date.now() + 86_400_000),
      refreshToken: session.tokens.refreshToken,
    }),
  );
  const legacy = await deviceLogin(base, {
    clientName: "botocore-client-1",
    clientType: "public",
  });
  await Deno.writeTextFile(
    `${cache}/${LEGACY_TOKEN}`,
    JSON.stringify({
      startUrl: START_URL,
      region: "us-east-1",
      accessToken: legacy.tokens.accessToken,
      expiresAt: seconds(Date.now() + 3_600_000),
    }),
  );
  const env = {
    ...home.env,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_SSO_OIDC: base,
    AWS_ENDPOINT_URL_SSO: base,
  };
  const dev = await runSdkScript("_sdk_default_chain.ts", ["dev"], env);
  assert.match(dev.accessKeyId!, /^ASIA/);
  const written = JSON.parse(
    await Deno.readTextFile(`${cache}/${SESSION_TOKEN}`),
  );
  assert.notEqual(written.accessToken, session.tokens.accessToken);
  assert.notEqual(written.refreshToken, session.tokens.refreshToken);
  const old = await runSdkScript("_sdk_default_chain.ts", ["legacy"], env);
  assert.match(old.accessKeyId!, /^ASIA/);
  const log = await (await fetch(`${base}/_emulator/requests`)).json();
  assert.deepEqual(
    log.filter((e: { operation: string }) =>
      ["CreateToken", "GetRoleCredentials"].includes(e.operation) &&
      (e as { grantType?: string }).grantType?.startsWith("urn") !== true
    ).map((e: { operation: string; status: number; grantType?: string }) =>
      `${e.operation} ${e.grantType ?? ""} ${e.status}`.replace("  ", " ")
    ),
    [
      "CreateToken refresh_token 200",
      "GetRoleCredentials 200",
      "GetRoleCredentials 200",
    ],
  );

  // An IDE's token (other scopes) in the session's file: the portal refuses it.
  const ide = await deviceLogin(base, {
    clientName: "AWS IDE Extensions for VSCode",
    clientType: "public",
    scopes: ["codewhisperer:completions"],
  });
  await Deno.writeTextFile(
    `${cache}/${SESSION_TOKEN}`,
    JSON.stringify({
      startUrl: START_URL,
      region: "us-east-1",
      accessToken: ide.tokens.accessToken,
      expiresAt: seconds(Date.now() + 3_600_000),
    }),
  );
  const refused = await runSdkScript("_sdk_default_chain.ts", ["dev"], env)
    .catch((e: Error) => e);
  assert.ok(refused instanceof Error);
  assert.match(
    refused.message,
    /UnauthorizedException: Session token not found or invalid/,
  );
});
