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
  prepareSsoCacheDir,
  readSsoToken,
  type SsoToken,
  ssoTokenJson,
  SsoTokenLoadError,
  ssoTokenLockPath,
  writeSsoCacheFile,
} from "../cache/sso_token_cache.ts";
import { dirName } from "../util/path.ts";
import { signInMarkerPath } from "../cache/login_cache.ts";
import { createToken } from "../sso/oidc_client.ts";
import type { SsoClientOptions } from "../sso/_wire.ts";
import { SsoTokenExpiredError, SsoUnauthorizedError } from "../sso/errors.ts";
import { LockTimeoutError, withFileLock } from "../util/lock.ts";
import { formatExpiresAt } from "../util/time.ts";
import { signInOnce, waitingFor } from "./login_again.ts";
import { SSO_REFRESH_WINDOW_MS, ssoTokenFileOf } from "./sso_state.ts";
import type { ProviderContext } from "./types.ts";

/** How long a process waits for another's refresh (or sign-in: the holder's note extends it). */
const LOCK_WAIT_MS = 30_000;
/** The most a refresh may take, retries included: less than a waiter waits for the lock. */
const REFRESH_BUDGET_MS = 20_000;

/** An OIDC or portal client for the profile's SSO region, with the command's network and clock. */
export function ssoClient(
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
export function asIs<E extends AwsSigninError>(error: E, hint?: string): E {
  error.duringRefresh = true;
  if (hint !== undefined) error.hint ??= hint;
  return error;
}

/** The token file of a profile's session (or legacy start URL). */
function tokenFileOf(
  config: SsoCredentialConfig,
  ctx: ProviderContext,
): Promise<string> {
  return ssoTokenFileOf(config, ctx);
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
  } else if (token.missing && !ctx.autoLogin?.ssoSignIn) {
    // Never signed in (the folder may not even exist): nothing to wait for.
    throw asIs(token, `Run '${loginAgain(config)}' to sign in.`);
  }
  try {
    return await withLock(file, ctx, () => underLock(file, config, ctx));
  } catch (error) {
    if (!(error instanceof LockTimeoutError)) throw error;
    // Another process held the lock too long (a refresh that hangs): a still-valid token serves.
    const now2 = readToken(file, config);
    if (!(now2 instanceof SsoTokenLoadError) && now2.expiresAtMs > ctx.now()) {
      ctx.debug(
        `timed out waiting for the lock ${error.path}; the SSO token is valid until ${
          formatExpiresAt(now2.expiresAtMs)
        }, using it`,
      );
      return now2.accessToken;
    }
    throw asIs(error);
  }
}

async function withLock<T>(
  file: string,
  ctx: ProviderContext,
  fn: () => Promise<T>,
): Promise<T> {
  // The lock lives beside the token: a folder that is not there yet (--auto-login's first sign-in) is made.
  await prepareSsoCacheDir(dirName(file), ctx.warn);
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
    answer = await createToken({
      ...ssoClient("sso-oidc", config, ctx),
      // Retries included, less than a waiter's patience for the lock.
      deadline: ctx.now() + REFRESH_BUDGET_MS,
    }, {
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
  // When no sign-in is started, signInOnce says why, with the command: that line replaces ours.
  failure.hint = undefined;
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
  // The sign-in's own failure is reported as it is (255), as a refresh's, not as a configuration error.
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
  }).catch((error) => {
    throw error instanceof AwsSigninError ? asIs(error) : error;
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
 * After the portal refused `refused` (401: the session was ended elsewhere),
 * a token to try again with: another process's fresh one, or, with
 * `--auto-login`, one sign-in for every waiting process; else the refusal.
 */
export async function tokenAfterRefusal(
  config: SsoCredentialConfig,
  ctx: ProviderContext,
  refused: string,
  error: AwsSigninError,
): Promise<string> {
  const hint = `Run '${loginAgain(config)}' to sign in again.`;
  if (!ctx.autoLogin?.ssoSignIn) throw asIs(error, hint);
  const file = await tokenFileOf(config, ctx);
  return await withLock(file, ctx, async () => {
    // Another process (another profile on this session) may have signed in while we waited.
    const now = readToken(file, config);
    if (
      !(now instanceof SsoTokenLoadError) &&
      now.accessToken !== refused && now.expiresAtMs > ctx.now()
    ) {
      ctx.debug(
        "another process signed the session in again while we waited; using its token",
      );
      return now.accessToken;
    }
    return await againOr(file, config, ctx, asIs(error, hint), "was ended");
  });
}
