/**
 * What the `configure sso` tests share: an emulator with several accounts
 * and roles (listed one per page, so every listing paginates), a temporary
 * home pointed at it with a stand-in browser that approves, and runs of the
 * command with typed answers on a terminal or with flags and no terminal.
 */
import { startEmulator } from "../../lib/emulator/server.ts";
import type { SsoAccount } from "../../lib/emulator/sso_state.ts";
import {
  runInProcess,
  type RunResult,
  standInBrowser,
  type TempHome,
  tempHome,
} from "../helpers.ts";

/** The start URL the emulator knows. */
export const START_URL = "https://d-1234567890.awsapps.com/start";

/**
 * Accounts in an order the AWS CLI's sort changes: by lowercased name, then
 * e-mail, and accounts with only an id last. Development's roles sort as
 * admin, Billing, ReadOnly.
 */
export const ACCOUNTS: readonly SsoAccount[] = [
  {
    accountId: "444455556666",
    accountName: "production",
    emailAddress: "prod@example.com",
    roles: ["Admin"],
  },
  { accountId: "777788889999", roles: ["Admin"] },
  {
    accountId: "222233334444",
    emailAddress: "Ops@example.com",
    roles: ["Admin"],
  },
  {
    accountId: "111122223333",
    accountName: "Development",
    emailAddress: "dev@example.com",
    roles: ["ReadOnly", "admin", "Billing"],
  },
];

/** One account with one role. */
export const ONE_ACCOUNT: readonly SsoAccount[] = [{
  accountId: "111122223333",
  accountName: "Development",
  emailAddress: "dev@example.com",
  roles: ["Admin"],
}];

/** An auto-approving emulator with these assignments, one item per page. */
export function ssoEmulator(
  accounts: readonly SsoAccount[] = ACCOUNTS,
  pageSize = 1,
): ReturnType<typeof startEmulator> {
  return startEmulator({ autoApprove: true, sso: { accounts, pageSize } });
}

/** A temporary home whose IAM Identity Center endpoints are the emulator, with an approving browser. */
export async function ssoHome(
  url: string,
  config?: string,
): Promise<TempHome> {
  const home = await tempHome();
  if (config !== undefined) {
    await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
    await Deno.writeTextFile(home.config, config);
  }
  Object.assign(home.env, {
    AWS_ENDPOINT_URL_SSO_OIDC: url,
    AWS_ENDPOINT_URL_SSO: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_EC2_METADATA_DISABLED: "true",
    BROWSER: standInBrowser("approve"),
  });
  return home;
}

/** Runs `aws-signin ARGV` in this process on a "terminal" that answers each prompt with the next line. */
export function onTerminal(
  argv: readonly string[],
  env: Record<string, string>,
  answers: readonly string[],
): Promise<RunResult> {
  return runInProcess(argv, {
    env,
    input: answers.map((a) => `${a}\n`).join(""),
    terminal: true,
  });
}

/** Runs `aws-signin ARGV` in this process without a terminal (stdin empty). */
export function withoutTerminal(
  argv: readonly string[],
  env: Record<string, string>,
): Promise<RunResult> {
  return runInProcess(argv, { env, terminal: false });
}

/** The sign-in's one-time link (a random port and nonce) as `LINK`. */
export function withoutLinks(text: string): string {
  return text.replace(/http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]+/g, "LINK");
}

/** What the sign-in prints for a session (authorization code flow), with the link as `LINK`. */
export const AUTH_TEXT =
  "Attempting to open your default browser. If the browser does not open, open the following URL.\n" +
  "If you are unable to open the URL on this device, run this command again with the '--use-device-code' " +
  "option.\n\nLINK\n\n";

/** The config `configure sso` writes for `my-sso` and Development's ReadOnly role. */
export const SESSION_CONFIG = "[profile ReadOnly-111122223333]\n" +
  "sso_session = my-sso\n" +
  "sso_account_id = 111122223333\n" +
  "sso_role_name = ReadOnly\n" +
  "region = us-west-2\n" +
  "output = json\n" +
  "[sso-session my-sso]\n" +
  `sso_start_url = ${START_URL}\n` +
  "sso_region = us-east-1\n" +
  "sso_registration_scopes = sso:account:access\n";

export { pointModelsAt } from "../emulator/_sso.ts";
