/**
 * What `AssumeRole` and `AssumeRoleWithWebIdentity` answered, kept in the
 * AWS CLI's role cache: one conversion and one write for both, so that the
 * two providers cache the same bytes and say the same when the write fails.
 *
 * @module
 */

import {
  type AssumeRoleResult,
  writeRoleCache,
} from "../cache/role_cache_write.ts";
import type { AssumedRole, AssumedRoleWithWebIdentity } from "../sts/client.ts";
import { parseTime } from "../util/time.ts";
import type { ProviderContext } from "./types.ts";

/**
 * Converts the STS answer and writes it to `file`; a failed write is a
 * warning (the credentials are still good, and returned).
 */
export async function saveAssumedRole(
  ctx: Pick<ProviderContext, "debug" | "warn">,
  file: string,
  out: AssumedRole | AssumedRoleWithWebIdentity,
): Promise<AssumeRoleResult> {
  const result: AssumeRoleResult = {
    accessKeyId: out.AccessKeyId,
    secretAccessKey: out.SecretAccessKey,
    sessionToken: out.SessionToken,
    expiresAtMs: parseTime(out.Expiration),
    accountId: out.Arn.split(":")[4] ?? "",
    assumedRoleId: out.AssumedRoleId,
    arn: out.Arn,
    requestId: out.RequestId,
    ...("SubjectFromWebIdentityToken" in out
      ? {
        webIdentity: {
          SubjectFromWebIdentityToken: out.SubjectFromWebIdentityToken,
          Provider: out.Provider,
          Audience: out.Audience,
        },
      }
      : {}),
  };
  try {
    await writeRoleCache(file, result);
    ctx.debug(`wrote the role cache entry ${file}`);
  } catch (error) {
    ctx.warn(
      `The role's credentials could not be saved to the role cache (${
        (error as Error).message.replace(/\.$/, "")
      }). They are used anyway; the next command will assume the role again.`,
    );
  }
  return result;
}
