/**
 * Credentials of a `login_session` profile, from the login cache. A fresh
 * entry (more than five minutes left) is returned at once, with no key
 * loading and no network; otherwise the refresh module is loaded and the
 * entry refreshed under a cross-process lock.
 *
 * @example
 * ```ts
 * const creds = await loginCredentials(session, providerContext);
 * ```
 * @module
 */

import {
  loginCacheDir,
  type LoginCacheEntry,
  readCacheEntry,
} from "../cache/login_cache.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** Refresh when this much or less is left (botocore, JS and Rust agree on five minutes). */
export const REFRESH_WINDOW_MS = 5 * 60_000;

/** The credentials a cache entry holds. */
export function credentialsFromEntry(entry: LoginCacheEntry): Credentials {
  return {
    accessKeyId: entry.accessToken.accessKeyId,
    secretAccessKey: entry.accessToken.secretAccessKey,
    sessionToken: entry.accessToken.sessionToken,
    expiration: entry.expiresAtMs,
    accountId: entry.accessToken.accountId,
    method: "login",
  };
}

/** Loads (and if needed refreshes) the credentials of a login session. */
export async function loginCredentials(
  loginSession: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const dir = loginCacheDir(ctx.env);
  const entry = readCacheEntry(dir, loginSession, ctx.profile);
  const left = entry.expiresAtMs - ctx.now();
  if (left > REFRESH_WINDOW_MS) {
    ctx.debug(
      `login session ${loginSession}: cached credentials valid for ${
        Math.round(left / 1000)
      } s, no refresh`,
    );
    return credentialsFromEntry(entry);
  }
  ctx.debug(
    left > 0
      ? `login session ${loginSession}: ${
        Math.round(left / 1000)
      } s left, refreshing`
      : `login session ${loginSession}: expired ${
        Math.round(-left / 1000)
      } s ago, refreshing`,
  );
  const { refreshLoginSession } = await import("./login_refresh.ts");
  return await refreshLoginSession(loginSession, dir, ctx);
}
