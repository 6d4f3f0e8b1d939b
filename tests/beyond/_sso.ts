/**
 * What the tests of commands on IAM Identity Center profiles share: the
 * emulator (auto-approving, with a role to assume on top of an SSO profile),
 * a temp home whose config has an `[sso-session]`, a session profile, a
 * legacy profile and role profiles on both, the environment pointing every
 * endpoint at the emulator, and `sso login` run as a process.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  type EmulatorServer,
  startEmulator,
} from "../../lib/emulator/server.ts";
import {
  runCliProcess,
  type RunResult,
  standInBrowser,
  type TempHome,
  tempHome,
} from "../helpers.ts";

import { DEPLOY, START_URL } from "../sso/_setup.ts";
export { DEPLOY, START_URL };

/** The config of the SSO tests: a session, a session profile, a legacy profile, roles on each. */
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
`;

/** Lowercase hex SHA-1, computed apart from the code under test: where a token file is expected. */
export function sha1HexSync(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** The emulator, a temp home with {@linkcode SSO_CONFIG} (or `config`), and the environment that reaches both. */
export interface SsoSetup {
  readonly server: EmulatorServer;
  readonly home: TempHome;
  readonly env: Record<string, string>;
  /** `~/.aws/sso/cache/{sha1("my-sso")}.json`. */
  readonly sessionToken: string;
  /** `~/.aws/sso/cache/{sha1(START_URL)}.json`. */
  readonly legacyToken: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Sets up the emulator and a home (`config` replaces {@linkcode SSO_CONFIG}). */
export async function ssoSetUp(
  options: {
    readonly config?: string;
    readonly emulator?: Parameters<typeof startEmulator>[0];
  } = {},
): Promise<SsoSetup> {
  const server = await startEmulator({
    autoApprove: true,
    roles: [DEPLOY],
    ...options.emulator,
  });
  const home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
  await Deno.writeTextFile(home.config, options.config ?? SSO_CONFIG);
  const cache = `${home.dir}/.aws/sso/cache`;
  return {
    server,
    home,
    env: {
      ...home.env,
      AWS_ENDPOINT_URL_SSO_OIDC: server.url,
      AWS_ENDPOINT_URL_SSO: server.url,
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      AWS_EC2_METADATA_DISABLED: "true",
      BROWSER: standInBrowser("approve"),
    },
    sessionToken: `${cache}/${sha1HexSync("my-sso")}.json`,
    legacyToken: `${cache}/${sha1HexSync(START_URL)}.json`,
    async [Symbol.asyncDispose]() {
      await server.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

/**
 * `aws-signin sso login` as a process: a session through the authorization
 * code flow (the stand-in browser follows the one-time link to the
 * callback), a legacy profile through the device page (a browser that opens
 * the one-time link and follows it to the page, which the auto-approving
 * emulator approves).
 */
export async function ssoLogin(
  env: Record<string, string>,
  args: readonly string[] = ["--profile", "dev"],
): Promise<RunResult> {
  const device = args.includes("legacy") || args.includes("--use-device-code");
  const result = await runCliProcess(["sso", "login", ...args], {
    ...env,
    ...(device
      ? {
        BROWSER:
          `${Deno.execPath()} eval 'await (await fetch(Deno.args[0])).text()' %s`,
      }
      : {}),
  });
  assert.equal(result.code, 0, result.stderr);
  return result;
}

/** The emulator's calls of these operations, as `operation/status`. */
export function ssoCalls(
  server: EmulatorServer,
  operations: readonly string[] = [
    "CreateToken",
    "GetRoleCredentials",
    "GetCallerIdentity",
    "AssumeRole",
    "GetSigninToken",
  ],
): string[] {
  return server.emulator.requests
    .filter((r) => operations.includes(r.operation))
    .map((r) => `${r.operation}/${r.status}`);
}
