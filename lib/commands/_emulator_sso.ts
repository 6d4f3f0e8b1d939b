/**
 * The IAM Identity Center part of `aws-signin emulator`: its `--sso-*`
 * options, their checks (usage errors that say what is expected), and what
 * it tells a person at a terminal: the endpoint variables for every service
 * it serves and a ready-to-paste `[sso-session]` and profile.
 *
 * @example
 * ```ts
 * import type { ParsedArgs } from "../cli/flags.ts";
 * declare const args: ParsedArgs;
 * const sso = ssoOptions(args); // { startUrls, user, accounts, pageSize, ... } as given
 * ```
 * @module
 */

import type { FlagSpec, ParsedArgs } from "../cli/flags.ts";
import { UsageError } from "../errors.ts";
import {
  DEFAULT_SSO_ACCOUNTS,
  DEFAULT_START_URL,
  type SsoAccount,
  type SsoOptions,
  type SsoSettings,
} from "../emulator/sso_state.ts";

/** Whole-second options: flag → setting, with their limits. */
const NUMERIC: readonly [string, keyof SsoSettings, number, string][] = [
  [
    "sso-session-ttl",
    "sessionTtl",
    7_776_000,
    "How long an IAM Identity Center session (one sign-in) lasts; refreshes then get InvalidGrantException. Default 28800 (8 hours), at most 90 days.",
  ],
  [
    "sso-access-ttl",
    "accessTokenTtl",
    7_776_000,
    "expiresIn of access tokens for clients registered with scopes (they also get a refresh token). Default 3600.",
  ],
  [
    "sso-legacy-ttl",
    "legacyTokenTtl",
    7_776_000,
    "expiresIn of access tokens for clients registered without scopes (the legacy form; no refresh token). Default 28800.",
  ],
  [
    "sso-registration-ttl",
    "registrationTtl",
    31_536_000,
    "Lifetime of client registrations (clientSecretExpiresAt). Default 7776000 (90 days).",
  ],
  [
    "sso-role-ttl",
    "roleTtl",
    43_200,
    "Lifetime of role credentials from GetRoleCredentials. Default 3600.",
  ],
  [
    "sso-device-ttl",
    "deviceCodeTtl",
    86_400,
    "expiresIn of device codes; polling after it gets ExpiredTokenException. Default 600.",
  ],
  [
    "sso-device-interval",
    "deviceInterval",
    60,
    "interval of device codes; polling faster gets SlowDownException. Default 1.",
  ],
  [
    "sso-page-size",
    "pageSize",
    100,
    "Most items per ListAccounts and ListAccountRoles page (1 tests pagination). Default 20.",
  ],
];

/** The `--sso-*` flags. */
export const SSO_FLAGS: Readonly<Record<string, FlagSpec>> = {
  "sso-start-url": {
    type: "string",
    placeholder: "URL",
    multiple: true,
    help:
      `A start URL of the IAM Identity Center instance (repeat for several; compared without a trailing "/" or "#/"). Default ${DEFAULT_START_URL}.`,
  },
  "sso-region": {
    type: "string",
    placeholder: "REGION",
    help:
      "The instance's region, shown on its pages and in the printed config. Default us-east-1.",
  },
  "sso-user": {
    type: "string",
    placeholder: "NAME",
    help:
      "The user who signs in: the session name in the role ARN (assumed-role/AWSReservedSSO_ROLE_…/NAME). Default demo.",
  },
  "sso-account": {
    type: "string",
    placeholder: "ID[:NAME[:EMAIL]]",
    multiple: true,
    help:
      "An AWS account assigned to the user (repeat for several). With --sso-account or --sso-role, only the accounts " +
      "and roles given exist; by default 111122223333 (Development) and 444455556666 (Production), each with the " +
      "roles Admin and ReadOnly.",
  },
  "sso-role": {
    type: "string",
    placeholder: "ACCOUNT_ID:ROLE_NAME",
    multiple: true,
    help:
      "A role (permission set) the user may use in an account (repeat for several; adds the account if needed).",
  },
  ...Object.fromEntries(
    NUMERIC.map(([flag, , , help]) => [
      flag,
      {
        type: "string",
        placeholder: flag === "sso-page-size" ? "N" : "SECONDS",
        help,
      } satisfies FlagSpec,
    ]),
  ),
  "sso-rotation": {
    type: "string",
    placeholder: "MODE",
    choices: ["strict", "none"],
    help:
      "Refresh tokens: strict (the default: every refresh returns a new one and the old one stops working) or none " +
      "(no new one is returned; the old one keeps working).",
  },
};

function accounts(args: ParsedArgs): SsoAccount[] | undefined {
  const given = args.list("sso-account");
  const roles = args.list("sso-role");
  if (given.length === 0 && roles.length === 0) return undefined;
  const byId = new Map<string, { account: SsoAccount; roles: string[] }>();
  for (const raw of given) {
    const [id = "", name, email, ...rest] = raw.split(":");
    if (
      !/^\d{12}$/.test(id) || rest.length > 0 || name === "" || email === ""
    ) {
      throw new UsageError(
        `Invalid value "${raw}" for "--sso-account": expected ACCOUNT_ID[:NAME[:EMAIL]] with a 12-digit id, ` +
          "such as 111122223333:Development:dev@example.com.",
      );
    }
    byId.set(id, {
      account: {
        accountId: id,
        ...(name === undefined ? {} : { accountName: name }),
        ...(email === undefined ? {} : { emailAddress: email }),
        roles: [],
      },
      roles: [],
    });
  }
  for (const raw of roles) {
    const m = /^(\d{12}):([\w+=,.@-]{1,64})$/.exec(raw);
    if (!m) {
      throw new UsageError(
        `Invalid value "${raw}" for "--sso-role": expected ACCOUNT_ID:ROLE_NAME, such as 111122223333:Admin.`,
      );
    }
    const entry = byId.get(m[1]!) ??
      { account: { accountId: m[1]!, roles: [] }, roles: [] };
    if (!entry.roles.includes(m[2]!)) entry.roles.push(m[2]!);
    byId.set(m[1]!, entry);
  }
  return [...byId.values()].map((e) => ({ ...e.account, roles: e.roles }));
}

/** The instance's options from the `--sso-*` flags (what was not given keeps its default). */
export function ssoOptions(args: ParsedArgs): SsoOptions {
  const startUrls = args.list("sso-start-url");
  for (const url of startUrls) {
    let ok = false;
    try {
      ok = new URL(url).protocol === "https:";
    } catch { /* not a URL */ }
    if (!ok) {
      throw new UsageError(
        `Invalid value "${url}" for "--sso-start-url": expected an https URL such as ${DEFAULT_START_URL}.`,
      );
    }
  }
  const settings: Partial<Record<keyof SsoSettings, number | string>> = {};
  for (const [flag, key, max] of NUMERIC) {
    const raw = args.string(flag);
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > max) {
      throw new UsageError(
        `Invalid value "${raw}" for "--${flag}": expected a whole number from 1 to ${max}.`,
      );
    }
    settings[key] = n;
  }
  const rotation = args.string("sso-rotation");
  if (rotation !== undefined) settings.rotation = rotation;
  const list = accounts(args);
  return {
    ...(settings as Partial<SsoSettings>),
    ...(startUrls.length ? { startUrls } : {}),
    ...(args.has("sso-region") ? { region: args.string("sso-region")! } : {}),
    ...(args.has("sso-user") ? { user: args.string("sso-user")! } : {}),
    ...(list ? { accounts: list } : {}),
  };
}

/**
 * What a person at a terminal reads after the URL line: the endpoint
 * variables of every service the emulator serves, and an IAM Identity
 * Center session and profile to paste into ~/.aws/config.
 */
export function pasteHint(
  url: string,
  sso: SsoOptions,
  region: string,
): string {
  const account = (sso.accounts ?? DEFAULT_SSO_ACCOUNTS).find((a) =>
    a.roles.length > 0
  );
  const profile = account
    ? `[profile emulator-sso]\nsso_session = emulator\nsso_account_id = ${account.accountId}\n` +
      `sso_role_name = ${account.roles[0]}\nregion = ${region}\n`
    : "";
  return `Point the AWS tools at the emulator (paste into a shell):

export AWS_ENDPOINT_URL_SIGNIN=${url} AWS_ENDPOINT_URL_STS=${url}
export AWS_ENDPOINT_URL_SSO_OIDC=${url} AWS_ENDPOINT_URL_SSO=${url}

For IAM Identity Center, add to ~/.aws/config:

[sso-session emulator]
sso_start_url = ${sso.startUrls?.[0] ?? DEFAULT_START_URL}
sso_region = ${sso.region ?? "us-east-1"}
sso_registration_scopes = sso:account:access

${profile}
then run: aws-signin sso login ${
    account ? "--profile emulator-sso" : "--sso-session emulator"
  }
`;
}
