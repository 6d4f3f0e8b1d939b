/**
 * Writing the AWS CLI's role cache entries, in botocore's layout: the
 * `AssumeRole` response with `Expiration` as botocore writes a datetime; and
 * role credentials from IAM Identity Center as the AWS CLI's SSO provider
 * writes them (`ProviderType: sso`, protocol-sso.md §3.4).
 *
 * @example
 * ```ts
 * botocoreTime(Date.UTC(2026, 10, 26, 13, 27, 17)); // "2026-11-26T13:27:17UTC"
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { writeFileAtomic } from "../util/files.ts";
import { pyJsonDumps } from "../util/py_json.ts";
import { formatExpiresAt, isoUtc } from "../util/time.ts";

/** botocore's serialization of a UTC datetime: `%Y-%m-%dT%H:%M:%S%Z`. */
export function botocoreTime(ms: number): string {
  return `${isoUtc(ms).slice(0, 19)}UTC`;
}

/** What an `AssumeRole` call returned, to store. */
export interface AssumeRoleResult {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAtMs: number;
  readonly accountId: string;
  readonly assumedRoleId: string;
  readonly arn: string;
  readonly requestId: string;
  /** What `AssumeRoleWithWebIdentity` adds to its answer (botocore stores it too). */
  readonly webIdentity?: {
    readonly SubjectFromWebIdentityToken: string;
    readonly Provider: string;
    readonly Audience: string;
  };
}

/** Writes an entry in botocore's layout (atomically, 0600, never through a link). */
export async function writeRoleCache(
  file: string,
  result: AssumeRoleResult,
): Promise<void> {
  const json = pyJsonDumps({
    Credentials: {
      AccessKeyId: result.accessKeyId,
      SecretAccessKey: result.secretAccessKey,
      SessionToken: result.sessionToken,
      Expiration: botocoreTime(result.expiresAtMs),
      AccountId: result.accountId,
    },
    ...(result.webIdentity
      ? {
        SubjectFromWebIdentityToken:
          result.webIdentity.SubjectFromWebIdentityToken,
      }
      : {}),
    AssumedRoleUser: {
      AssumedRoleId: result.assumedRoleId,
      Arn: result.arn,
    },
    ...(result.webIdentity
      ? {
        Provider: result.webIdentity.Provider,
        Audience: result.webIdentity.Audience,
      }
      : {}),
    ResponseMetadata: {
      RequestId: result.requestId,
      HTTPStatusCode: 200,
      RetryAttempts: 0,
    },
  });
  await writeEntry(file, json);
}

async function writeEntry(file: string, json: string): Promise<void> {
  try {
    await writeFileAtomic(file, json, {
      mode: 0o600,
      dirMode: 0o700,
      noFollow: true,
    });
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(
      `Cannot write the role cache "${file}": ${(error as Error).message}.`,
    );
  }
}

/** What `GetRoleCredentials` returned, to store. */
export interface SsoRoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** The portal's `expiration`: epoch milliseconds. */
  readonly expirationMs: number;
  /** The configured `sso_account_id` (the portal's answer has none). */
  readonly accountId: string;
}

/**
 * The AWS CLI's bytes for role credentials from IAM Identity Center:
 * `{"ProviderType": "sso", "Credentials": {AccessKeyId, SecretAccessKey,
 * SessionToken, Expiration, AccountId}}`, `Expiration` in whole seconds
 * (`%Y-%m-%dT%H:%M:%SZ`, the milliseconds dropped).
 *
 * @example
 * ```ts
 * ssoRoleCacheJson({ accessKeyId: "ASIAMOCK3333", secretAccessKey: "secret", sessionToken: "session-Admin",
 *   expirationMs: 1796408848000, accountId: "111122223333" });
 * // '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAMOCK3333", …, "Expiration": "2026-12-04T18:27:28Z", …}}'
 * ```
 */
export function ssoRoleCacheJson(credentials: SsoRoleCredentials): string {
  return pyJsonDumps({
    ProviderType: "sso",
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: formatExpiresAt(credentials.expirationMs),
      AccountId: credentials.accountId,
    },
  });
}

/**
 * Writes role credentials from IAM Identity Center under
 * {@linkcode import("./role_cache.ts").ssoRoleCacheKey} (atomically, 0600,
 * never through a link), so the AWS CLI reuses them and its `sso logout`
 * removes them.
 *
 * @example
 * ```ts
 * await writeSsoRoleCache(`${await Deno.makeTempDir()}/360f093cdc0bddf23eecc38b9cb6222fca5a195a.json`, {
 *   accessKeyId: "ASIAMOCK3333", secretAccessKey: "secret", sessionToken: "session-Admin",
 *   expirationMs: Date.now() + 3_600_000, accountId: "111122223333",
 * });
 * ```
 * @throws {ConfigurationError} when the entry cannot be written.
 */
export async function writeSsoRoleCache(
  file: string,
  credentials: SsoRoleCredentials,
): Promise<void> {
  await writeEntry(file, ssoRoleCacheJson(credentials));
}
