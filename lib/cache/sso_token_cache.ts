/**
 * The IAM Identity Center token cache shared with the AWS CLI and the SDKs
 * (protocol-sso.md §3.1, §3.3, §3.5): `~/.aws/sso/cache/{sha1}.json`, named
 * by the session name (or, for a legacy profile, by the start URL exactly as
 * configured), with no variable to move it. Written in the AWS CLI's bytes
 * (Python's `json.dumps`, its key order, whole-second `Z` times, no final
 * newline), atomically with mode 0600 in a 0700 folder and never through a
 * link; read leniently (the JS SDK's pretty JSON with milliseconds, the Go
 * SDK's alphabetical form with a newline, unknown keys), with botocore's
 * error texts. The refresh lock is `{file}.lock`, as for the login cache.
 *
 * @example
 * ```ts
 * const dir = ssoCacheDir({ HOME: "/home/alice" }); // "/home/alice/.aws/sso/cache"
 * const file = ssoTokenFile(dir, await ssoTokenKey({ sessionName: "my-sso", startUrl: "https://d-1234567890.awsapps.com/start" }));
 * // "/home/alice/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";
import { sha1Hex } from "../util/encoding.ts";
import { type Env, homeDir } from "../util/env.ts";
import { writeFileAtomic } from "../util/files.ts";
import { dirName, joinPath } from "../util/path.ts";
import { pyJsonDumps } from "../util/py_json.ts";
import { ownedByAnotherUser, refuseSymlink } from "../util/read.ts";
import { formatExpiresAt, parseTime } from "../util/time.ts";
import { type CacheDirNames, prepareCacheDir } from "./login_cache_dir.ts";

/**
 * A cached token is missing or unusable (botocore's `SSOTokenLoadError`,
 * exit 255): `Error loading SSO Token: Token for X does not exist` / `is
 * invalid`.
 *
 * @example
 * ```ts
 * new SsoTokenLoadError("Token for my-sso does not exist", { missing: true }).message;
 * // "Error loading SSO Token: Token for my-sso does not exist"
 * ```
 */
export class SsoTokenLoadError extends AwsSigninError {
  /** The file does not exist (never signed in, or signed out). */
  readonly missing: boolean;
  constructor(detail: string, options: { missing?: boolean } = {}) {
    super(`Error loading SSO Token: ${detail}`, "other");
    this.name = "SsoTokenLoadError";
    this.missing = options.missing ?? false;
  }
}

/**
 * `~/.aws/sso/cache`, as every AWS tool has it (no variable moves it).
 *
 * @example
 * ```ts
 * ssoCacheDir({ HOME: "/home/alice" }); // "/home/alice/.aws/sso/cache"
 * ```
 * @throws {ConfigurationError} when there is no home folder.
 */
export function ssoCacheDir(env: Env): string {
  return joinPath(homeDir(env), ".aws", "sso", "cache");
}

/**
 * The cache key of a token: lowercase hex SHA-1 of the session name, or of
 * the start URL for a legacy profile (botocore's `_generate_cache_key`).
 *
 * @example
 * ```ts
 * await ssoTokenKey({ sessionName: "admin", startUrl: "https://x.awsapps.com/start" });
 * // "d033e22ae348aeb5660fc2140aec35850c4da997"
 * ```
 */
export function ssoTokenKey(init: {
  readonly startUrl: string;
  readonly sessionName?: string | undefined;
}): Promise<string> {
  return sha1Hex(init.sessionName ?? init.startUrl);
}

/**
 * The file of a cache key (tokens and registrations alike).
 *
 * @example
 * ```ts
 * ssoTokenFile("/home/alice/.aws/sso/cache", "0ad374308c5a4e22f723adf10145eafad7c4031c");
 * ```
 */
export function ssoTokenFile(dir: string, key: string): string {
  return joinPath(dir, `${key}.json`);
}

/**
 * The lock that serializes refreshes (and logins) of one token file:
 * `{file}.lock` beside it, the login cache's convention. The AWS CLI's
 * `sso logout` skips it (it is not JSON).
 *
 * @example
 * ```ts
 * ssoTokenLockPath("/c/0ad3.json"); // "/c/0ad3.json.lock"
 * ```
 */
export function ssoTokenLockPath(file: string): string {
  return `${file}.lock`;
}

/** A token as read from the cache. Only `accessToken` and `expiresAt` are required. */
export interface SsoToken {
  readonly accessToken: string;
  /** As written (the AWS CLI writes `2026-12-05T01:26:22Z`; the JS SDK adds milliseconds). */
  readonly expiresAt: string;
  /** `expiresAt` in milliseconds since the epoch. */
  readonly expiresAtMs: number;
  readonly refreshToken?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** As written: the refresh copies it as it is. */
  readonly registrationExpiresAt?: string;
  /** `registrationExpiresAt` in milliseconds, when it is a valid time. */
  readonly registrationExpiresAtMs?: number;
  readonly region?: string;
  readonly startUrl?: string;
  /** The whole JSON object as read. */
  readonly raw: Record<string, unknown>;
}

/**
 * A cache file's JSON object, or `undefined` when it is missing, a link,
 * another user's, unreadable, or not a JSON object (for sweeps and checks
 * that skip what they cannot use, as the AWS CLI's `sso logout` does).
 *
 * @example
 * ```ts
 * readSsoCacheJson("/nonexistent/x.json"); // undefined
 * ```
 */
export function readSsoCacheJson(
  file: string,
): Record<string, unknown> | undefined {
  try {
    const info = Deno.lstatSync(file);
    if (!info.isFile || ownedByAnotherUser(info)) return undefined;
    const value: unknown = JSON.parse(Deno.readTextFileSync(file));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

const text = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : undefined;

/**
 * Reads the token file of a session (or legacy start URL) as botocore's
 * `SSOTokenLoader` does: missing → `Token for {session or start URL} does
 * not exist`; not JSON, or without a usable `accessToken`/`expiresAt` →
 * `Token for {start URL} is invalid` (botocore names the start URL even for
 * a session). Another user's file counts as missing.
 *
 * @example
 * ```ts
 * try {
 *   readSsoToken("/nonexistent/0ad3.json", { startUrl: "https://x.awsapps.com/start", sessionName: "my-sso" });
 * } catch (error) {
 *   if (!(error instanceof SsoTokenLoadError)) throw error; // "…Token for my-sso does not exist"
 * }
 * ```
 * @throws {SsoTokenLoadError} as above.
 * @throws {ConfigurationError} when the file is a symbolic link.
 */
export function readSsoToken(
  file: string,
  names: {
    readonly startUrl: string;
    readonly sessionName?: string | undefined;
  },
): SsoToken {
  refuseSymlink(file, "the SSO token cache entry");
  const missing = () =>
    new SsoTokenLoadError(
      `Token for ${names.sessionName ?? names.startUrl} does not exist`,
      { missing: true },
    );
  const invalid = () =>
    new SsoTokenLoadError(`Token for ${names.startUrl} is invalid`);
  let body: string;
  try {
    if (ownedByAnotherUser(Deno.lstatSync(file))) throw missing();
    body = Deno.readTextFileSync(file);
  } catch (error) {
    if (error instanceof SsoTokenLoadError) throw error;
    if (error instanceof Deno.errors.NotFound) throw missing();
    throw invalid();
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw invalid();
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw invalid();
  }
  const obj = raw as Record<string, unknown>;
  const accessToken = text(obj.accessToken);
  const expiresAt = text(obj.expiresAt);
  const expiresAtMs = expiresAt === undefined ? NaN : parseTime(expiresAt);
  if (accessToken === undefined || Number.isNaN(expiresAtMs)) throw invalid();
  const registrationExpiresAt = text(obj.registrationExpiresAt);
  const registrationMs = registrationExpiresAt === undefined
    ? NaN
    : parseTime(registrationExpiresAt);
  const optional: Record<string, string | number> = {};
  for (
    const key of [
      "refreshToken",
      "clientId",
      "clientSecret",
      "region",
      "startUrl",
    ] as const
  ) {
    const value = text(obj[key]);
    if (value !== undefined) optional[key] = value;
  }
  return {
    accessToken,
    expiresAt: expiresAt!,
    expiresAtMs,
    ...optional,
    ...(registrationExpiresAt !== undefined ? { registrationExpiresAt } : {}),
    ...(Number.isNaN(registrationMs)
      ? {}
      : { registrationExpiresAtMs: registrationMs }),
    raw: obj,
  };
}

/** What a login (or a refresh) stores. */
export interface NewSsoToken {
  /** The configured `sso_start_url` (not a vanity URL's resolution). */
  readonly startUrl: string;
  /** The SSO region used. */
  readonly region: string;
  readonly accessToken: string;
  /** Now + `expiresIn`, milliseconds since the epoch (written in whole seconds). */
  readonly expiresAtMs: number;
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * The registration's expiry: a cached string is copied as it is (whatever
   * form another tool wrote); milliseconds are formatted.
   */
  readonly registrationExpiresAt: string | number;
  /** Written only when there is one. */
  readonly refreshToken?: string | undefined;
}

/**
 * The token file's bytes exactly as the AWS CLI writes them: `startUrl,
 * region, accessToken, expiresAt, clientId, clientSecret,
 * registrationExpiresAt[, refreshToken]`, Python's separators and
 * `ensure_ascii`, `%Y-%m-%dT%H:%M:%SZ` times, no final newline.
 *
 * @example
 * ```ts
 * ssoTokenJson({ startUrl: "https://d-1234567890.awsapps.com/start", region: "us-east-1",
 *   accessToken: "at-2", expiresAtMs: Date.UTC(2026, 11, 5, 1, 26, 22), clientId: "cid-1",
 *   clientSecret: "csecret-1", registrationExpiresAt: "2027-03-04T17:26:21Z", refreshToken: "rt-2" });
 * // '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "at-2", …}'
 * ```
 */
export function ssoTokenJson(token: NewSsoToken): string {
  return pyJsonDumps({
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: formatExpiresAt(token.expiresAtMs),
    clientId: token.clientId,
    clientSecret: token.clientSecret,
    registrationExpiresAt: typeof token.registrationExpiresAt === "number"
      ? formatExpiresAt(token.registrationExpiresAt)
      : token.registrationExpiresAt,
    ...(token.refreshToken !== undefined
      ? { refreshToken: token.refreshToken }
      : {}),
  });
}

const SSO_CACHE: CacheDirNames = {
  what: "SSO cache folder",
  fix:
    "Make sure the folder .aws/sso/cache in your home folder can be created and written to " +
    "(every AWS tool keeps IAM Identity Center tokens there).",
};

/**
 * Makes sure the SSO cache folder exists with mode 0700 (created so, or
 * tightened when it is ours and group- or world-accessible, as the AWS CLI
 * creates it 0755); `warn` says so when it is not ours to change.
 *
 * @example
 * ```ts
 * await prepareSsoCacheDir(`${await Deno.makeTempDir()}/sso/cache`, () => {});
 * ```
 * @throws {ConfigurationError} when it cannot be created.
 */
export function prepareSsoCacheDir(
  dir: string,
  warn: (message: string) => void,
): Promise<void> {
  return prepareCacheDir(dir, warn, SSO_CACHE);
}

/**
 * Writes a token or registration file: the folder prepared (0700), the
 * file replaced atomically with mode 0600 (whatever mode another tool gave
 * it), never through a symbolic link. Take {@linkcode ssoTokenLockPath}'s
 * lock around a read-modify-write.
 *
 * @example
 * ```ts
 * const file = `${await Deno.makeTempDir()}/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json`;
 * await writeSsoCacheFile(file, '{"accessToken": "a"}', () => {});
 * ```
 * @throws {ConfigurationError} when the folder or file cannot be written, or the file is a link.
 */
export async function writeSsoCacheFile(
  file: string,
  json: string,
  warn: (message: string) => void,
): Promise<void> {
  await prepareSsoCacheDir(dirName(file), warn);
  await writeFileAtomic(file, json, {
    mode: 0o600,
    dirMode: 0o700,
    noFollow: true,
  });
}
