/**
 * The kinds of credentials a profile can hold, in the order `aws login`
 * checks them (protocol.md §9 step 3).
 *
 * @example
 * ```ts
 * otherCredentialStyle({ aws_access_key_id: "AKIA..." }); // "Access Key"
 * ```
 * @module
 */

import type { ProfileValues } from "../config/profiles.ts";

/** The first credential style other than a login session found in a profile, as the AWS CLI names it. */
export function otherCredentialStyle(
  values: ProfileValues,
): string | undefined {
  if (values.web_identity_token_file !== undefined) return "Web Identity";
  if (
    values.sso_role_name !== undefined || values.sso_account_id !== undefined
  ) return "SSO";
  if (values.aws_access_key_id !== undefined) return "Access Key";
  if (values.role_arn !== undefined) return "Assume Role";
  if (values.credential_process !== undefined) return "Credential Process";
  return undefined;
}
