/**
 * The access portal in the emulator: `GET /federation/credentials`
 * (GetRoleCredentials), `GET /assignment/accounts` (ListAccounts),
 * `GET /assignment/roles` (ListAccountRoles) and `POST /logout` (Logout).
 * Each checks the `x-amz-sso_bearer_token` (known, unexpired, its session
 * not logged out, and its client registered with `sso:account:access` or
 * with no scopes, else 401); role credentials need the account and role to
 * be assigned (else 403 `No access`) and are registered with the emulator's
 * STS as `arn:aws:sts::{account}:assumed-role/AWSReservedSSO_{role}_{hex16}/{user}`.
 *
 * @example
 * ```ts
 * await reservedRoleName("111122223333", "Admin"); // "AWSReservedSSO_Admin_" and 16 hex digits
 * ```
 * @module
 */

import { sha256Hex } from "../util/encoding.ts";
import { type EmulatorState, issueCredentials } from "./state.ts";
import { type SsoAccessToken, validAccessToken } from "./sso_state.ts";
import { type SsoCall, ssoCall, ssoOk } from "./sso_wire.ts";

/** The scope a token needs for the portal (tokens of clients registered without scopes have it implicitly). */
export const ACCOUNT_ACCESS_SCOPE = "sso:account:access";

/**
 * The IAM role IAM Identity Center creates for a permission set in an
 * account: `AWSReservedSSO_{name}_{16 hex}`, the suffix the same for every
 * session (here derived from the account and name).
 */
export async function reservedRoleName(
  accountId: string,
  roleName: string,
): Promise<string> {
  const suffix = (await sha256Hex(`${accountId}/${roleName}`)).slice(0, 16);
  return `AWSReservedSSO_${roleName}_${suffix}`;
}

/** The request's bearer token when it may use the portal, else the 401. */
function bearer(
  state: EmulatorState,
  req: Request,
  call: SsoCall,
): SsoAccessToken | Response {
  const record = validAccessToken(
    state.sso,
    req.headers.get("x-amz-sso_bearer_token"),
    state.now(),
  );
  if (
    !record ||
    (record.scopes.length > 0 && !record.scopes.includes(ACCOUNT_ACCESS_SCOPE))
  ) {
    return call.fail(
      "UnauthorizedException",
      "Session token not found or invalid",
    );
  }
  return record;
}

/** `GET /federation/credentials?role_name=&account_id=`. */
export function getRoleCredentials(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  return ssoCall(
    state,
    req,
    url,
    "GetRoleCredentials",
    "portal",
    async (call) => {
      const token = bearer(state, req, call);
      if (token instanceof Response) return token;
      const roleName = url.searchParams.get("role_name");
      const accountId = url.searchParams.get("account_id");
      if (!roleName || !accountId) {
        return call.fail(
          "InvalidRequestException",
          "role_name and account_id are required",
        );
      }
      const account = state.sso.accounts.find((a) => a.accountId === accountId);
      if (!account?.roles.includes(roleName)) {
        return call.fail("ForbiddenException", "No access");
      }
      const lifetimeMs = state.sso.settings.roleTtl * 1000;
      const principal =
        `arn:aws:sts::${accountId}:assumed-role/${await reservedRoleName(
          accountId,
          roleName,
        )}/${state.sso.user}`;
      const keys = issueCredentials(state, principal, lifetimeMs);
      return ssoOk({
        roleCredentials: {
          ...keys,
          expiration: state.accessKeys.get(keys.accessKeyId)!.expiresAt,
        },
      }, call.requestId);
    },
  );
}

/** One page of a list: `max_result` (1–100) capped by the page size, `next_token` an offset the emulator gave. */
function page<T>(
  url: URL,
  items: readonly T[],
  pageSize: number,
  call: SsoCall,
): { items: T[]; nextToken?: string } | Response {
  const rawMax = url.searchParams.get("max_result");
  const max = rawMax === null ? pageSize : Number(rawMax);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    return call.fail(
      "InvalidRequestException",
      "max_result must be from 1 to 100",
    );
  }
  const rawToken = url.searchParams.get("next_token");
  let start = 0;
  if (rawToken !== null) {
    const m = /^offset-(\d{1,6})$/.exec(rawToken);
    if (!m) return call.fail("InvalidRequestException", "Invalid next_token");
    start = Number(m[1]);
  }
  const end = start + Math.min(max, pageSize);
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { nextToken: `offset-${end}` } : {}),
  };
}

/** `GET /assignment/accounts`. */
export function listAccounts(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  return ssoCall(state, req, url, "ListAccounts", "portal", (call) => {
    const token = bearer(state, req, call);
    if (token instanceof Response) return token;
    const accounts = state.sso.accounts.map((a) => ({
      accountId: a.accountId,
      ...(a.accountName === undefined ? {} : { accountName: a.accountName }),
      ...(a.emailAddress === undefined ? {} : { emailAddress: a.emailAddress }),
    }));
    const p = page(url, accounts, state.sso.settings.pageSize, call);
    if (p instanceof Response) return p;
    return ssoOk({
      ...(p.nextToken ? { nextToken: p.nextToken } : {}),
      accountList: p.items,
    }, call.requestId);
  });
}

/** `GET /assignment/roles?account_id=`. */
export function listAccountRoles(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  return ssoCall(state, req, url, "ListAccountRoles", "portal", (call) => {
    const token = bearer(state, req, call);
    if (token instanceof Response) return token;
    const accountId = url.searchParams.get("account_id");
    if (!accountId) {
      return call.fail("InvalidRequestException", "account_id is required");
    }
    const account = state.sso.accounts.find((a) => a.accountId === accountId);
    if (!account) return call.fail("ForbiddenException", "No access");
    const roles = account.roles.map((roleName) => ({ roleName, accountId }));
    const p = page(url, roles, state.sso.settings.pageSize, call);
    if (p instanceof Response) return p;
    return ssoOk({
      ...(p.nextToken ? { nextToken: p.nextToken } : {}),
      roleList: p.items,
    }, call.requestId);
  });
}

/** `POST /logout`: ends the token's IdC session; every access and refresh token of it stops working. */
export function logout(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  return ssoCall(state, req, url, "Logout", "portal", async (call) => {
    await req.body?.cancel();
    const token = validAccessToken(
      state.sso,
      req.headers.get("x-amz-sso_bearer_token"),
      state.now(),
    );
    if (!token) {
      return call.fail(
        "UnauthorizedException",
        "Session token not found or invalid",
      );
    }
    state.sso.sessions.get(token.sessionId)!.revoked = true;
    return ssoOk(undefined, call.requestId);
  });
}
