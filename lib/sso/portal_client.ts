/**
 * The IAM Identity Center portal client (`sso`, protocol-sso.md §4.6–4.8):
 * `GetRoleCredentials`, `ListAccounts` and `ListAccountRoles` (one page, or
 * every page), and `Logout`, unsigned, with the access token in
 * `x-amz-sso_bearer_token` and the query in botocore's order
 * (`role_name` before `account_id`). A 401 on `GetRoleCredentials` is the
 * AWS CLI's "session ... has expired or is otherwise invalid" (255); every
 * other refusal, e.g. 403 `ForbiddenException` "No access", is a
 * {@linkcode ServiceError} (254).
 *
 * @example
 * ```ts
 * const creds = await getRoleCredentials({ endpoint: "http://127.0.0.1:9" },
 *   { accessToken: "at-1", roleName: "Admin", accountId: "111122223333" }).catch(() => undefined);
 * ```
 * @module
 */

import {
  numberMember,
  ssoCall,
  type SsoClientOptions,
  stringMember,
} from "./_wire.ts";
import {
  isSsoServiceError,
  SsoResponseError,
  SsoUnauthorizedError,
} from "./errors.ts";

export type { SsoClientOptions } from "./_wire.ts";

/** The portal's modeled errors and their members (`ForbiddenException` is not in the model). */
export const PORTAL_MODELED_ERRORS: Readonly<
  Record<string, readonly string[]>
> = {
  InvalidRequestException: ["message"],
  ResourceNotFoundException: ["message"],
  TooManyRequestsException: ["message"],
  UnauthorizedException: ["message"],
};

const bearer = (accessToken: string) => ({
  "x-amz-sso_bearer_token": accessToken,
});

/** Role credentials from the portal. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** The portal's `expiration`: epoch milliseconds. */
  readonly expirationMs: number;
}

/**
 * `GET /federation/credentials?role_name=…&account_id=…`.
 *
 * @example
 * ```ts
 * await getRoleCredentials({ endpoint: "http://127.0.0.1:9" },
 *   { accessToken: "at-1", roleName: "Admin", accountId: "111122223333" }).catch(() => undefined);
 * ```
 * @throws {SsoUnauthorizedError} for 401 `UnauthorizedException` (exit 255).
 * @throws {ServiceError} for any other refusal (exit 254).
 */
export async function getRoleCredentials(
  options: SsoClientOptions,
  request: {
    readonly accessToken: string;
    readonly roleName: string;
    readonly accountId: string;
  },
): Promise<RoleCredentials> {
  let body: Record<string, unknown>;
  try {
    body = await ssoCall({
      ...options,
      method: "GET",
      path: "/federation/credentials",
      query: [["role_name", request.roleName], [
        "account_id",
        request.accountId,
      ]],
      headers: bearer(request.accessToken),
      operation: "GetRoleCredentials",
      modeled: PORTAL_MODELED_ERRORS,
    });
  } catch (error) {
    if (isSsoServiceError(error, "UnauthorizedException")) {
      throw new SsoUnauthorizedError({ cause: error });
    }
    throw error;
  }
  const creds = body.roleCredentials;
  const c = creds !== null && typeof creds === "object"
    ? creds as Record<string, unknown>
    : {};
  const accessKeyId = stringMember(c, "accessKeyId");
  const secretAccessKey = stringMember(c, "secretAccessKey");
  const sessionToken = stringMember(c, "sessionToken");
  const expirationMs = numberMember(c, "expiration");
  if (!accessKeyId || !secretAccessKey || !sessionToken) {
    throw new SsoResponseError("GetRoleCredentials", "role credentials");
  }
  if (expirationMs === undefined) {
    throw new SsoResponseError("GetRoleCredentials", "expiration");
  }
  return { accessKeyId, secretAccessKey, sessionToken, expirationMs };
}

/** An account the token can use (`accountName` and `emailAddress` may be missing). */
export interface AccountInfo {
  readonly accountId: string;
  readonly accountName?: string;
  readonly emailAddress?: string;
}

/** A role the token can use in an account. */
export interface RoleInfo {
  readonly roleName: string;
  readonly accountId: string;
}

/** One page of a listing. */
export interface Page<T> {
  readonly items: readonly T[];
  /** The next page's token; absent on the last page. */
  readonly nextToken?: string;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> =>
      v !== null && typeof v === "object" && !Array.isArray(v)
    )
    : [];
}

function page<T>(
  body: Record<string, unknown>,
  list: string,
  item: (r: Record<string, unknown>) => T | undefined,
): Page<T> {
  const items = records(body[list]).map(item).filter((x): x is T =>
    x !== undefined
  );
  const nextToken = stringMember(body, "nextToken");
  return { items, ...(nextToken !== undefined ? { nextToken } : {}) };
}

function account(r: Record<string, unknown>): AccountInfo | undefined {
  const accountId = stringMember(r, "accountId");
  if (!accountId) return undefined;
  const accountName = stringMember(r, "accountName");
  const emailAddress = stringMember(r, "emailAddress");
  return {
    accountId,
    ...(accountName !== undefined ? { accountName } : {}),
    ...(emailAddress !== undefined ? { emailAddress } : {}),
  };
}

function role(r: Record<string, unknown>): RoleInfo | undefined {
  const roleName = stringMember(r, "roleName");
  const accountId = stringMember(r, "accountId");
  return roleName && accountId ? { roleName, accountId } : undefined;
}

/** Paging options: the token of the page to get, and its size (`max_result`; the AWS CLI sends none). */
export interface PageRequest {
  readonly accessToken: string;
  readonly nextToken?: string | undefined;
  readonly maxResults?: number | undefined;
}

const asQuery = (n: number | undefined) =>
  n === undefined ? undefined : String(n);

/**
 * One page of `GET /assignment/accounts[?next_token=…][&max_result=N]`.
 *
 * @example
 * ```ts
 * await listAccounts({ endpoint: "http://127.0.0.1:9" }, { accessToken: "at-1", maxResults: 1 })
 *   .catch(() => undefined);
 * ```
 * @throws {ServiceError} for a refusal, 401 included (exit 254).
 */
export async function listAccounts(
  options: SsoClientOptions,
  request: PageRequest,
): Promise<Page<AccountInfo>> {
  const body = await ssoCall({
    ...options,
    method: "GET",
    path: "/assignment/accounts",
    query: [["next_token", request.nextToken], [
      "max_result",
      asQuery(request.maxResults),
    ]],
    headers: bearer(request.accessToken),
    operation: "ListAccounts",
    modeled: PORTAL_MODELED_ERRORS,
  });
  return page(body, "accountList", account);
}

/**
 * One page of `GET /assignment/roles?account_id=…[&next_token=…][&max_result=N]`.
 *
 * @example
 * ```ts
 * await listAccountRoles({ endpoint: "http://127.0.0.1:9" }, { accessToken: "at-1", accountId: "111122223333" })
 *   .catch(() => undefined);
 * ```
 * @throws {ServiceError} for a refusal, 401 included (exit 254).
 */
export async function listAccountRoles(
  options: SsoClientOptions,
  request: PageRequest & { readonly accountId: string },
): Promise<Page<RoleInfo>> {
  const body = await ssoCall({
    ...options,
    method: "GET",
    path: "/assignment/roles",
    query: [
      ["account_id", request.accountId],
      ["next_token", request.nextToken],
      ["max_result", asQuery(request.maxResults)],
    ],
    headers: bearer(request.accessToken),
    operation: "ListAccountRoles",
    modeled: PORTAL_MODELED_ERRORS,
  });
  return page(body, "roleList", role);
}

/** Follows `nextToken` to the last page; a token seen twice ends it (a broken server cannot loop us). */
async function allPages<T>(
  get: (nextToken: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const p = await get(token);
    items.push(...p.items);
    if (p.nextToken === undefined || seen.has(p.nextToken)) return items;
    seen.add(p.nextToken);
    token = p.nextToken;
  }
}

/**
 * Every account the token can use, across pages (the AWS CLI's paginator).
 *
 * @example
 * ```ts
 * await listAllAccounts({ endpoint: "http://127.0.0.1:9" }, { accessToken: "at-1" }).catch(() => undefined);
 * ```
 * @throws {ServiceError} for a refusal, 401 included (exit 254).
 */
export function listAllAccounts(
  options: SsoClientOptions,
  request: { readonly accessToken: string; readonly pageSize?: number },
): Promise<AccountInfo[]> {
  return allPages((nextToken) =>
    listAccounts(options, {
      accessToken: request.accessToken,
      nextToken,
      maxResults: request.pageSize,
    })
  );
}

/**
 * Every role the token can use in an account, across pages.
 *
 * @example
 * ```ts
 * await listAllAccountRoles({ endpoint: "http://127.0.0.1:9" },
 *   { accessToken: "at-1", accountId: "111122223333" }).catch(() => undefined);
 * ```
 * @throws {ServiceError} for a refusal, 401 included (exit 254).
 */
export function listAllAccountRoles(
  options: SsoClientOptions,
  request: {
    readonly accessToken: string;
    readonly accountId: string;
    readonly pageSize?: number;
  },
): Promise<RoleInfo[]> {
  return allPages((nextToken) =>
    listAccountRoles(options, {
      accessToken: request.accessToken,
      accountId: request.accountId,
      nextToken,
      maxResults: request.pageSize,
    })
  );
}

/**
 * `POST /logout` with no body: ends the IAM Identity Center session of the
 * token (role sessions already issued run until they expire).
 *
 * @example
 * ```ts
 * await logout({ endpoint: "http://127.0.0.1:9" }, { accessToken: "at-1" }).catch(() => undefined);
 * ```
 * @throws {ServiceError} for a refusal (exit 254).
 */
export async function logout(
  options: SsoClientOptions,
  request: { readonly accessToken: string },
): Promise<void> {
  await ssoCall({
    ...options,
    method: "POST",
    path: "/logout",
    headers: bearer(request.accessToken),
    operation: "Logout",
    modeled: PORTAL_MODELED_ERRORS,
  });
}
