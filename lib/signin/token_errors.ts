/**
 * What a `CreateOAuth2Token` failure means to the user, in one place for the
 * login's code exchange and for a refresh (protocol.md §4 and §8): the AWS
 * CLI's messages, with our command names and next steps.
 *
 * @example
 * ```ts
 * import { ServiceError } from "../errors.ts";
 * const error = new ServiceError({ code: "AccessDeniedException", errorCode: "TOKEN_EXPIRED",
 *   message: "The refresh token has expired.", status: 401, operation: "CreateOAuth2Token" });
 * (refreshErrorFor(error, "dev") as Error).message;
 * // "Your session has expired. Please reauthenticate using 'aws-signin login --profile dev'."
 * ```
 * @module
 */

import { AwsSigninError, ServiceError } from "../errors.ts";
import { loginCommand } from "../config/selection.ts";
import {
  createOAuth2Token,
  EmptyTokenResponseError,
  type TokenOutput,
  type TokenRequest,
} from "./token_client.ts";

/** The AWS CLI's prefix of every error in redeeming an authorization code. */
export const CODE_ERROR =
  "Error loading or redeeming a login authorization code";

/**
 * The refresh was refused, or could not be made (the AWS CLI's `LoginError`,
 * a botocore error: exit 255); the message says how to sign in again.
 */
export class LoginRefreshError extends AwsSigninError {
  /** The OAuth2 error code, e.g. `TOKEN_EXPIRED`. */
  readonly errorCode: string | undefined;
  constructor(message: string, errorCode: string | undefined) {
    super(message, "other");
    this.name = "LoginRefreshError";
    this.errorCode = errorCode;
  }
}

function insufficientPermissions(command: string): string {
  return "Unable to create or refresh login credentials due to insufficient permissions. You may be missing " +
    "permission for the 'signin:CreateOAuth2Token' action. Ask your administrator to attach the AWS managed " +
    `policy SignInLocalDevelopmentAccess (or an equivalent) to your identity, then run '${command}' again.`;
}

function isAccessDenied(error: unknown): error is ServiceError {
  return error instanceof ServiceError &&
    error.code === "AccessDeniedException";
}

/**
 * The error to report for a failed authorization-code exchange (`login`),
 * or the error itself when the AWS CLI reports it as it is.
 */
export function exchangeErrorFor(error: unknown, profile: string): unknown {
  return withHint(exchangeError(error, profile), error);
}

/**
 * Redeems an authorization code (`login`, and `--auto-login`'s sign-in):
 * the body as botocore sends it, and a failure as the AWS CLI reports it.
 */
export async function exchangeCode(
  init: Omit<TokenRequest, "body"> & {
    readonly authorization: {
      readonly clientId: string;
      readonly code: string;
      readonly redirectUri: string;
    };
    readonly codeVerifier: string;
    /** The profile being signed in (for the next step a message names). */
    readonly profile: string;
  },
): Promise<TokenOutput> {
  const { authorization, codeVerifier, profile, ...request } = init;
  try {
    return await createOAuth2Token({
      ...request,
      body: {
        clientId: authorization.clientId,
        grantType: "authorization_code",
        code: authorization.code,
        codeVerifier,
        redirectUri: authorization.redirectUri,
      },
    });
  } catch (error) {
    throw exchangeErrorFor(error, profile);
  }
}

function exchangeError(error: unknown, profile: string): unknown {
  const command = loginCommand(profile);
  if (isAccessDenied(error)) {
    if (error.errorCode === "AUTHCODE_EXPIRED") {
      return new AwsSigninError(
        `${CODE_ERROR}: Unable to complete the login process due to an expired authorization code. ` +
          `Please reauthenticate using '${command}'.`,
      );
    }
    if (error.errorCode === "INSUFFICIENT_PERMISSIONS") {
      return new AwsSigninError(insufficientPermissions(command));
    }
  }
  if (error instanceof EmptyTokenResponseError) {
    return new AwsSigninError(
      `${CODE_ERROR}: Failed to retrieve an access token.`,
    );
  }
  return error;
}

/**
 * The error to report for a refused refresh (an `AccessDeniedException` or an
 * empty answer), or the error itself for anything else.
 */
export function refreshErrorFor(error: unknown, profile: string): unknown {
  return withHint(refreshError(error, profile), error);
}

/** The error reported in place of `original` keeps what it said to do (a clock that is off). */
function withHint(reported: unknown, original: unknown): unknown {
  if (
    reported !== original && reported instanceof AwsSigninError &&
    original instanceof AwsSigninError && original.hint !== undefined
  ) {
    reported.hint ??= original.hint;
  }
  return reported;
}

function refreshError(error: unknown, profile: string): unknown {
  const command = loginCommand(profile);
  if (error instanceof EmptyTokenResponseError) {
    return new LoginRefreshError(
      "Error loading login session token: Failed to refresh an access token.",
      undefined,
    );
  }
  if (!isAccessDenied(error)) return error;
  switch (error.errorCode) {
    case "TOKEN_EXPIRED":
      return new LoginRefreshError(
        `Your session has expired. Please reauthenticate using '${command}'.`,
        error.errorCode,
      );
    case "USER_CREDENTIALS_CHANGED":
      return new LoginRefreshError(
        "Unable to refresh login credentials because of a change in your password. Please reauthenticate with " +
          `your new password using '${command}'.`,
        error.errorCode,
      );
    case "INSUFFICIENT_PERMISSIONS":
      return new LoginRefreshError(
        insufficientPermissions(command),
        error.errorCode,
      );
    default:
      return new LoginRefreshError(
        "An unspecified error happened when resolving AWS credentials or refreshing a login session profile " +
          `(${error.message}). Run '${command}' to sign in again.`,
        error.errorCode,
      );
  }
}
