/**
 * Writing login cache entries: the AWS CLI's layout at login, botocore's
 * rewrite after a refresh, always atomically with mode 0600.
 *
 * @example
 * ```ts
 * const file = `${await Deno.makeTempDir()}/entry.json`;
 * await writeCacheFile(file, loginCacheJson({
 *   accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: "secret", sessionToken: "token",
 *   accountId: "111122223333", expiresAtMs: Date.now() + 900_000, tokenType: "aws_sigv4",
 *   clientId: "arn:aws:signin:::devtools/same-device", refreshToken: "refresh",
 *   dpopKeyPem: "-----BEGIN EC PRIVATE KEY-----\n...\n-----END EC PRIVATE KEY-----\n",
 * }));
 * ```
 * @module
 */

import { writeFileAtomic } from "../util/files.ts";
import { pyJsonDumps } from "../util/py_json.ts";
import { formatExpiresAt } from "../util/time.ts";
import type { LoginCacheEntry } from "./login_cache.ts";

/** What a login stores. */
export interface NewCacheEntry {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly accountId: string;
  readonly expiresAtMs: number;
  readonly tokenType: string;
  readonly clientId: string;
  readonly refreshToken: string;
  readonly idToken?: string | undefined;
  readonly dpopKeyPem: string;
  readonly signInRegion?: string | undefined;
}

/** The entry as the AWS CLI lays it out at login, plus `signInRegion` at the end. */
export function loginCacheJson(entry: NewCacheEntry): string {
  return pyJsonDumps({
    accessToken: {
      accessKeyId: entry.accessKeyId,
      secretAccessKey: entry.secretAccessKey,
      sessionToken: entry.sessionToken,
      accountId: entry.accountId,
      expiresAt: formatExpiresAt(entry.expiresAtMs),
    },
    tokenType: entry.tokenType,
    clientId: entry.clientId,
    refreshToken: entry.refreshToken,
    ...(entry.idToken !== undefined ? { idToken: entry.idToken } : {}),
    dpopKey: entry.dpopKeyPem,
    ...(entry.signInRegion ? { signInRegion: entry.signInRegion } : {}),
  });
}

/** The AWS CLI's order of an entry's keys (and of `accessToken`'s); other keys follow in their own order. */
const ENTRY_KEYS = [
  "accessToken",
  "tokenType",
  "clientId",
  "refreshToken",
  "idToken",
  "dpopKey",
];
const ACCESS_KEYS = [
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
  "accountId",
  "expiresAt",
];

function inOrder(
  value: Record<string, unknown>,
  order: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in value) out[k] = value[k];
  for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * The entry after a refresh, in the AWS CLI's layout whoever wrote it last
 * (the Java, .NET, Go and Rust SDKs each write their own): `accessToken`
 * replaced (keeping the old `accountId`), `refreshToken` replaced, the known
 * keys in the AWS CLI's order and every other key kept after them (nothing
 * added: the AWS SDKs' cross-SDK suite wants the other keys unchanged).
 */
export function refreshedCacheJson(
  old: LoginCacheEntry,
  fresh: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    expiresAtMs: number;
    refreshToken: string;
  },
): string {
  const oldAccess = old.raw.accessToken as Record<string, unknown>;
  return pyJsonDumps(inOrder({
    ...old.raw,
    accessToken: inOrder({
      ...oldAccess,
      accessKeyId: fresh.accessKeyId,
      secretAccessKey: fresh.secretAccessKey,
      sessionToken: fresh.sessionToken,
      accountId: old.accessToken.accountId,
      expiresAt: formatExpiresAt(fresh.expiresAtMs),
    }, ACCESS_KEYS),
    refreshToken: fresh.refreshToken,
  }, ENTRY_KEYS));
}

/** Creates the cache folder (0700) if needed and atomically writes a 0600 entry. */
export async function writeCacheFile(
  path: string,
  json: string,
): Promise<void> {
  // 0600 even when another tool created the entry with a looser mode: it holds secrets.
  // Never through a link: a planted one would receive the secrets.
  await writeFileAtomic(path, json, {
    mode: 0o600,
    dirMode: 0o700,
    noFollow: true,
  });
}
