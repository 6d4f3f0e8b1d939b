/**
 * Refreshing a login session (protocol.md §8), safely across processes:
 *
 * - the entry's lock is taken (`login` and `logout` take it too), the entry
 *   re-read under it: another process may have refreshed it (then no network
 *   call), or just tried and failed while it is still valid (then it is used);
 * - `CreateOAuth2Token` is called with a DPoP proof from the cached key,
 *   against the region that issued the session, within a budget shorter than
 *   any waiter's patience for the lock;
 * - the entry is replaced atomically, unless it is gone (logged out) or is no
 *   longer the one the refresh started from; a result that cannot be saved is
 *   still returned, with a warning.
 *
 * A process that waits for the lock longer than a refresh may take falls back
 * to the cached credentials while they are valid. Loaded only when a refresh
 * is due.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * declare const ctx: ProviderContext;
 * const creds = await refreshLoginSession("arn:aws:iam::111122223333:user/demo", "/tmp/cache", ctx);
 * ```
 * @module
 */

import {
  AwsSigninError,
  ConfigurationError,
  EndpointConnectionError,
  InterruptedError,
  ServiceError,
} from "../errors.ts";
import { loginCommand } from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { plainHttpWarning, resolveEndpoint } from "../endpoints/resolve.ts";
import {
  cacheFilePath,
  lockFilePath,
  type LoginCacheEntry,
  LoginCacheError,
  readCacheFile,
} from "../cache/login_cache.ts";
import { prepareCacheDir } from "../cache/login_cache_dir.ts";
import {
  refreshedCacheJson,
  writeCacheFile,
} from "../cache/login_cache_write.ts";
import { dpopKeyFromPem } from "../signin/dpop.ts";
import { createOAuth2Token, type TokenOutput } from "../signin/token_client.ts";
import { LoginRefreshError, refreshErrorFor } from "../signin/token_errors.ts";
import { SESSION_ENDED_CODES, signInAgain, waitingFor } from "./login_again.ts";
import { LockTimeoutError, withFileLock } from "../util/lock.ts";
import { formatExpiresAt } from "../util/time.ts";
import { credentialsFromEntry, needsRefresh } from "./login_entry.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** The most a refresh may take, retries included: less than a waiter waits for the lock. */
export const REFRESH_BUDGET_MS = 20_000;
/** How long a process waits for another's refresh before it gives up on the lock. */
export const LOCK_WAIT_MS = 30_000;

function still(entry: LoginCacheEntry, now: number): boolean {
  return entry.expiresAtMs > now;
}

/**
 * Refreshes the entry of a session under its lock and returns the
 * credentials. Its errors are marked `duringRefresh`.
 */
export async function refreshLoginSession(
  loginSession: string,
  dir: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  try {
    return await refreshWithLock(loginSession, dir, ctx);
  } catch (error) {
    const reported = error instanceof AwsSigninError
      ? error
      : new AwsSigninError((error as Error).message, "other", {
        cause: error,
      });
    reported.duringRefresh = true;
    throw reported;
  }
}

async function refreshWithLock(
  loginSession: string,
  dir: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const profile = ctx.profile;
  const file = await cacheFilePath(dir, loginSession);
  await prepareCacheDir(dir, ctx.warn);
  try {
    return await withFileLock(lockFilePath(file), async ({ waited }) => {
      let entry: LoginCacheEntry;
      try {
        entry = readCacheFile(file, loginSession, profile.name);
      } catch (error) {
        // Logged out: with --auto-login, signed in again (unless another process just did it).
        if (
          ctx.autoLogin && error instanceof LoginCacheError && error.missing
        ) {
          return await signInAgain({
            session: loginSession,
            file,
            entry: undefined,
            failure: error,
            errorCode: undefined,
            ctx,
          });
        }
        throw error;
      }
      if (!needsRefresh(entry, ctx.now())) {
        ctx.debug(
          "another process refreshed the session while we waited; using its credentials",
        );
        return credentialsFromEntry(entry);
      }
      if (waited && still(entry, ctx.now())) {
        ctx.debug(
          "another process just tried to refresh the session and could not; the cached credentials are valid " +
            `until ${formatExpiresAt(entry.expiresAtMs)}, using them`,
        );
        return {
          ...credentialsFromEntry(entry),
          staleReason: "another process could not refresh the session",
        };
      }
      try {
        return await refreshLocked(entry, file, ctx);
      } catch (error) {
        if (
          ctx.autoLogin && error instanceof LoginRefreshError &&
          SESSION_ENDED_CODES.has(error.errorCode ?? "")
        ) {
          return await signInAgain({
            session: loginSession,
            file,
            entry,
            failure: error,
            errorCode: error.errorCode,
            ctx,
          });
        }
        throw error;
      }
    }, {
      now: ctx.now,
      sleep: ctx.sleep,
      signal: ctx.signal,
      // With --auto-login, another process may be waiting for a person at a browser.
      timeoutMs: ctx.autoLogin
        ? ctx.autoLogin.timeoutMs + LOCK_WAIT_MS
        : LOCK_WAIT_MS,
      ...(ctx.autoLogin
        ? {
          purpose:
            "to finish signing in again (or refreshing) this login session",
        }
        : {}),
      debug: ctx.debug,
      onNote: (note) => ctx.warn(waitingFor(note, ctx.now())),
    });
  } catch (error) {
    if (!(error instanceof LockTimeoutError)) throw error;
    const entry = readCacheFile(file, loginSession, profile.name);
    if (!still(entry, ctx.now())) throw error;
    ctx.debug(
      `timed out waiting for the lock ${error.path}; the cached credentials are still valid until ` +
        `${formatExpiresAt(entry.expiresAtMs)}, using them`,
    );
    return {
      ...credentialsFromEntry(entry),
      staleReason: "another process held the session's lock too long",
    };
  }
}

/** The refresh itself, with the entry's lock held. */
async function refreshLocked(
  entry: LoginCacheEntry,
  file: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const profile = ctx.profile;
  const region = resolveRegion({
    env: ctx.env,
    profile: profile.settings,
    refresh: { sessionRegion: entry.signInRegion },
  });
  if (!region) {
    throw new ConfigurationError(
      `Cannot refresh the login session of profile '${profile.name}': no region is known for it. Set one with ` +
        `"aws-signin configure set region us-east-1 --profile ${profile.name}" or AWS_REGION.`,
      { code: "NoRegion" },
    );
  }
  const endpoint = resolveEndpoint("signin", {
    region: region.region,
    env: ctx.env,
    profile: profile.settings,
    shared: profile.shared,
  });
  ctx.debug(
    `refreshing against ${endpoint.url} (from ${endpoint.source}; region ${region.region} from ${region.source})`,
  );
  const insecure = plainHttpWarning(endpoint.url, "signin");
  if (insecure) ctx.warn(insecure);
  let key;
  try {
    key = await dpopKeyFromPem(entry.dpopKey);
  } catch (error) {
    throw new LoginRefreshError(
      `Error loading login session token: ${(error as Error).message}. Run '${
        loginCommand(profile.name)
      }' to sign in again.`,
      undefined,
    );
  }
  let out: TokenOutput;
  try {
    out = await createOAuth2Token({
      endpoint: endpoint.url,
      body: {
        clientId: entry.clientId,
        refreshToken: entry.refreshToken,
        grantType: "refresh_token",
      },
      key,
      now: ctx.now,
      fetch: ctx.fetch,
      sleep: ctx.sleep,
      signal: ctx.signal,
      deadline: ctx.now() + REFRESH_BUDGET_MS,
      debug: ctx.debug,
    });
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    const unreachable = error instanceof EndpointConnectionError ||
      (error instanceof ServiceError &&
        (error.status >= 500 || error.status === 429));
    if (unreachable && still(entry, ctx.now())) {
      ctx.debug(
        `the refresh failed (${
          (error as Error).message
        }); the cached credentials are still valid until ` +
          `${formatExpiresAt(entry.expiresAtMs)}, using them`,
      );
      return {
        ...credentialsFromEntry(entry),
        staleReason: (error as Error).message.replace(/\.$/, ""),
      };
    }
    if (isInvalidGrant(error) && error.hint === undefined) {
      error.hint = invalidGrantHint(region, entry, profile.name);
    }
    throw refreshErrorFor(error, profile.name);
  }
  const expiresAtMs = ctx.now() + out.expiresIn * 1000;
  const fresh: Credentials = {
    accessKeyId: out.accessKeyId,
    secretAccessKey: out.secretAccessKey,
    sessionToken: out.sessionToken,
    expiration: Math.floor(expiresAtMs / 1000) * 1000,
    accountId: entry.accessToken.accountId,
    method: "login",
  };
  await saveRefreshed(
    entry,
    file,
    refreshedCacheJson(entry, { ...out, expiresAtMs }),
    ctx,
  );
  ctx.debug(
    `refreshed; the new credentials expire at ${formatExpiresAt(expiresAtMs)}`,
  );
  return fresh;
}

/**
 * Writes the refreshed entry, unless the entry on disk is gone or was
 * replaced meanwhile (a tool that does not take our lock); a write that fails
 * is a warning, not a failure: the refresh itself worked.
 */
async function saveRefreshed(
  started: LoginCacheEntry,
  file: string,
  json: string,
  ctx: ProviderContext,
): Promise<void> {
  let current: string | undefined;
  try {
    current = await Deno.readTextFile(file);
  } catch {
    current = undefined;
  }
  let same = false;
  try {
    const now = current === undefined ? undefined : JSON.parse(current);
    same = now?.refreshToken === started.refreshToken &&
      now?.dpopKey === started.dpopKey;
  } catch {
    same = false;
  }
  if (!same) {
    ctx.debug(
      current === undefined
        ? "the cache entry was removed while refreshing (logout); not saving the refreshed credentials"
        : "the cache entry was replaced while refreshing (a new login); keeping it",
    );
    return;
  }
  try {
    await writeCacheFile(file, json);
  } catch (error) {
    ctx.warn(
      `The refreshed credentials could not be saved to the login cache (${
        (error as Error).message.replace(/\.$/, "")
      }). They are printed anyway; the next command will refresh again. Free some space or fix the folder's ` +
        "permissions.",
    );
  }
}

/** Sign-In's answer to a refresh token it does not know: sent to another region than the one that issued it, most often. */
function isInvalidGrant(error: unknown): error is ServiceError {
  return error instanceof ServiceError && error.status === 400 &&
    (error.errorCode === "INVALID_REQUEST" ||
      error.code === "ValidationException");
}

const REGION_FROM: Readonly<Record<string, string>> = {
  "login session": "the region the login cache entry says issued the session",
  "profile": "the profile's region",
  "AWS_REGION": "AWS_REGION",
  "AWS_DEFAULT_REGION": "AWS_DEFAULT_REGION",
};

/** What to do about an invalid grant: where the refresh went, why there, and how to send it where the session is. */
function invalidGrantHint(
  region: { region: string; source: string },
  entry: LoginCacheEntry,
  profile: string,
): string {
  const lost = entry.signInRegion === undefined
    ? " The login cache entry does not record which region issued the session (the AWS CLI does not record " +
      "it, and other AWS SDKs drop it when they rewrite the entry)."
    : "";
  return `The refresh went to Sign-In in ${region.region} (${
    REGION_FROM[region.source] ?? region.source
  }), and a session can only be refreshed in the region that issued it.${lost} Set the profile's region to ` +
    `the region you signed in to ("aws-signin configure set region REGION --profile ${profile}"), or sign in ` +
    `again with '${loginCommand(profile)} --region REGION'.`;
}
