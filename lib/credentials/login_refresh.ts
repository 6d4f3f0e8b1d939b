/**
 * Refreshing a login session (protocol.md §8), safely across processes: take
 * the entry's lock, re-read it (another process may have refreshed it: then
 * no network call), call `CreateOAuth2Token` with a DPoP proof from the cached
 * key against the region that issued the session, and replace the entry
 * atomically. Loaded only when a refresh is due.
 *
 * @example
 * ```ts
 * const creds = await refreshLoginSession(session, cacheDir, providerContext);
 * ```
 * @module
 */

import {
  AwsSigninError,
  ConfigurationError,
  InterruptedError,
  ServiceError,
} from "../errors.ts";
import { resolveEndpoint } from "../config/endpoints.ts";
import { mergedProfile, stringSetting } from "../config/profiles.ts";
import {
  cacheFilePath,
  formatExpiresAt,
  lockFilePath,
  LoginCacheError,
  readCacheEntry,
} from "../cache/login_cache.ts";
import {
  refreshedCacheJson,
  writeCacheFile,
} from "../cache/login_cache_write.ts";
import { withFileLock } from "../cache/lock.ts";
import { dpopKeyFromPem } from "../signin/dpop.ts";
import {
  createOAuth2Token,
  EmptyTokenResponseError,
  EndpointConnectionError,
} from "../signin/token_client.ts";
import { credentialsFromEntry, REFRESH_WINDOW_MS } from "./login_provider.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** The service refused the refresh; the message says how to sign in again. Exit 254. */
export class LoginRefreshError extends AwsSigninError {
  /** The OAuth2 error code, e.g. `TOKEN_EXPIRED`. */
  readonly errorCode: string | undefined;
  constructor(message: string, errorCode: string | undefined) {
    super(message, "service");
    this.name = "LoginRefreshError";
    this.errorCode = errorCode;
  }
}

function loginCommand(profile: string): string {
  return profile === "default"
    ? "aws-signin login"
    : `aws-signin login --profile ${profile}`;
}

function refreshError(error: ServiceError, profile: string): LoginRefreshError {
  const cmd = loginCommand(profile);
  switch (error.errorCode) {
    case "TOKEN_EXPIRED":
      return new LoginRefreshError(
        `Your session has expired. Please reauthenticate using '${cmd}'.`,
        error.errorCode,
      );
    case "USER_CREDENTIALS_CHANGED":
      return new LoginRefreshError(
        "Unable to refresh login credentials because of a change in your password. Please reauthenticate with " +
          `your new password using '${cmd}'.`,
        error.errorCode,
      );
    case "INSUFFICIENT_PERMISSIONS":
      return new LoginRefreshError(
        "Unable to create or refresh login credentials due to insufficient permissions. You may be missing " +
          "permission for the 'signin:CreateOAuth2Token' action. Ask your administrator to attach the AWS managed " +
          `policy SignInLocalDevelopmentAccess (or an equivalent) to your identity, then run '${cmd}'.`,
        error.errorCode,
      );
    default:
      return new LoginRefreshError(
        "An unspecified error happened when resolving AWS credentials or refreshing a login session profile " +
          `(${error.message}). Run '${cmd}' to sign in again.`,
        error.errorCode,
      );
  }
}

/** Refreshes the entry of a session under its lock and returns the credentials. */
export async function refreshLoginSession(
  loginSession: string,
  dir: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const file = cacheFilePath(dir, loginSession);
  return await withFileLock(lockFilePath(file), async () => {
    const entry = readCacheEntry(dir, loginSession, ctx.profile);
    if (entry.expiresAtMs - ctx.now() > REFRESH_WINDOW_MS) {
      ctx.debug(
        "another process refreshed the session while we waited; using its credentials",
      );
      return credentialsFromEntry(entry);
    }
    const profileValues = mergedProfile(ctx.shared, ctx.profile);
    const region = entry.signInRegion ||
      stringSetting(profileValues, "region") || ctx.env.AWS_REGION ||
      ctx.env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new ConfigurationError(
        `Cannot refresh the login session of profile '${ctx.profile}': no region is known for it. Set one with ` +
          `"aws-signin configure set region us-east-1 --profile ${ctx.profile}" or AWS_REGION.`,
      );
    }
    const endpoint = resolveEndpoint("signin", {
      region,
      env: ctx.env,
      profile: profileValues,
      shared: ctx.shared,
    });
    ctx.debug(
      `refreshing against ${endpoint.url} (from ${endpoint.source}; region ${region})`,
    );
    let key;
    try {
      key = await dpopKeyFromPem(entry.dpopKey);
    } catch (error) {
      throw new LoginCacheError(
        `Error loading login session token: ${(error as Error).message}. Run '${
          loginCommand(ctx.profile)
        }' to ` +
          `sign in again.`,
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
        signal: ctx.signal,
        debug: ctx.debug,
        ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
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
      if (
        error instanceof ServiceError && error.code === "AccessDeniedException"
      ) {
        throw refreshError(error, ctx.profile);
      }
      if (error instanceof EmptyTokenResponseError) {
        throw new AwsSigninError(
          "Error loading login session token: Failed to refresh an access token.",
        );
      }
      throw error;
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
  }, { signal: ctx.signal, debug: ctx.debug });
}
