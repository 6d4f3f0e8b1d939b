/**
 * The accounts and roles an IAM Identity Center token can use, for
 * `configure sso`: the portal client of the session's region, every page of
 * `ListAccounts` and `ListAccountRoles` (no page size, as the AWS CLI), and
 * the AWS CLI's order and display of accounts (2.34.24+).
 *
 * @example
 * ```ts
 * displayAccount({ accountId: "111122223333", accountName: "Dev", emailAddress: "dev@example.com" });
 * // "Dev, dev@example.com (111122223333)"
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { ResolvedProfile } from "../config/selection.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import {
  type AccountInfo,
  listAllAccountRoles,
  listAllAccounts,
  type RoleInfo,
  type SsoClientOptions,
} from "../sso/portal_client.ts";
import { callWorld } from "./_credentials.ts";

/** The portal client of a region (`AWS_ENDPOINT_URL_SSO`, `[services]`, …). */
export function portalClient(
  ctx: Context,
  profile: ResolvedProfile,
  region: string,
): SsoClientOptions {
  const endpoint = resolveEndpoint("sso", {
    region,
    env: ctx.env,
    profile: profile.settings,
    shared: profile.shared,
  });
  ctx.debug(
    `IAM Identity Center portal endpoint ${endpoint.url} (from ${endpoint.source})`,
  );
  return {
    ...callWorld(ctx, profile),
    endpoint: endpoint.url,
    ...(ctx.connection?.readTimeoutMs !== undefined
      ? { timeoutMs: ctx.connection.readTimeoutMs }
      : {}),
  };
}

/** The AWS CLI's `display_account`: name, e-mail and id, whichever are there. */
export function displayAccount(a: AccountInfo): string {
  if (a.accountName === undefined && a.emailAddress === undefined) {
    return a.accountId;
  }
  if (a.emailAddress === undefined) return `${a.accountName} (${a.accountId})`;
  if (a.accountName === undefined) return `${a.emailAddress} (${a.accountId})`;
  return `${a.accountName}, ${a.emailAddress} (${a.accountId})`;
}

const compare = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;

/**
 * The AWS CLI's order (2.34.24+): accounts with a name or e-mail first, each
 * group by the lowercased first of name, e-mail, id; stable otherwise.
 */
export function sortAccounts(accounts: readonly AccountInfo[]): AccountInfo[] {
  const key = (a: AccountInfo): [number, string] => [
    a.accountName === undefined && a.emailAddress === undefined ? 1 : 0,
    (a.accountName ?? a.emailAddress ?? a.accountId).toLowerCase(),
  ];
  return [...accounts].sort((x, y) => {
    const [gx, kx] = key(x);
    const [gy, ky] = key(y);
    return gx - gy || compare(kx, ky);
  });
}

/** Roles by lowercased name (the AWS CLI's order). */
export function sortRoles(roles: readonly RoleInfo[]): RoleInfo[] {
  return [...roles].sort((x, y) =>
    compare(x.roleName.toLowerCase(), y.roleName.toLowerCase())
  );
}

/** Every account, across pages, sorted. */
export async function accountsOf(
  client: SsoClientOptions,
  accessToken: string,
): Promise<AccountInfo[]> {
  return sortAccounts(await listAllAccounts(client, { accessToken }));
}

/** Every role of an account, across pages, sorted. */
export async function rolesOf(
  client: SsoClientOptions,
  accessToken: string,
  accountId: string,
): Promise<RoleInfo[]> {
  return sortRoles(
    await listAllAccountRoles(client, { accessToken, accountId }),
  );
}
