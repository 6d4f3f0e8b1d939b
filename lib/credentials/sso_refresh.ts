/**
 * The network side of an IAM Identity Center profile (protocol-sso.md §4),
 * safe across processes, loaded only when the cached role credentials are
 * due:
 *
 * - the token: a session's is refreshed with 15 minutes or less left
 *   (botocore's window), under the token file's lock, re-read after taking
 *   it (another process may just have refreshed); the new file is the AWS
 *   CLI's bytes, written atomically, and keeps the refresh token when the
 *   service sent none (the one intended difference: §9.1); any failure while
 *   the old token is still valid uses it (the AWS CLI fails on a network
 *   error); a legacy profile's token is used until it expires;
 * - the role credentials: `GetRoleCredentials` under the role file's lock,
 *   re-read after taking it, written as the AWS CLI writes them;
 * - with `--auto-login`, a session that ended (or a token that is missing or
 *   refused) is signed in again once for every waiting process.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * import type { SsoCredentialConfig } from "../config/sso_config.ts";
 * declare const ctx: ProviderContext, config: SsoCredentialConfig;
 * const token = await ssoAccessToken(config, ctx);
 * ```
 * @module
 */

import { AwsSigninError, ServiceError } from "../errors.ts";
import {
  type SsoCredentialConfig,
  ssoLoginCommand,
  type SsoLoginConfig,
} from "../config/sso_config.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import {
  readSsoToken,
  ssoCacheDir,
  type SsoToken,
  ssoTokenFile,
  ssoTokenJson,
  ssoTokenKey,
  SsoTokenLoadError,
  ssoTokenLockPath,
  writeSsoCacheFile,
} from "../cache/sso_token_cache.ts";
import { readRoleCache } from "../cache/role_cache.ts";
import { prepareCacheDir } from "../cache/login_cache_dir.ts";
import { dirName } from "../util/path.ts";
import { writeSsoRoleCache } from "../cache/role_cache_write.ts";
import { signInMarkerPath } from "../cache/login_cache.ts";
import { createToken } from "../sso/oidc_client.ts";
import { getRoleCredentials } from "../sso/portal_client.ts";
import type { SsoClientOptions } from "../sso/_wire.ts";
import { SsoTokenExpiredError, SsoUnauthorizedError } from "../sso/errors.ts";
import { LockTimeoutError, withFileLock } from "../util/lock.ts";
import { formatExpiresAt } from "../util/time.ts";
import { signInOnce, waitingFor } from "./login_again.ts";
import { ROLE_EXPIRY_WINDOW_MS } from "./role_config.ts";
import { fromSsoRoleCache } from "./sso_role.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** A session's token is refreshed when less than this is left (botocore's `_REFRESH_WINDOW`). */
export const SSO_REFRESH_WINDOW_MS = 15 * 60_000;
/** How long a process waits for another's refresh (or sign-in: the holder's note extends it). */
const LOCK_WAIT_MS = 30_000;

function client(
  service: "sso-oidc" | "sso",
  config: SsoCredentialConfig,
  ctx: ProviderContext,
): SsoClientOptions {
  return {
    endpoint: resolveEndpoint(service, {
      region: config.region,
      env: ctx.env,
      profile: ctx.profile.settings,
      shared: ctx.profile.shared,
    }).url,
    fetch: ctx.fetch,
    now: ctx.now,
    sleep: ctx.sleep,
    signal: ctx.signal,
    debug: ctx.debug,
  };
}

/** The command that signs this profile's session in again. */
function loginAgain(config: SsoCredentialConfig): string {
  return ssoLoginCommand(
    config.sessionName !== undefined
      ? { sessionName: config.sessionName }
      : { profile: config.profile },
  );
}

/** Marks an error as the AWS CLI reports it from export-credentials: as it is, not wrapped. */
function asIs<E extends AwsSigninError>(error: E, hint?: string): E {
  error.duringRefresh = true;
  if (hint !== undefined) error.hint ??= hint;
  return error;
}

/** The token file of a profile's session (or legacy start URL). */
async function tokenFileOf(
  config: SsoCredentialConfig,
  ctx: ProviderContext,
): Promise<string> {
  return ssoTokenFile(
    ssoCacheDir(ctx.env),
    await ssoTokenKey({
      startUrl: config.startUrl,
      ...(config.sessionName !== undefined
        ? { sessionName: config.sessionName }
        : {}),
    }),
  );
}

function readToken(
  file: string,
  config: SsoCredentialConfig,
): SsoToken | SsoTokenLoadError {
  try {
    return readSsoToken(file, {
      startUrl: config.startUrl,
      ...(config.sessionName !== undefined
        ? { sessionName: config.sessionName }
        : {}),
    });
  } catch (error) {
    if (error instanceof SsoTokenLoadError) return error;
    throw error;
  }
}

/**
 * A valid access token of the profile's session (refreshed when due) or
 * legacy start URL.
 *
 * @throws {SsoTokenLoadError} no token (never signed in, signed out), or an unreadable one (255).
 * @throws {SsoTokenExpiredError} a session's token expired and could not be refreshed (255).
 * @throws {SsoUnauthorizedError} a legacy token expired (255).
 */
export async function ssoAccessToken(
  config: SsoCredentialConfig,
  ctx: ProviderContext,
): Promise<string> {
  const file = await tokenFileOf(config, ctx);
  const token = readToken(file, config);
  const now = ctx.now();
  if (!(token instanceof SsoTokenLoadError)) {
    const left = token.expiresAtMs - now;
    if (
      config.sessionName === undefined
        ? left > 0
        : left >= SSO_REFRESH_WINDOW_MS
    ) {
      return token.accessToken;
    }
  }
  return await withLock(file, ctx, () => underLock(file, config, ctx));
}

async function withLock<T>(
  file: string,
  ctx: ProviderContext,
  fn: () => Promise<T>,
): Promise<T> {
  return await withFileLock(ssoTokenLockPath(file), fn, {
    now: ctx.now,
    sleep: ctx.sleep,
    signal: ctx.signal,
    timeoutMs: ctx.autoLogin
      ? ctx.autoLogin.timeoutMs + LOCK_WAIT_MS
      : LOCK_WAIT_MS,
    purpose: "to finish refreshing this IAM Identity Center token",
    debug: ctx.debug,
    onNote: (note) => ctx.warn(waitingFor(note, ctx.now())),
  });
}

/** With the token file's lock held: the token as it is now, refreshed, or signed in again. */
async function underLock(
  file: string,
  config: SsoCredentialConfig,
  ctx: ProviderContext,
): Promise<string> {
  const token = readToken(file, config);
  const now = ctx.now();
  if (token instanceof SsoTokenLoadError) {
    return await againOr(
      file,
      config,
      ctx,
      asIs(token, `Run '${loginAgain(config)}' to sign in.`),
      token.missing
        ? "has no token (it was never signed in, or signed out)"
        : "has a token that cannot be read",
    );
  }
  const left = token.expiresAtMs - now;
  if (config.sessionName === undefined) {
    if (left > 0) return token.accessToken;
    return await againOr(
      file,
      config,
      ctx,
      asIs(
        new SsoUnauthorizedError(),
        `Run '${loginAgain(config)}' to sign in again.`,
      ),
      "has expired (a legacy profile's token cannot be refreshed)",
    );
  }
  if (left >= SSO_REFRESH_WINDOW_MS) {
    ctx.debug(
      "another process refreshed the SSO token while we waited; using it",
    );
    return token.accessToken;
  }
  const refreshed = await refresh(file, token, config, ctx);
  if (refreshed !== undefined) return refreshed;
  if (left > 0) {
    ctx.debug(
      `the SSO token could not be refreshed; it is valid until ${
        formatExpiresAt(token.expiresAtMs)
      }, using it`,
    );
    return token.accessToken;
  }
  return await againOr(
    file,
    config,
    ctx,
    asIs(
      new SsoTokenExpiredError(),
      `The IAM Identity Center session has ended (or its client registration expired). Run '${
        loginAgain(config)
      }' to sign in again.`,
    ),
    "has ended",
  );
}

/**
 * The refresh (`CreateToken` with the refresh token), written back; or
 * `undefined` when it cannot be made or was refused, so that a still-valid
 * token is used. A network failure is thrown when the token has expired.
 */
async function refresh(
  file: string,
  token: SsoToken,
  config: SsoCredentialConfig,
  ctx: ProviderContext,
): Promise<string | undefined> {
  const now = ctx.now();
  if (
    !token.refreshToken || !token.clientId || !token.clientSecret ||
    token.registrationExpiresAt === undefined
  ) {
    ctx.debug(
      "the SSO token has no refresh token or client: it cannot be refreshed",
    );
    return undefined;
  }
  if ((token.registrationExpiresAtMs ?? 0) <= now) {
    ctx.debug(
      "the SSO token's client registration has expired: it cannot be refreshed",
    );
    return undefined;
  }
  let answer;
  try {
    answer = await createToken(client("sso-oidc", config, ctx), {
      grantType: "refresh_token",
      clientId: token.clientId,
      clientSecret: token.clientSecret,
      refreshToken: token.refreshToken,
    });
  } catch (error) {
    if (error instanceof ServiceError) {
      ctx.debug(`the SSO token refresh was refused: ${error.message}`);
      // Another tool (which takes no lock) may have refreshed it meanwhile, rotating the refresh token.
      const now2 = readToken(file, config);
      if (
        !(now2 instanceof SsoTokenLoadError) &&
        now2.accessToken !== token.accessToken &&
        now2.expiresAtMs - ctx.now() > 0
      ) return now2.accessToken;
      return undefined;
    }
    if (token.expiresAtMs > ctx.now()) {
      ctx.debug(`the SSO token refresh failed (${(error as Error).message})`);
      return undefined;
    }
    throw asIs(error as AwsSigninError);
  }
  const json = ssoTokenJson({
    startUrl: config.startUrl,
    region: config.region,
    accessToken: answer.accessToken,
    expiresAtMs: ctx.now() + answer.expiresIn * 1000,
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: token.registrationExpiresAt,
    // Kept when the service sent none (botocore drops it): the session can still be refreshed.
    refreshToken: answer.refreshToken ?? token.refreshToken,
  });
  try {
    await writeSsoCacheFile(file, json, ctx.warn);
  } catch (error) {
    ctx.warn(
      `The refreshed IAM Identity Center token could not be saved (${
        (error as Error).message
      }); this command uses it, the next one refreshes again.`,
    );
  }
  ctx.debug(`refreshed the SSO token; wrote ${file}`);
  return answer.accessToken;
}

/** With `--auto-login`, the session signed in again (once for every waiting process); else `failure`. */
async function againOr(
  file: string,
  config: SsoCredentialConfig,
  ctx: ProviderContext,
  failure: AwsSigninError,
  reason: string,
): Promise<string> {
  const auto = ctx.autoLogin;
  if (!auto?.ssoSignIn) throw failure;
  const login: SsoLoginConfig = {
    profile: config.profile,
    ...(config.sessionName !== undefined
      ? { sessionName: config.sessionName }
      : {}),
    startUrl: config.startUrl,
    region: config.region,
    registrationScopes: registrationScopesOf(ctx, config),
    via: [],
  };
  return await signInOnce({
    file,
    failure,
    command: loginAgain(config),
    what:
      `to finish signing in again to IAM Identity Center for profile '${config.profile}' (--auto-login)`,
    ctx,
    run: async () => {
      const result = await auto.ssoSignIn!({
        profile: ctx.profile,
        config: login,
        reason,
        fetch: ctx.fetch,
      });
      await writeSsoCacheFile(file, result.tokenJson, ctx.warn);
      await Deno.remove(signInMarkerPath(file)).catch(() => {});
      ctx.debug(`signed in again; wrote the SSO token ${file}`);
      return result.accessToken;
    },
  });
}

function registrationScopesOf(
  ctx: ProviderContext,
  config: SsoCredentialConfig,
): string[] | null {
  if (config.sessionName === undefined) return null;
  const raw = ctx.profile.shared.ssoSessions.get(config.sessionName)
    ?.sso_registration_scopes;
  if (typeof raw !== "string") return null;
  return raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * The profile's role credentials from `GetRoleCredentials` (its token
 * refreshed as needed), cached as the AWS CLI caches them, under the role
 * file's lock; a process that waited uses what the holder cached.
 */
export async function ssoRoleCredentials(
  config: SsoCredentialConfig,
  file: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const fresh = () => {
    const cached = readRoleCache(file);
    return cached && cached.expiresAtMs - ctx.now() >= ROLE_EXPIRY_WINDOW_MS
      ? cached
      : undefined;
  };
  await prepareCacheDir(dirName(file), ctx.warn, {
    what: "role cache folder",
    fix:
      "Make the folder yours and writable (it is the AWS CLI's ~/.aws/cli/cache), or remove it.",
  });
  try {
    return await withFileLock(`${file}.lock`, async () => {
      const cached = fresh();
      if (cached) {
        ctx.debug(
          "another process fetched the SSO role credentials while we waited; using them",
        );
        return fromSsoRoleCache(cached, config);
      }
      const role = await roleCredentials(config, ctx);
      await writeSsoRoleCache(file, { ...role, accountId: config.accountId })
        .catch((error) =>
          ctx.warn(
            `The SSO role credentials could not be cached (${
              (error as Error).message
            }); they are used all the same.`,
          )
        );
      ctx.debug(
        `GetRoleCredentials for ${config.roleName} in ${config.accountId}; wrote ${file}`,
      );
      return {
        accessKeyId: role.accessKeyId,
        secretAccessKey: role.secretAccessKey,
        sessionToken: role.sessionToken,
        // As the AWS CLI keeps it: whole seconds (the file's time).
        expiration: Math.floor(role.expirationMs / 1000) * 1000,
        accountId: config.accountId,
        method: "sso",
      };
    }, {
      now: ctx.now,
      sleep: ctx.sleep,
      signal: ctx.signal,
      timeoutMs: ctx.autoLogin ? ctx.autoLogin.timeoutMs + 60_000 : 60_000,
      purpose:
        `to finish getting the role credentials of profile '${config.profile}'`,
      debug: ctx.debug,
      onNote: (note) => ctx.warn(waitingFor(note, ctx.now())),
    });
  } catch (error) {
    const cached = readRoleCache(file);
    if (
      error instanceof LockTimeoutError && cached &&
      cached.expiresAtMs > ctx.now()
    ) {
      return {
        ...fromSsoRoleCache(cached, config),
        staleReason: "another process held the role's lock too long",
      };
    }
    throw error;
  }
}

/** `GetRoleCredentials` with a valid token; a token the portal refuses is signed in again with --auto-login. */
async function roleCredentials(
  config: SsoCredentialConfig,
  ctx: ProviderContext,
) {
  const portal = client("sso", config, ctx);
  const request = (accessToken: string) =>
    getRoleCredentials(portal, {
      accessToken,
      roleName: config.roleName,
      accountId: config.accountId,
    });
  const accessToken = await ssoAccessToken(config, ctx);
  try {
    return await request(accessToken);
  } catch (error) {
    if (!(error instanceof SsoUnauthorizedError)) {
      throw error instanceof AwsSigninError ? asIs(error) : error;
    }
    const hint = `Run '${loginAgain(config)}' to sign in again.`;
    if (!ctx.autoLogin?.ssoSignIn) throw asIs(error, hint);
    // The session was ended (logged out elsewhere, revoked): one sign-in, then the call again.
    const file = await tokenFileOf(config, ctx);
    const fresh = await withLock(
      file,
      ctx,
      () => againOr(file, config, ctx, asIs(error, hint), "was ended"),
    );
    return await request(fresh);
  }
}
