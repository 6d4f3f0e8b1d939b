/**
 * The kinds of credentials a profile can hold, told apart in one place: the
 * check `login` makes before touching anything (protocol.md §9 step 3, in the
 * AWS CLI's order and words).
 *
 * @example
 * ```ts
 * otherCredentialStyle({ aws_access_key_id: "AKIAIOSFODNN7EXAMPLE" }); // "Access Key"
 * ```
 * @module
 */

import type { ProfileValues } from "../config/selection.ts";

const has = (values: ProfileValues, ...keys: string[]) =>
  keys.some((k) => values[k] !== undefined);

/** Whether the profile gets credentials from a web identity token. */
function isWebIdentity(values: ProfileValues): boolean {
  return has(values, "web_identity_token_file");
}

/** Whether the profile assumes a role. */
function isAssumeRole(values: ProfileValues): boolean {
  return has(values, "role_arn");
}

/**
 * The first credential style other than a login session found in a profile,
 * as the AWS CLI names it when `aws login` refuses the profile.
 */
export function otherCredentialStyle(
  values: ProfileValues,
): string | undefined {
  if (isWebIdentity(values)) return "Web Identity";
  // The AWS CLI's login check looks at the two keys of an SSO credential profile only.
  if (has(values, "sso_role_name", "sso_account_id")) return "SSO";
  if (has(values, "aws_access_key_id")) return "Access Key";
  if (isAssumeRole(values)) return "Assume Role";
  if (has(values, "credential_process")) return "Credential Process";
  return undefined;
}
