/**
 * What a long-running credential server (`serve`, `exec --server`)
 * remembers between requests, so that a session that has ended or a
 * Sign-In service that is down does not turn every request into a call:
 *
 * - a refusal that cannot heal by itself (the session expired, the password
 *   changed, logged out, a configuration error) is remembered until the files
 *   it depends on change (a new login, an edited config): until then every
 *   request gets the same error at once, and the user is told once;
 * - a failure that may pass (network, 5xx, 429, a lock held too long, the
 *   refresh that fell back to still-valid cached credentials) starts a
 *   jittered back-off, as the AWS SDKs for Java and Rust do: meanwhile the
 *   last good credentials are served while they are valid (or the last error
 *   is answered at once), and the lookup is tried again only after it.
 *
 * @example
 * ```ts
 * const lookup = rememberingCredentials({
 *   lookup: () => Promise.resolve({ accessKeyId: "ASIA", secretAccessKey: "s", method: "login" }),
 *   fingerprint: () => "v1",
 *   now: Date.now,
 *   warn: () => {},
 * });
 * await lookup();
 * ```
 * @module
 */

import { AwsSigninError, ConfigurationError, ServiceError } from "../errors.ts";
import { LoginCacheError } from "../cache/login_cache.ts";
import { LoginRefreshError } from "../signin/token_errors.ts";
import { AutoLoginFailedError } from "../credentials/login_again.ts";
import { SsoTokenLoadError } from "../cache/sso_token_cache.ts";
import { SsoConfigError } from "../config/sso_config.ts";
import { SsoTokenExpiredError, SsoUnauthorizedError } from "../sso/errors.ts";
import type { Credentials } from "../credentials/types.ts";
import { formatExpiresAt } from "../util/time.ts";

/** The first back-off after a failure that may pass; it doubles up to {@linkcode MAX_BACKOFF_MS}. */
export const FIRST_BACKOFF_MS = 30_000;
/** The longest back-off. */
export const MAX_BACKOFF_MS = 5 * 60_000;

/** What the memory needs. */
export interface MemoryOptions {
  /** Looks the credentials up (refreshing as needed). */
  readonly lookup: () => Promise<Credentials>;
  /** Changes whenever the files a lasting refusal depends on change (the profile's cache entries, the shared files). */
  readonly fingerprint: () => string | Promise<string>;
  readonly now: () => number;
  /** A number in [0, 1) for the jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Tells the user, once per new situation. */
  readonly warn: (message: string) => void;
  readonly debug?: (message: string) => void;
  /** What the warning about a lasting refusal ends with: what to do (default: the server keeps running). */
  readonly lastingHint?: string | (() => string);
  /** Credentials already looked up (served until they are due, like any other). */
  readonly seed?: Credentials;
}

/**
 * Whether an error will be there on every try until the user does something
 * (and the files change): a login session or an IAM Identity Center token
 * that has ended, is missing or is refused, a configuration error, a failed
 * `--auto-login`.
 */
export function isLasting(error: unknown): boolean {
  if (
    error instanceof LoginRefreshError || error instanceof LoginCacheError ||
    error instanceof ConfigurationError ||
    error instanceof AutoLoginFailedError ||
    error instanceof SsoTokenLoadError ||
    error instanceof SsoTokenExpiredError ||
    error instanceof SsoUnauthorizedError || error instanceof SsoConfigError
  ) return true;
  return error instanceof ServiceError &&
    error.operation === "CreateOAuth2Token" && error.status >= 400 &&
    error.status < 500 && error.status !== 429;
}

/** A lookup with memory: see the module's description. */
export function rememberingCredentials(
  options: MemoryOptions,
): () => Promise<Credentials> {
  const random = options.random ?? Math.random;
  const debug = options.debug ?? (() => {});
  let lastGood: Credentials | undefined;
  let toldLongLived = false;
  // Long-term keys are handed out as they are: say so once.
  const note = (creds: Credentials) => {
    if (creds.expiration !== undefined || toldLongLived) return;
    toldLongLived = true;
    options.warn(
      `The profile's credentials (${creds.method}) never expire: clients get long-term keys, not short-lived ones.`,
    );
  };
  if (options.seed) note(options.seed);
  let lasting: { error: unknown; fingerprint: string } | undefined;
  let failures = 0;
  let retryAt = 0;
  let lastError: unknown;

  const valid = (creds: Credentials | undefined, now: number) =>
    creds !== undefined &&
    (creds.expiration === undefined || creds.expiration > now);

  const backOff = (now: number, why: string) => {
    const base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** failures);
    failures++;
    // Half to all of the base, so that many servers do not retry together.
    const wait = Math.round(base * (0.5 + random() / 2));
    retryAt = now + wait;
    const serving = valid(lastGood, now) && lastGood!.expiration !== undefined
      ? `; serving the cached credentials (valid until ${
        formatExpiresAt(lastGood!.expiration)
      }) meanwhile`
      : "";
    const message =
      `Could not get fresh credentials (${why}); trying again in ${
        Math.round(wait / 1000)
      } s${serving}.`;
    if (failures === 1) options.warn(message);
    else debug(message);
  };

  return async () => {
    const now = options.now();
    if (lasting) {
      if (await options.fingerprint() === lasting.fingerprint) {
        throw lasting.error;
      }
      debug(
        "the login cache or the config changed: looking the credentials up again",
      );
      lasting = undefined;
    }
    if (now < retryAt) {
      if (valid(lastGood, now)) return lastGood!;
      if (lastError !== undefined) throw lastError;
    }
    const fingerprint = await options.fingerprint();
    let creds: Credentials;
    try {
      creds = await options.lookup();
    } catch (error) {
      if (isLasting(error)) {
        lasting = { error, fingerprint };
        lastGood = undefined;
        failures = 0;
        retryAt = 0;
        const hint = typeof options.lastingHint === "function"
          ? options.lastingHint()
          : options.lastingHint;
        options.warn(
          `${(error as Error).message} ${
            hint ?? "(The server keeps running.)"
          }`,
        );
        throw error;
      }
      lastError = error;
      backOff(
        options.now(),
        error instanceof AwsSigninError
          ? error.message.replace(/\.$/, "")
          : String(error),
      );
      if (valid(lastGood, options.now())) return lastGood!;
      throw error;
    }
    if (creds.staleReason !== undefined) {
      // The refresh failed, and the cache still had valid credentials.
      lastGood = creds;
      lastError = undefined;
      backOff(options.now(), creds.staleReason);
      return creds;
    }
    note(creds);
    if (failures > 0) debug("fresh credentials again");
    failures = 0;
    retryAt = 0;
    lastError = undefined;
    lastGood = creds;
    return creds;
  };
}
