/**
 * Where `aws-signin console` signs in: the partition of the credentials
 * (the role's ARN, the login session's, an IAM Identity Center profile's
 * `sso_region`, or, for temporary keys from elsewhere, the identity STS
 * names), the console's region (which must be
 * of that partition), and the federation endpoint that is sent the keys:
 * the partition's, or one named for Sign-In alone (`AWS_ENDPOINT_URL_SIGNIN`,
 * the profile's `[services]` `signin` `endpoint_url`). The global overrides
 * (`AWS_ENDPOINT_URL`, a profile's `endpoint_url`, often a LocalStack) are
 * never sent the keys, and plain HTTP is refused off this computer.
 *
 * @example
 * ```ts
 * import { partitionOf } from "../endpoints/partitions.ts";
 * federationEndpoint(partitionOf("us-east-1"), { region: "us-east-1", env: {}, profile: {} });
 * // { url: "https://signin.aws.amazon.com/federation", source: "partition aws" }
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import { ConfigurationError, ServiceError } from "../errors.ts";
import {
  type ProfileFiles,
  type ProfileValues,
  type ResolvedProfile,
  stringSetting,
} from "../config/selection.ts";
import {
  type Partition,
  partitionOf,
  PARTITIONS,
} from "../endpoints/partitions.ts";
import { isLoopbackHost, resolveEndpoint } from "../endpoints/resolve.ts";
import type { Credentials } from "../credentials/types.ts";
import type { Env } from "../util/env.ts";
import { ssoCredentialConfig } from "../config/sso_config.ts";
import { callerIdentity } from "./_verify.ts";

/** The partition an ARN names (`arn:aws-cn:...`), or `undefined` for one aws-signin does not know. */
export function arnPartition(arn: string): Partition | undefined {
  const id = /^arn:([\w-]+):/.exec(arn)?.[1];
  return PARTITIONS.find((p) => p.id === id);
}

/** The region the console opens in when none is configured: us-east-1, or the partition's first. */
export function defaultRegion(partition: Partition): string {
  return partition.id === "aws" ? "us-east-1" : partition.regions[0]!;
}

/**
 * The partition of the credentials and the ARN that says so: a role
 * profile's `role_arn`, a login profile's `login_session`, an IAM Identity
 * Center profile's `sso_region` (its accounts are in its partition); for
 * temporary keys from anywhere else, the identity STS `GetCallerIdentity`
 * returns (a signed call: the secret is not sent). Long-term keys (refused
 * later) are given the region's partition without a call.
 *
 * @throws {ConfigurationError} for an ARN of a partition aws-signin does not know.
 */
async function credentialsPartition(
  ctx: Context,
  profile: ResolvedProfile,
  creds: Credentials,
  region: string,
): Promise<{ partition: Partition; arn: string | undefined }> {
  // An IAM Identity Center role's accounts are in the partition of its instance (sso_region): no call.
  const sso = creds.method === "sso" ? ssoCredentialConfig(profile) : undefined;
  if (sso) {
    return {
      partition: partitionOf(sso.region),
      arn:
        `role ${sso.roleName} in account ${sso.accountId} (IAM Identity Center in ${sso.region})`,
    };
  }
  let arn = creds.method === "assume-role"
    ? stringSetting(profile.settings, "role_arn")
    : creds.method === "login"
    ? stringSetting(profile.settings, "login_session")
    : undefined;
  if (arn === undefined) {
    if (creds.sessionToken === undefined) {
      return { partition: partitionOf(region), arn };
    }
    ctx.debug(
      "the credentials do not say their partition: asking STS GetCallerIdentity",
    );
    try {
      arn = (await callerIdentity(ctx, profile, { credentials: creds, region }))
        .Arn;
    } catch (error) {
      if (
        !(error instanceof ServiceError) ||
        error.code !== "InvalidClientTokenId"
      ) throw error;
      throw new ConfigurationError(
        `STS in ${region} does not know the credentials of profile '${profile.name}' (${error.serviceMessage}): ` +
          `if they are of another partition than ${
            partitionOf(region).id
          }, give one of its regions with --region.`,
      );
    }
  }
  const partition = arnPartition(arn);
  if (!partition) {
    throw new ConfigurationError(
      `The credentials of profile '${profile.name}' belong to ${arn}, of a partition aws-signin does not know, ` +
        "so it cannot tell which console and federation endpoint to use.",
    );
  }
  return { partition, arn };
}

/**
 * The console's partition and region: the region configured (or the
 * partition's first), which must be of the credentials' partition.
 *
 * @throws {ConfigurationError} for a region of another partition, naming both.
 */
export async function consoleTarget(
  ctx: Context,
  profile: ResolvedProfile,
  creds: Credentials,
  configured: string | undefined,
): Promise<{ partition: Partition; region: string }> {
  const { partition, arn } = await credentialsPartition(
    ctx,
    profile,
    creds,
    configured ?? "us-east-1",
  );
  const region = configured ?? defaultRegion(partition);
  const other = partitionOf(region);
  if (other.id !== partition.id) {
    throw new ConfigurationError(
      `Profile '${profile.name}' holds credentials of the ${partition.id} partition (${arn}), but the region ` +
        `${region} is in the ${other.id} partition: give a region of the ${partition.id} partition with ` +
        `--region (for example ${
          defaultRegion(partition)
        }), or use a profile of the ${other.id} partition.`,
    );
  }
  return { partition, region };
}

/**
 * The federation endpoint (`.../federation`) and where it came from: the one
 * named for Sign-In alone (`AWS_ENDPOINT_URL_SIGNIN`, the profile's
 * `[services]` section), else the partition's. `AWS_ENDPOINT_URL` and the
 * profile's `endpoint_url` are not asked.
 *
 * @throws {ConfigurationError} for plain HTTP to a host that is not this computer.
 */
export function federationEndpoint(
  partition: Partition,
  init: {
    readonly region: string;
    readonly env: Env;
    readonly profile: ProfileValues;
    readonly shared?: ProfileFiles;
  },
): { url: string; source: string } {
  const { AWS_ENDPOINT_URL: _global, ...env } = init.env;
  const { endpoint_url: _profileWide, ...profile } = init.profile;
  const signin = resolveEndpoint("signin", {
    region: init.region,
    env,
    profile,
    ...(init.shared ? { shared: init.shared } : {}),
  });
  if (signin.source.startsWith("partition ")) {
    return {
      url: `https://${partition.signin}/federation`,
      source: `partition ${partition.id}`,
    };
  }
  const origin = new URL(signin.url);
  const url = `${origin.origin}/federation`;
  if (origin.protocol === "http:" && !isLoopbackHost(origin.hostname)) {
    throw new ConfigurationError(
      `The federation endpoint ${url} (from ${signin.source}) is plain HTTP and not on this computer: the ` +
        "console sign-in would send the role's secret access key unencrypted. Use an https:// endpoint.",
    );
  }
  return { url, source: signin.source };
}
