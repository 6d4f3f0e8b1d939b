/**
 * What a login cache entry is worth as credentials, and when it needs a
 * refresh: shared by the fast path (a fresh entry) and the refresh.
 *
 * @example
 * ```ts
 * import { validateCacheEntry } from "../cache/login_cache.ts";
 * const entry = validateCacheEntry({
 *   accessToken: { accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "t",
 *     accountId: "111122223333", expiresAt: "2099-01-01T00:00:00Z" },
 *   clientId: "arn:aws:signin:::devtools/same-device", refreshToken: "r", dpopKey: "k",
 * }, "arn:aws:iam::111122223333:user/demo", "dev");
 * needsRefresh(entry, Date.now()); // false
 * credentialsFromEntry(entry).method; // "login"
 * ```
 * @module
 */

import type { LoginCacheEntry } from "../cache/login_cache.ts";
import type { Credentials } from "./types.ts";

/** Refresh when this much or less is left (botocore, JS and Rust agree on five minutes). */
export const REFRESH_WINDOW_MS = 5 * 60_000;

/** A console session lasts at most 12 hours: credentials that expired longer ago cannot be refreshed. */
export const SESSION_LIMIT_MS = 12 * 3600_000;

/** Whether an entry is within the refresh window (or expired) at `now`. */
export function needsRefresh(entry: LoginCacheEntry, now: number): boolean {
  return entry.expiresAtMs - now <= REFRESH_WINDOW_MS;
}

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
