/**
 * The AWS CLI's cache of assumed-role credentials (botocore's
 * `JSONFileCache` in `~/.aws/cli/cache`), shared so that a role assumed by
 * either tool is reused by the other without another STS call:
 *
 * - the file name is botocore's key: SHA-1 of the `AssumeRole` arguments as
 *   Python's `json.dumps(..., sort_keys=True)` writes them, without a
 *   generated session name;
 * - the content is the `AssumeRole` response as botocore stores it, with
 *   `Expiration` written as botocore writes a datetime
 *   (`2026-11-26T13:27:17UTC`); `…Z`, offsets and fractions are read too;
 * - writes (`role_cache_write.ts`) are locked, atomic, 0600 in a 0700
 *   folder, never through a link;
 * - the AWS CLI also keeps role credentials from IAM Identity Center here
 *   (protocol-sso.md §3.4): `{"ProviderType": "sso", "Credentials": ...}`
 *   under {@linkcode ssoRoleCacheKey}, read by the same reader.
 *
 * @example
 * ```ts
 * await roleCacheKey({ RoleArn: "arn:aws:iam::444455556666:role/Admin" });
 * // "…" (40 hex characters, as botocore computes it)
 * ```
 * @module
 */

import { type Env, homeDir } from "../util/env.ts";
import { ownedByAnotherUser, refuseSymlink } from "../util/read.ts";
import { joinPath } from "../util/path.ts";
import { pyJsonDumps } from "../util/py_json.ts";
import { sha1HexSync } from "../util/sha.ts";
import { parseTime } from "../util/time.ts";

/** The arguments of an `AssumeRole` call that make up the cache key (botocore's names). */
export interface RoleCacheArgs {
  readonly RoleArn: string;
  /** Only when the profile sets `role_session_name` (a generated name is left out of the key). */
  readonly RoleSessionName?: string;
  readonly ExternalId?: string;
  readonly SerialNumber?: string;
  readonly DurationSeconds?: number;
}

/** Assumed-role credentials from the cache. */
export interface CachedRole {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Milliseconds since the epoch. */
  readonly expiresAtMs: number;
  readonly accountId?: string;
  /** The assumed-role ARN, when the entry has it. */
  readonly arn?: string;
  /** The entry's `ProviderType` (`sso` for role credentials from IAM Identity Center), when it has one. */
  readonly providerType?: string;
}

/** `~/.aws/cli/cache`, as the AWS CLI has it. */
export function roleCacheDir(env: Env): string {
  return joinPath(homeDir(env), ".aws", "cli", "cache");
}

/** What botocore hashes for the arguments' key: their JSON, keys sorted, as Python writes it. */
function roleCacheKeyText(args: RoleCacheArgs): string {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(args).sort()) {
    const v = args[k as keyof RoleCacheArgs];
    if (v !== undefined) sorted[k] = v;
  }
  return pyJsonDumps(sorted);
}

/** botocore's cache key for the arguments: lowercase hex SHA-1 of their sorted JSON. */
export async function roleCacheKey(args: RoleCacheArgs): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-1",
    new TextEncoder().encode(roleCacheKeyText(args)),
  );
  return new Uint8Array(digest).toHex();
}

/** {@linkcode roleCacheKey}, synchronously (the hot path's own SHA-1, no WebCrypto). */
export function roleCacheKeySync(args: RoleCacheArgs): string {
  return sha1HexSync(roleCacheKeyText(args));
}

/** What an IAM Identity Center role's key is made of (see {@linkcode ssoRoleCacheKey}). */
export interface SsoRoleCacheKeyInit {
  readonly accountId: string;
  readonly roleName: string;
  /** The session (it wins over the start URL when both are given). */
  readonly sessionName?: string | undefined;
  readonly startUrl: string;
}

function ssoRoleCacheKeyText(init: SsoRoleCacheKeyInit): string {
  const args = {
    accountId: init.accountId,
    roleName: init.roleName,
    ...(init.sessionName !== undefined
      ? { sessionName: init.sessionName }
      : { startUrl: init.startUrl }),
  };
  return pyJsonDumps(args, { sortKeys: true, compact: true });
}

/**
 * botocore's cache key of role credentials from IAM Identity Center
 * (`SSOCredentialFetcher._create_cache_key`): SHA-1 of `accountId`,
 * `roleName` and `sessionName` (a session) or `startUrl` (a legacy profile)
 * as `json.dumps(..., sort_keys=True, separators=(",", ":"))` writes them.
 *
 * @example
 * ```ts
 * await ssoRoleCacheKey({ accountId: "111122223333", roleName: "Admin", sessionName: "my-sso",
 *   startUrl: "https://d-1234567890.awsapps.com/start" });
 * // "360f093cdc0bddf23eecc38b9cb6222fca5a195a"
 * ```
 */
export async function ssoRoleCacheKey(
  init: SsoRoleCacheKeyInit,
): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-1",
    new TextEncoder().encode(ssoRoleCacheKeyText(init)),
  );
  return new Uint8Array(digest).toHex();
}

/** {@linkcode ssoRoleCacheKey}, synchronously (the hot path's own SHA-1, no WebCrypto). */
export function ssoRoleCacheKeySync(init: SsoRoleCacheKeyInit): string {
  return sha1HexSync(ssoRoleCacheKeyText(init));
}

/** The file of a cache key. */
export function roleCacheFile(dir: string, key: string): string {
  return joinPath(dir, `${key}.json`);
}

/** Parses a cached `Expiration`: botocore's `…UTC`, or any RFC 3339 time. */
export function parseRoleExpiration(text: string): number {
  const zone = text.slice(-3);
  if (zone !== "UTC" && zone !== "GMT") return parseTime(text);
  // After a digit (as botocore writes it), no expression needed (the hot path's first use compiles one).
  const before = text.charCodeAt(text.length - 4);
  return parseTime(
    before >= 48 && before <= 57
      ? `${text.slice(0, -3)}Z`
      : text.replace(/\s*(UTC|GMT)$/, "Z"),
  );
}

/**
 * Reads a cache entry; `undefined` when there is none or it is not a usable
 * entry (botocore treats an unreadable entry as a miss too), or it belongs
 * to another user.
 *
 * @throws {ConfigurationError} when the entry is a symbolic link.
 */
export function readRoleCache(file: string): CachedRole | undefined {
  refuseSymlink(file, "the role cache entry");
  try {
    // Another user's entry (left by "sudo aws ...") is never used: it may hold someone else's keys.
    if (ownedByAnotherUser(Deno.lstatSync(file))) return undefined;
  } catch {
    return undefined;
  }
  return readEntry(file);
}

/**
 * {@linkcode readRoleCache} for the hot path, with one `lstat`: `undefined`
 * also where the entry is a symbolic link (the full command refuses it).
 */
export function readPlainRoleCache(file: string): CachedRole | undefined {
  try {
    const info = Deno.lstatSync(file);
    if (info.isSymlink || ownedByAnotherUser(info)) return undefined;
  } catch {
    return undefined;
  }
  return readEntry(file);
}

/** A non-empty string. */
function str(v: unknown): v is string {
  return typeof v === "string" && v !== "";
}

function readEntry(file: string): CachedRole | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(Deno.readTextFileSync(file));
  } catch {
    return undefined;
  }
  const c = (raw as { Credentials?: Record<string, unknown> } | null)
    ?.Credentials;
  if (
    !c || !str(c.AccessKeyId) || !str(c.SecretAccessKey) ||
    !str(c.SessionToken) || !str(c.Expiration)
  ) return undefined;
  const expiresAtMs = parseRoleExpiration(c.Expiration);
  if (Number.isNaN(expiresAtMs)) return undefined;
  const arn = (raw as { AssumedRoleUser?: { Arn?: unknown } }).AssumedRoleUser
    ?.Arn;
  const providerType = (raw as { ProviderType?: unknown }).ProviderType;
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiresAtMs,
    ...(str(c.AccountId) ? { accountId: c.AccountId } : {}),
    ...(str(arn) ? { arn } : {}),
    ...(str(providerType) ? { providerType } : {}),
  };
}
