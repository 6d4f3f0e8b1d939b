/**
 * Writing the AWS CLI's role cache entries, in botocore's layout: the
 * `AssumeRole` response with `Expiration` as botocore writes a datetime.
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
import { isoUtc } from "../util/time.ts";

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
