/**
 * What the caches say about an IAM Identity Center profile, read without a
 * lock, a refresh or a write (for `status`, `doctor` and the files a server
 * watches): where its token is (`~/.aws/sso/cache/{sha1}.json`, named by
 * the session, or by the start URL for a legacy profile), whether that token
 * is valid, due for a refresh (15 minutes, botocore's window), expired or
 * absent, and whether it can be refreshed at all (a session's token with a
 * refresh token and a client registration that has not expired; a legacy
 * profile's never can).
 *
 * @example
 * ```ts
 * const state = await ssoTokenState(
 *   { sessionName: "my-sso", startUrl: "https://d-1234567890.awsapps.com/start" },
 *   { env: { HOME: "/nonexistent" }, now: Date.now() },
 * );
 * state.state; // "absent"
 * ```
 * @module
 */

import type { SsoCredentialConfig } from "../config/sso_config.ts";
import {
  readSsoToken,
  ssoCacheDir,
  ssoTokenFile,
  ssoTokenKey,
  SsoTokenLoadError,
} from "../cache/sso_token_cache.ts";
import type { Env } from "../util/env.ts";
import { formatExpiresAt } from "../util/time.ts";

/** A session's token is refreshed when less than this is left (botocore's `_REFRESH_WINDOW`). */
export const SSO_REFRESH_WINDOW_MS = 15 * 60_000;

/**
 * The token file an SSO profile's credentials come from
 * (`~/.aws/sso/cache/{sha1 of the session name, or of the legacy start URL}.json`).
 *
 * @example
 * ```ts
 * await ssoTokenFileOf({ sessionName: "my-sso", startUrl: "https://x.awsapps.com/start" }, { env: { HOME: "/h" } });
 * // "/h/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"
 * ```
 */
export async function ssoTokenFileOf(
  config: Pick<SsoCredentialConfig, "startUrl" | "sessionName">,
  ctx: { readonly env: Env },
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

/** How a token is: `absent` (never signed in, or signed out), `invalid` (unreadable). */
export type SsoTokenStateName =
  | "valid"
  | "needs-refresh"
  | "expired"
  | "absent"
  | "invalid";

/** A session's (or legacy start URL's) token, as its file says. */
export interface SsoTokenState {
  /** The `[sso-session]`; `undefined` for a legacy profile. */
  readonly sessionName?: string;
  readonly startUrl: string;
  readonly file: string;
  readonly state: SsoTokenStateName;
  /** When the access token expires (absent and invalid tokens: undefined). */
  readonly expiresAtMs?: number;
  /** When the client registration in the token file expires, when it says. */
  readonly registrationExpiresAtMs?: number;
  /** Whether the token can be refreshed (a refresh token, a client, a registration that has not expired). */
  readonly canRefresh: boolean;
  /** Why it cannot be refreshed, in a few words (only when it cannot). */
  readonly noRefresh?: string;
  /** Why an `invalid` token cannot be used. */
  readonly error?: string;
  /** Whether a command can get credentials with it without a new sign-in (as far as the file tells). */
  readonly usable: boolean;
}

/**
 * The state of the token a profile's session (or legacy start URL) uses.
 * A token that has expired but can be refreshed is usable (the session may
 * still have ended on the service's side: only a call can tell).
 *
 * @throws {ConfigurationError} when the token file is a symbolic link, or there is no home folder.
 */
export async function ssoTokenState(
  config: Pick<SsoCredentialConfig, "startUrl" | "sessionName">,
  ctx: { readonly env: Env; readonly now: number },
): Promise<SsoTokenState> {
  const file = await ssoTokenFileOf(config, ctx);
  const base = {
    ...(config.sessionName !== undefined
      ? { sessionName: config.sessionName }
      : {}),
    startUrl: config.startUrl,
    file,
  };
  let token;
  try {
    token = readSsoToken(file, config);
  } catch (error) {
    if (!(error instanceof SsoTokenLoadError)) throw error;
    return {
      ...base,
      state: error.missing ? "absent" : "invalid",
      canRefresh: false,
      noRefresh: "there is no token to refresh",
      ...(error.missing ? {} : { error: error.message }),
      usable: false,
    };
  }
  const now = ctx.now;
  const registration = token.registrationExpiresAtMs;
  const noRefresh = config.sessionName === undefined
    ? "a legacy profile's token (sso_start_url on the profile, no sso_session) cannot be refreshed"
    : !token.refreshToken
    ? "the token has no refresh token (a device-code sign-in to a session without sso_registration_scopes gets none)"
    : !token.clientId || !token.clientSecret || registration === undefined
    ? "the token file holds no client registration to refresh it with"
    : registration <= now
    ? `its client registration expired at ${formatExpiresAt(registration)}`
    : undefined;
  const left = token.expiresAtMs - now;
  const window = noRefresh === undefined ? SSO_REFRESH_WINDOW_MS : 0;
  return {
    ...base,
    state: left > window ? "valid" : left > 0 ? "needs-refresh" : "expired",
    expiresAtMs: token.expiresAtMs,
    ...(registration !== undefined
      ? { registrationExpiresAtMs: registration }
      : {}),
    canRefresh: noRefresh === undefined,
    ...(noRefresh !== undefined ? { noRefresh } : {}),
    usable: left > 0 || noRefresh === undefined,
  };
}
