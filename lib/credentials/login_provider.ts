/**
 * Credentials of a `login_session` profile, from the login cache. A fresh
 * entry (more than five minutes left) is returned at once, with no key
 * loading and no network; otherwise the refresh module is loaded and the
 * entry refreshed under a cross-process lock.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * declare const ctx: ProviderContext;
 * const creds = await loginCredentials("arn:aws:iam::111122223333:user/demo", ctx);
 * ```
 * @module
 */

import {
  loginCacheDir,
  LoginCacheError,
  readCacheEntry,
} from "../cache/login_cache.ts";
import { loginCommand } from "../config/selection.ts";
import { credentialsFromEntry, needsRefresh } from "./login_entry.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** Loads (and if needed refreshes) the credentials of a login session. */
export async function loginCredentials(
  loginSession: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const dir = loginCacheDir(ctx.env);
  let entry;
  try {
    entry = await readCacheEntry(dir, loginSession, ctx.profile.name);
  } catch (error) {
    // Logged out, with --auto-login: signed in again, where a browser can open.
    if (
      ctx.autoLogin && error instanceof LoginCacheError && error.missing
    ) {
      if (!ctx.autoLogin.available.ok) {
        error.hint ??=
          `No sign-in was started (--auto-login): ${ctx.autoLogin.available.why}. Run '${
            loginCommand(ctx.profile.name)
          }' where a browser can open, or with --remote.`;
        throw error;
      }
      const { refreshLoginSession } = await import("./login_refresh.ts");
      return await refreshLoginSession(loginSession, dir, ctx);
    }
    throw error;
  }
  const left = entry.expiresAtMs - ctx.now();
  if (!needsRefresh(entry, ctx.now())) {
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
