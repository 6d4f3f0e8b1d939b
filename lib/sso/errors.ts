/**
 * The errors of IAM Identity Center sign-in with the AWS CLI's texts
 * (protocol-sso.md §6), each exit 255 (botocore errors), with `aws` in a
 * command the user should run replaced by `aws-signin`. Service errors of
 * the OIDC and portal APIs are {@linkcode ServiceError}s (exit 254), built
 * in `_wire.ts`.
 *
 * @example
 * ```ts
 * new PendingAuthorizationExpiredError().message;
 * // "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token must be restarted."
 * ```
 * @module
 */

import { AwsSigninError, ServiceError } from "../errors.ts";

/**
 * The token was refused by the portal (GetRoleCredentials answered 401), or
 * a legacy token has expired (botocore's `UnauthorizedSSOTokenError`).
 *
 * @example
 * ```ts
 * new SsoUnauthorizedError().kind; // "other"
 * ```
 */
export class SsoUnauthorizedError extends AwsSigninError {
  constructor(options?: ErrorOptions) {
    super(
      "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO " +
        "session run aws-signin sso login with the corresponding profile.",
      "other",
      options,
    );
    this.name = "SsoUnauthorizedError";
  }
}

/**
 * The device code ran out (`ExpiredTokenException` while polling or at the
 * code exchange), or no browser came back in time (botocore's
 * `PendingAuthorizationExpiredError`).
 *
 * @example
 * ```ts
 * new PendingAuthorizationExpiredError().kind; // "other"
 * ```
 */
export class PendingAuthorizationExpiredError extends AwsSigninError {
  constructor(options?: ErrorOptions) {
    super(
      "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token " +
        "must be restarted.",
      "other",
      options,
    );
    this.name = "PendingAuthorizationExpiredError";
  }
}

/**
 * A session's token has expired and could not be refreshed (no refresh
 * token, an expired registration, or a refused refresh: botocore's
 * `TokenRetrievalError`).
 *
 * @example
 * ```ts
 * new SsoTokenExpiredError().message; // "Error when retrieving token from sso: Token has expired and refresh failed"
 * ```
 */
export class SsoTokenExpiredError extends AwsSigninError {
  constructor(options?: ErrorOptions) {
    super(
      "Error when retrieving token from sso: Token has expired and refresh failed",
      "other",
      options,
    );
    this.name = "SsoTokenExpiredError";
  }
}

/** Why the authorization-code callback gave no code. */
export type AuthCodeFailure = "no-code" | "state-mismatch";

/**
 * The browser came back without a code, or with another state (botocore's
 * `AuthorizationCodeLoadError`).
 *
 * @example
 * ```ts
 * new AuthCodeError("state-mismatch").message;
 * // "Error loading authorization code: State parameter does not match expected value."
 * ```
 */
export class AuthCodeError extends AwsSigninError {
  /** Which of the two failures. */
  readonly failure: AuthCodeFailure;
  constructor(failure: AuthCodeFailure) {
    super(
      `Error loading authorization code: ${
        failure === "no-code"
          ? "Failed to retrieve an authorization code."
          : "State parameter does not match expected value."
      }`,
      "other",
    );
    this.name = "AuthCodeError";
    this.failure = failure;
  }
}

/**
 * The callback server could not listen (botocore's `AuthCodeFetcherError`),
 * with the AWS CLI's text (its odd ` \n ` included).
 *
 * @example
 * ```ts
 * new CallbackHandlerError("Address in use").message.startsWith("Unable to initialize the OAuth 2.0"); // true
 * ```
 */
export class CallbackHandlerError extends AwsSigninError {
  constructor(detail: string, options?: ErrorOptions) {
    super(
      `Unable to initialize the OAuth 2.0 authorization callback handler: ${detail} \n You may use ` +
        "--use-device-code to fall back to the device code flow which does not require the callback handler.",
      "other",
      options,
    );
    this.name = "CallbackHandlerError";
  }
}

/**
 * A successful answer that lacks what the API promises (a token without
 * `accessToken`, credentials without keys): exit 255.
 *
 * @example
 * ```ts
 * new SsoResponseError("CreateToken", "accessToken").message;
 * // "The IAM Identity Center CreateToken answer has no accessToken. Run the command again; …"
 * ```
 */
export class SsoResponseError extends AwsSigninError {
  constructor(operation: string, missing: string) {
    super(
      `The IAM Identity Center ${operation} answer has no ${missing}. Run the command again; if it keeps ` +
        "happening, check the endpoint (AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO, [services]).",
      "other",
    );
    this.name = "SsoResponseError";
  }
}

/**
 * Whether an error is the OIDC or portal service's answer with this code.
 *
 * @example
 * ```ts
 * isSsoServiceError(new Error("x"), "SlowDownException"); // false
 * ```
 */
export function isSsoServiceError(
  error: unknown,
  code: string,
): error is ServiceError {
  return error instanceof ServiceError && error.code === code;
}
