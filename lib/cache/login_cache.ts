/**
 * The login cache shared with the AWS CLI and SDKs (protocol.md §7):
 * `{cache dir}/{sha256hex(login_session)}.json`, written in the AWS CLI's
 * layout (key order, `", "` separators, whole-second `Z` times, SEC1 key),
 * read leniently (any RFC 3339 time, PKCS#8 keys, missing `idToken` or
 * `tokenType`, unknown keys kept), and always replaced atomically with mode
 * 0600 in a 0700 folder.
 *
 * @example
 * ```ts
 * const dir = loginCacheDir({ HOME: "/home/alice" }); // "/home/alice/.aws/login/cache"
 * try {
 *   await readCacheEntry(dir, "arn:aws:iam::111122223333:user/demo", "dev");
 * } catch (error) {
 *   if (!(error instanceof LoginCacheError)) throw error; // no such entry: sign in again
 * }
 * ```
 * @module
 */

import { AwsSigninError, ConfigurationError } from "../errors.ts";
import { loginCommand } from "../config/selection.ts";
import { sha256Hex } from "../util/encoding.ts";
import { type Env, expandHome, homeDir } from "../util/env.ts";
import { plainEntry, refuseSymlink } from "../util/read.ts";
import { sha256HexSync } from "../util/sha.ts";
import { joinPath } from "../util/path.ts";
import { safeText } from "../util/safe_text.ts";
import { parseTime } from "../util/time.ts";

/** The cached credentials of a login. */
export interface CachedAccessToken {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly accountId: string;
  /** As written (the AWS CLI writes `2025-09-01T18:39:33Z`; others add fractions or offsets). */
  readonly expiresAt: string;
}

/** A validated cache entry. `raw` keeps every key, known or not, for rewriting. */
export interface LoginCacheEntry {
  readonly accessToken: CachedAccessToken;
  readonly clientId: string;
  readonly refreshToken: string;
  readonly dpopKey: string;
  readonly idToken?: string;
  readonly tokenType?: string;
  /** The region that issued the session (the JS SDK reads this key too). */
  readonly signInRegion?: string;
  /** The whole JSON object as read. */
  readonly raw: Record<string, unknown>;
  /** `accessToken.expiresAt` in milliseconds since the epoch. */
  readonly expiresAtMs: number;
}

/** The cache entry is missing or unusable: the next step is to sign in again. */
export class LoginCacheError extends AwsSigninError {
  /** The entry does not exist (logged out, or never signed in). */
  readonly missing: boolean;
  constructor(message: string, options: { missing?: boolean } = {}) {
    super(message, "other");
    this.name = "LoginCacheError";
    this.missing = options.missing ?? false;
  }
}

/** `AWS_LOGIN_CACHE_DIRECTORY` (with `~` and `$VARS` expanded, as the AWS CLI does) or `~/.aws/login/cache`. */
export function loginCacheDir(env: Env): string {
  const fromEnv = env.AWS_LOGIN_CACHE_DIRECTORY;
  if (fromEnv) {
    const expanded = fromEnv.includes("$")
      ? fromEnv.replace(
        /\$(\w+)|\$\{(\w+)\}/g,
        (m, a, b) => env[a ?? b] ?? m,
      )
      : fromEnv;
    return expandHome(expanded, env, "AWS_LOGIN_CACHE_DIRECTORY");
  }
  let home: string;
  try {
    home = homeDir(env);
  } catch {
    throw new ConfigurationError(
      "Cannot find the login cache folder: HOME is not set. Set AWS_LOGIN_CACHE_DIRECTORY to a folder for the " +
        "login cache (or set HOME).",
    );
  }
  return joinPath(home, ".aws", "login", "cache");
}

/** The cache file of a session: `{dir}/{sha256hex(session)}.json`. */
export async function cacheFilePath(
  dir: string,
  loginSession: string,
): Promise<string> {
  return joinPath(dir, `${await sha256Hex(loginSession)}.json`);
}

/** {@linkcode cacheFilePath}, synchronously (the hot path's own SHA-256, no WebCrypto). */
export function cacheFilePathSync(dir: string, loginSession: string): string {
  return joinPath(dir, `${sha256HexSync(loginSession)}.json`);
}

/** The lock file that serializes refreshes of one entry. */
export function lockFilePath(cacheFile: string): string {
  return `${cacheFile}.lock`;
}

/** The file beside an entry that remembers how the last `--auto-login` sign-in for it ended. */
export function signInMarkerPath(cacheFile: string): string {
  return `${cacheFile}.sign-in`;
}

/** Validates a parsed cache object. */
export function validateCacheEntry(
  raw: unknown,
  loginSession: string,
  profile: string,
): LoginCacheEntry {
  const missing = () =>
    new LoginCacheError(
      "Error loading login session token: Failed to load access token from token cache, missing one or more " +
        `required fields. Run "${loginCommand(profile)}" to sign in again.`,
    );
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw missing();
  }
  const obj = raw as Record<string, unknown>;
  const at = obj.accessToken as Record<string, unknown> | undefined;
  if (
    !at || typeof at !== "object" || !isStr(obj.clientId) ||
    !isStr(obj.refreshToken) || !isStr(obj.dpopKey) ||
    !isStr(at.accessKeyId) || !isStr(at.secretAccessKey) ||
    !isStr(at.sessionToken) || !isStr(at.accountId) ||
    !isStr(at.expiresAt)
  ) {
    throw missing();
  }
  const expiresAtMs = parseTime(at.expiresAt);
  if (Number.isNaN(expiresAtMs)) {
    throw new LoginCacheError(
      `Error loading login session token: the cached expiry "${
        safeText(at.expiresAt)
      }" of session ${loginSession} is not ` +
        `a valid time. Run "${loginCommand(profile)}" to sign in again.`,
    );
  }
  return {
    accessToken: {
      accessKeyId: at.accessKeyId,
      secretAccessKey: at.secretAccessKey,
      sessionToken: at.sessionToken,
      accountId: at.accountId,
      expiresAt: at.expiresAt,
    },
    clientId: obj.clientId,
    refreshToken: obj.refreshToken,
    dpopKey: obj.dpopKey,
    ...(isStr(obj.idToken) ? { idToken: obj.idToken } : {}),
    ...(isStr(obj.tokenType) ? { tokenType: obj.tokenType } : {}),
    ...(isStr(obj.signInRegion) ? { signInRegion: obj.signInRegion } : {}),
    raw: obj,
    expiresAtMs,
  };
}

/**
 * Reads and validates the cache entry of a session.
 *
 * @throws {LoginCacheError} when it is missing, not JSON, or lacks required fields.
 */
export async function readCacheEntry(
  dir: string,
  loginSession: string,
  profile: string,
): Promise<LoginCacheEntry> {
  return readCacheFile(
    await cacheFilePath(dir, loginSession),
    loginSession,
    profile,
  );
}

/** {@linkcode readCacheEntry}, from the session's cache file (see {@linkcode cacheFilePath}). */
export function readCacheFile(
  path: string,
  loginSession: string,
  profile: string,
): LoginCacheEntry {
  refuseSymlink(path, "the login cache entry");
  return readEntry(path, loginSession, profile);
}

/**
 * {@linkcode readCacheFile} for the hot path: `undefined` where the entry
 * is a symbolic link or cannot be shown not to be one without `lstat` (the
 * full command then reads it, and refuses a link).
 */
export function readPlainCacheFile(
  path: string,
  loginSession: string,
  profile: string,
): LoginCacheEntry | undefined {
  return plainEntry(path) ? readEntry(path, loginSession, profile) : undefined;
}

/** A non-empty string. */
function isStr(v: unknown): v is string {
  return typeof v === "string" && v !== "";
}

function readEntry(
  path: string,
  loginSession: string,
  profile: string,
): LoginCacheEntry {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new LoginCacheError(
        `Error loading login session token: Unable to load a existing login session for session ${loginSession}, ` +
          `Please reauthenticate with '${loginCommand(profile)}'.`,
        { missing: true },
      );
    }
    throw new LoginCacheError(
      `Cannot read the login cache "${path}": ${(error as Error).message}.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LoginCacheError(
      `Error loading login session token: the login cache "${path}" is not valid JSON. ` +
        `Run "${loginCommand(profile)}" to sign in again.`,
    );
  }
  return validateCacheEntry(raw, loginSession, profile);
}
