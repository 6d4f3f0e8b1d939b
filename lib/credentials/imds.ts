/**
 * The one link of botocore's chain aws-signin leaves out: the EC2 instance
 * metadata service (IMDS), which botocore asks last (and for
 * `credential_source = Ec2InstanceMetadata`). On a developer's computer it
 * only makes a command wait for an address that never answers; on an EC2
 * instance, the AWS CLI and the SDKs ask it themselves.
 *
 * @example
 * ```ts
 * imdsDisabled({ AWS_EC2_METADATA_DISABLED: "true" }); // true: botocore would not ask it either
 * ```
 * @module
 */

import type { Env } from "../util/env.ts";

/** What aws-signin says where the AWS CLI would ask IMDS. */
export const IMDS_NOT_USED =
  "aws-signin does not use the EC2 instance metadata service (IMDS), where the AWS CLI looks last: on an " +
  "EC2 instance, use the AWS CLI or an AWS SDK there, or give the profile another source of credentials.";

/** Whether `AWS_EC2_METADATA_DISABLED=true` keeps botocore from asking IMDS too. */
export function imdsDisabled(env: Env): boolean {
  return env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === "true";
}
