/**
 * The one formatter every error leaves through (beside `errors.ts`): what
 * `aws-signin` prints on stderr for an error, `aws-signin: [ERROR]: message`
 * and, for usage errors, a line that says how to get it right. Used by the
 * command line and by the in-process answer to aws-signin's own
 * `credential_process`, which must print what the process would.
 *
 * @example
 * ```ts
 * import { ConfigurationError } from "./errors.ts";
 * formatError(new ConfigurationError("No region."), false); // "aws-signin: [ERROR]: No region.\n"
 * ```
 * @module
 */

import { AwsSigninError, UsageError } from "./errors.ts";
import { safeLines } from "./util/safe_text.ts";

/**
 * Formats an error for stderr: `aws-signin: [ERROR]: message` plus a hint
 * line for usage errors. Control characters are escaped whatever the message
 * holds (outside text is escaped where it enters a message too).
 */
export function formatError(error: unknown, debug: boolean): string {
  return safeLines(unsafeFormatError(error, debug));
}

function unsafeFormatError(error: unknown, debug: boolean): string {
  if (error instanceof AwsSigninError) {
    const hint = error instanceof UsageError && error.hint
      ? `${error.hint}\n`
      : "";
    const stack = debug && error.cause instanceof Error
      ? `${error.cause.stack}\n`
      : "";
    return `${stack}aws-signin: [ERROR]: ${error.message}\n${hint}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = debug && error instanceof Error ? `${error.stack}\n` : "";
  return `${stack}aws-signin: [ERROR]: ${message}\n`;
}
