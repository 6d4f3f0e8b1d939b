/**
 * What the black-box IAM Identity Center tests share: a temp home with an
 * `[sso-session]`, a session profile, a legacy profile and role profiles on
 * them; the environment that points aws-signin (and botocore, the JS SDK)
 * at the emulator; the cache files' names computed apart from the code under
 * test (node:crypto); token files written as the AWS CLI writes them; the
 * emulator's calls; and the AWS CLI 2.9 pointed at the emulator through
 * endpoint models in the temp home (it has no AWS_ENDPOINT_URL_*).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { EmulatorServer } from "../../lib/emulator/server.ts";
import {
  baseEnv,
  ROOT,
  runCliProcess,
  type RunResult,
  standInBrowser,
  type TempHome,
  tempHome,
} from "../helpers.ts";
import { deviceLogin } from "../emulator/_sso.ts";

export { pointModelsAt, START_URL } from "../emulator/_sso.ts";
import { START_URL } from "../emulator/_sso.ts";

/** A role the emulator lets SSO credentials assume (for role chains). */
export const DEPLOY = "arn:aws:iam::444455556666:role/Deploy";

/** Lowercase hex SHA-1, computed apart from the code under test. */
export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** `sha1("my-sso").json`: the session's token file (protocol-sso.md §3.1). */
export const SESSION_TOKEN = `${sha1("my-sso")}.json`;
/** `sha1(START_URL).json`: the legacy profile's token file. */
export const LEGACY_TOKEN = `${sha1(START_URL)}.json`;

/** Python's `json.dumps` (separators ", " and ": ", ASCII input), as botocore writes cache files. */
export function pyDumps(value: unknown, sortKeys = false): string {
  if (value === null) return "null";
  if (Array.isArray(value)) {
    return `[${value.map((v) => pyDumps(v, sortKeys)).join(", ")}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${
      entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyDumps(v, sortKeys)}`)
        .join(", ")
    }}`;
  }
  return JSON.stringify(value);
}

/** The registration file of a session or legacy start URL (botocore's key, §2.3). */
export function registrationFile(
  init: {
    scopes: string[] | null;
    session: string | null;
    startUrl?: string;
    region?: string;
  },
): string {
  return `${
    sha1(pyDumps({
      region: init.region ?? "us-east-1",
      scopes: init.scopes,
      session_name: init.session,
      startUrl: init.startUrl ?? START_URL,
      tool: "botocore",
    }))
  }.json`;
}

/** The SSO role file of a profile (botocore's compact key, §3.4). */
export function ssoRoleFile(
  args: Record<string, string>,
): string {
  const sorted = Object.fromEntries(
    Object.entries(args).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return `${sha1(JSON.stringify(sorted))}.json`;
}

/** The role file of `dev` (session my-sso, 111122223333, Admin). */
export const DEV_ROLE = ssoRoleFile({
  accountId: "111122223333",
  roleName: "Admin",
  sessionName: "my-sso",
});
/** The role file of `legacy` (444455556666, ReadOnly, the start URL). */
export const LEGACY_ROLE = ssoRoleFile({
  accountId: "444455556666",
  roleName: "ReadOnly",
  startUrl: START_URL,
});

/** The config every test starts from. */
export const SSO_CONFIG = `[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Admin
region = us-east-1

[profile legacy]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = ReadOnly
region = us-east-1

[profile chain]
role_arn = ${DEPLOY}
source_profile = dev
region = us-east-1

[profile chain-legacy]
role_arn = ${DEPLOY}
source_profile = legacy
region = us-east-1
`;

/** A temp home with `config` (default {@linkcode SSO_CONFIG}) and its folders' paths. */
export interface SsoHome extends TempHome {
  /** `~/.aws/sso/cache` */
  readonly sso: string;
  /** `~/.aws/cli/cache` */
  readonly roles: string;
}

/** A temp home with the SSO config. */
export async function ssoHome(config = SSO_CONFIG): Promise<SsoHome> {
  const home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
  await Deno.writeTextFile(home.config, config);
  return Object.assign(home, {
    sso: `${home.dir}/.aws/sso/cache`,
    roles: `${home.dir}/.aws/cli/cache`,
  });
}

/** aws-signin's (and botocore's, the JS SDK's) environment against the emulator, with an approving stand-in browser. */
export function ssoEnv(
  server: { readonly url: string },
  home: TempHome,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...home.env,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_SSO_OIDC: server.url,
    AWS_ENDPOINT_URL_SSO: server.url,
    AWS_ENDPOINT_URL_STS: server.url,
    BROWSER: standInBrowser("approve"),
    ...extra,
  };
}

/** Runs aws-signin (bounded: 60 s). */
export function signin(
  argv: readonly string[],
  env: Record<string, string>,
): Promise<RunResult> {
  return runCliProcess(argv, env, { timeoutMs: 60_000 });
}

/** `sso login` that must succeed. */
export async function ssoLogin(
  server: { readonly url: string },
  home: TempHome,
  args: readonly string[] = ["--profile", "dev"],
  extra: Record<string, string> = {},
): Promise<RunResult> {
  const r = await signin(
    ["sso", "login", ...args],
    ssoEnv(server, home, extra),
  );
  assert.equal(r.code, 0, r.stderr);
  return r;
}

/** The emulator's calls of these operations, as `Op` or `Op(grant)` then `/status`. */
export function calls(
  server: EmulatorServer,
  only: readonly string[] = [
    "RegisterClient",
    "StartDeviceAuthorization",
    "CreateToken",
    "SsoAuthorize",
    "GetRoleCredentials",
    "Logout",
    "AssumeRole",
  ],
): string[] {
  return server.emulator.requests.filter((r) => only.includes(r.operation))
    .map((r) =>
      `${r.operation}${
        r.grantType ? `(${r.grantType.replace(/^urn:.*:/, "")})` : ""
      }/${r.status}`
    );
}

/** The CreateToken (refresh and authorization code: not the setup's device logins), GetRoleCredentials and AssumeRole calls. */
export function tokenCalls(server: EmulatorServer): string[] {
  return calls(server, ["CreateToken", "GetRoleCredentials", "AssumeRole"])
    .filter((c) => !c.startsWith("CreateToken(device_code)"));
}

/** `%Y-%m-%dT%H:%M:%SZ` of a time. */
export function seconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A token file's fields as `aws sso login` writes them. */
export interface TokenFields {
  startUrl?: string;
  region?: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
  [key: string]: string | undefined;
}

/** Writes a token file in the AWS CLI's bytes (keys in the given order). */
export async function writeToken(
  home: SsoHome,
  name: string,
  fields: TokenFields,
): Promise<string> {
  await Deno.mkdir(home.sso, { recursive: true, mode: 0o700 });
  const text = pyDumps(
    Object.fromEntries(
      Object.entries(fields).filter(([, v]) => v !== undefined),
    ),
  );
  await Deno.writeTextFile(`${home.sso}/${name}`, text, { mode: 0o600 });
  return text;
}

/**
 * A real session token from the emulator (a device login through its control
 * API, registered with scopes), written as the session's token file with
 * `secondsLeft` to go; returns what was written and the emulator's answer.
 */
export async function sessionToken(
  server: { readonly url: string },
  home: SsoHome,
  secondsLeft: number,
  overrides: Partial<TokenFields> = {},
): Promise<{ text: string; accessToken: string; refreshToken: string }> {
  const { tokens, client } = await deviceLogin(server.url);
  const text = await writeToken(home, SESSION_TOKEN, {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: tokens.accessToken,
    expiresAt: seconds(Date.now() + secondsLeft * 1000),
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    registrationExpiresAt: seconds(Date.now() + 86_400_000),
    refreshToken: tokens.refreshToken!,
    ...overrides,
  });
  return {
    text,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken!,
  };
}

/** A real legacy token (a client registered without scopes: no refresh token), written as the legacy token file. */
export async function legacyToken(
  server: { readonly url: string },
  home: SsoHome,
  secondsLeft: number,
): Promise<string> {
  const { tokens } = await deviceLogin(server.url, {
    clientName: "botocore-client-1",
    clientType: "public",
  });
  await writeToken(home, LEGACY_TOKEN, {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: tokens.accessToken,
    expiresAt: seconds(Date.now() + secondsLeft * 1000),
  });
  return tokens.accessToken;
}

/** The mode bits of a path. */
export async function mode(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o777;
}

/** Whether `/usr/bin/aws` (the AWS CLI 2.9.19) is installed. */
export { hasAwsCli } from "../helpers.ts";

/** Whether python3 has botocore with its SSO token provider (1.43). */
export const hasBotocoreSso: boolean = (() => {
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

/** The AWS CLI 2.9's environment against the emulator: its stand-in browser approves on the SSO pages. */
export function awsEnv(
  home: TempHome,
  mode: "approve" | "deny" = "approve",
): Record<string, string> {
  return {
    ...home.env,
    DENO_DIR: baseEnv().DENO_DIR!,
    AWS_EC2_METADATA_DISABLED: "true",
    BROWSER:
      `${Deno.execPath()} run -A --quiet ${ROOT}/tests/emulator/_sso_browser.ts ${mode} %s`,
  };
}
