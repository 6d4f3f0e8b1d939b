/**
 * Errors of credential resolution.
 *
 * @example
 * ```ts
 * throw new ProfileNotFoundError("dev");
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";

/** The selected profile is in neither shared file (the AWS CLI's wording; exit 255 as there). */
export class ProfileNotFoundError extends AwsSigninError {
  /** The profile that was asked for. */
  readonly profile: string;
  constructor(profile: string) {
    super(
      `The config profile (${profile}) could not be found. ` +
        `Check --profile and AWS_PROFILE, or create it with "aws-signin login --profile ${profile}".`,
      "other",
    );
    this.name = "ProfileNotFoundError";
    this.profile = profile;
  }
}
