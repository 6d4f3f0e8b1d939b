/**
 * Refreshing a login session (protocol.md §8), safely across processes: take
 * the entry's lock, re-read it (another process may have refreshed it: then
 * no network call), call `CreateOAuth2Token` with a DPoP proof from the cached
 * key against the region that issued the session, and replace the entry
 * atomically. Loaded only when a refresh is due.
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
  ConfigurationError,
  EndpointConnectionError,
  InterruptedError,
  ServiceError,
} from "../errors.ts";
import { loginCommand } from "../config/profiles.ts";
import { resolveRegion } from "../config/region.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import {
  cacheFilePath,
  lockFilePath,
  LoginCacheError,
  readCacheEntry,
} from "../cache/login_cache.ts";
import {
  refreshedCacheJson,
  writeCacheFile,
} from "../cache/login_cache_write.ts";
import { dpopKeyFromPem } from "../signin/dpop.ts";
import { createOAuth2Token } from "../signin/token_client.ts";
import { refreshErrorFor } from "../signin/token_errors.ts";
import { withFileLock } from "../util/lock.ts";
import { formatExpiresAt } from "../util/time.ts";
import { credentialsFromEntry, needsRefresh } from "./login_entry.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** Refreshes the entry of a session under its lock and returns the credentials. */
export async function refreshLoginSession(
  loginSession: string,
  dir: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const profile = ctx.profile;
  const file = cacheFilePath(dir, loginSession);
  return await withFileLock(lockFilePath(file), async () => {
    const entry = readCacheEntry(dir, loginSession, profile.name);
    if (!needsRefresh(entry, ctx.now())) {
      ctx.debug(
        "another process refreshed the session while we waited; using its credentials",
      );
      return credentialsFromEntry(entry);
    }
    const region = resolveRegion({
      env: ctx.env,
      profile: profile.settings,
      refresh: { sessionRegion: entry.signInRegion },
    });
    if (!region) {
      throw new ConfigurationError(
        `Cannot refresh the login session of profile '${profile.name}': no region is known for it. Set one with ` +
          `"aws-signin configure set region us-east-1 --profile ${profile.name}" or AWS_REGION.`,
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
    let key;
    try {
      key = await dpopKeyFromPem(entry.dpopKey);
    } catch (error) {
      throw new LoginCacheError(
        `Error loading login session token: ${(error as Error).message}. Run '${
          loginCommand(profile.name)
        }' to sign in again.`,
      );
    }
    let out;
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
        debug: ctx.debug,
      });
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      const stillValid = entry.expiresAtMs > ctx.now();
      const unreachable = error instanceof EndpointConnectionError ||
        (error instanceof ServiceError &&
          (error.status >= 500 || error.status === 429));
      if (unreachable && stillValid) {
        ctx.debug(
          `the refresh failed (${
            (error as Error).message
          }); the cached credentials are still valid until ` +
            `${formatExpiresAt(entry.expiresAtMs)}, using them`,
        );
        return credentialsFromEntry(entry);
      }
      throw refreshErrorFor(error, profile.name);
    }
    const expiresAtMs = ctx.now() + out.expiresIn * 1000;
    await writeCacheFile(
      file,
      refreshedCacheJson(entry, { ...out, expiresAtMs }),
    );
    ctx.debug(
      `refreshed; the new credentials expire at ${
        formatExpiresAt(expiresAtMs)
      }`,
    );
    return {
      accessKeyId: out.accessKeyId,
      secretAccessKey: out.secretAccessKey,
      sessionToken: out.sessionToken,
      expiration: Math.floor(expiresAtMs / 1000) * 1000,
      accountId: entry.accessToken.accountId,
      method: "login",
    };
  }, {
    now: ctx.now,
    sleep: ctx.sleep,
    signal: ctx.signal,
    debug: ctx.debug,
  });
}
