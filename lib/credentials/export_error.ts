/**
 * What `configure export-credentials` reports when it has no credentials to
 * print, as the AWS CLI does: errors in loading the credentials (the
 * profile, a cache file, a process) wrapped as "Unable to retrieve
 * credentials", a refresh's errors (an expired session, the network) as they
 * are. Shared by the command and by the in-process answer to aws-signin's own
 * `credential_process`, which must fail exactly as the process would.
 *
 * @example
 * ```ts
 * import { ConfigurationError } from "../errors.ts";
 * exportError(new ConfigurationError("bad profile")).message; // "Unable to retrieve credentials: bad profile"
 * ```
 * @module
 */

import { AwsSigninError, ConfigurationError } from "../errors.ts";
import { loginCommand } from "../config/selection.ts";
import type { Env } from "../util/env.ts";
import { IMDS_NOT_USED, imdsDisabled } from "./imds.ts";

/** The error `configure export-credentials` reports for an error met while resolving credentials. */
export function exportError(error: unknown): AwsSigninError {
  if (error instanceof AwsSigninError && error.duringRefresh) return error;
  const wrapped = error instanceof AwsSigninError &&
      (error.kind === "service" || error.kind === "interrupted")
    ? new AwsSigninError(
      `Unable to retrieve credentials: ${error.message}`,
      error.kind,
    )
    : new ConfigurationError(
      `Unable to retrieve credentials: ${(error as Error).message}`,
      { cause: error },
    );
  // What to do next (e.g. why --auto-login started no sign-in) goes along.
  if (error instanceof AwsSigninError) wrapped.hint = error.hint;
  return wrapped;
}

/**
 * The error when the chain found no credentials at all; where botocore
 * would have asked IMDS next, it says that aws-signin does not.
 */
export function noCredentialsError(
  profile: string,
  env: Env,
): ConfigurationError {
  const error = new ConfigurationError(
    `Unable to retrieve credentials: no credentials found. Run "${
      loginCommand(profile)
    }" to sign in.`,
  );
  if (!imdsDisabled(env)) error.hint = IMDS_NOT_USED;
  return error;
}
