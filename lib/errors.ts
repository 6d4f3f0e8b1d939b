/**
 * Typed errors thrown by library modules. Library code never prints or exits;
 * `lib/cli/` turns these into `aws-signin: [ERROR]: ...` and an exit code.
 *
 * @example
 * ```ts
 * throw new ConfigurationError('Profile "dev" is already configured with SSO credentials.');
 * ```
 * @module
 */

/** What went wrong, in the terms of the AWS CLI's exit codes. */
export type ErrorKind =
  | "usage" // 252
  | "configuration" // 253
  | "service" // 254
  | "other" // 255
  | "interrupted"; // 130

/** Base class of every error this tool reports to its user. */
export class AwsSigninError extends Error {
  /** Which exit code the CLI uses for this error. */
  readonly kind: ErrorKind;
  /**
   * Set on errors raised while refreshing credentials rather than loading
   * them: `configure export-credentials` reports those as they are, as the
   * AWS CLI does, instead of as "Unable to retrieve credentials".
   */
  duringRefresh = false;
  /** A line that says what to do, printed after the error line (not part of the structured error). */
  hint: string | undefined;
  constructor(
    message: string,
    kind: ErrorKind = "other",
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "AwsSigninError";
    this.kind = kind;
  }
}

/** The command line is wrong: unknown command or flag, missing argument. */
export class UsageError extends AwsSigninError {
  /**
   * An option or argument the command does not take (the AWS CLI's
   * `UnknownArgumentError`, never printed as structured output); other usage
   * errors are its `ParamValidation`.
   */
  readonly unknownArgument: boolean;
  constructor(
    message: string,
    hint?: string,
    options: { unknownArgument?: boolean } = {},
  ) {
    super(message, "usage");
    this.name = "UsageError";
    this.hint = hint;
    this.unknownArgument = options.unknownArgument ?? false;
  }
}

/**
 * The configuration (files, environment, profile) does not allow the
 * request. `code` is what the AWS CLI's structured errors call it:
 * `Configuration`, or `NoRegion` / `NoCredentials` for those two cases.
 */
export class ConfigurationError extends AwsSigninError {
  readonly code: "Configuration" | "NoRegion" | "NoCredentials";
  constructor(
    message: string,
    options?: ErrorOptions & {
      code?: "Configuration" | "NoRegion" | "NoCredentials";
    },
  ) {
    super(message, "configuration", options);
    this.name = "ConfigurationError";
    this.code = options?.code ?? "Configuration";
  }
}

/**
 * An AWS service (or the emulator) answered with an error. The message is the
 * AWS CLI's: `An error occurred (CODE) when calling the OPERATION operation: MESSAGE`.
 */
export class ServiceError extends AwsSigninError {
  /** The error shape or code the service sent, e.g. `AccessDeniedException`. */
  readonly code: string;
  /** The OAuth2 error code from the body, e.g. `TOKEN_EXPIRED`, when there is one. */
  readonly errorCode: string | undefined;
  /** The service's own message. */
  readonly serviceMessage: string;
  /** HTTP status. */
  readonly status: number;
  /** The operation, e.g. `CreateOAuth2Token`. */
  readonly operation: string;
  /**
   * The error as the AWS CLI's structured output shows it: `Code`,
   * `Message` and the service's modeled fields (`error` for Sign-In), in the
   * order the AWS CLI has them. Default: `Code` and `Message`.
   */
  readonly details: Readonly<Record<string, string>>;
  constructor(
    init: {
      code: string;
      errorCode?: string | undefined;
      message: string;
      status: number;
      operation: string;
      details?: Readonly<Record<string, string>>;
    },
  ) {
    super(
      `An error occurred (${init.code}) when calling the ${init.operation} operation: ${init.message}`,
      "service",
    );
    this.name = "ServiceError";
    this.code = init.code;
    this.errorCode = init.errorCode;
    this.serviceMessage = init.message;
    this.status = init.status;
    this.operation = init.operation;
    this.details = init.details ??
      { Code: init.code, Message: init.message };
  }
}

/** The user pressed Ctrl-C (or the process got SIGINT/SIGTERM). */
export class InterruptedError extends AwsSigninError {
  constructor(message = "Interrupted.") {
    super(message, "interrupted");
    this.name = "InterruptedError";
  }
}

/** A wait for someone else (a browser, a pasted code) ran out of time. */
export class WaitTimeoutError extends AwsSigninError {
  constructor(message: string) {
    super(message, "other");
    this.name = "WaitTimeoutError";
  }
}

/** The person at the browser refused the sign-in (or signed in to something else than asked). */
export class SignInRefusedError extends AwsSigninError {
  constructor(message: string) {
    super(message, "other");
    this.name = "SignInRefusedError";
  }
}

/** An endpoint could not be reached (network, DNS, TLS, proxy, timeout). Exit 255. */
export class EndpointConnectionError extends AwsSigninError {
  /** The URL that failed. */
  readonly url: string;
  /** Whether the server's TLS certificate was not trusted. */
  readonly tls: boolean;
  constructor(url: string, detail: string, options: { tls?: boolean } = {}) {
    super(
      options.tls
        ? `Could not connect to the endpoint URL: "${url}": its TLS certificate could not be verified (${detail}). ` +
          `If your network inspects TLS (a corporate proxy), set AWS_CA_BUNDLE, or ca_bundle in the profile, to a ` +
          `PEM file with your company's CA certificates.`
        : `Could not connect to the endpoint URL: "${url}" (${detail}). ` +
          `Check your network and proxy settings (HTTPS_PROXY), or the endpoint URL, then run the command again.`,
    );
    this.name = "EndpointConnectionError";
    this.url = url;
    this.tls = options.tls ?? false;
  }
}

/**
 * No connection in `--cli-connect-timeout`, or no answer in
 * `--cli-read-timeout` (botocore's `ConnectTimeoutError` and
 * `ReadTimeoutError`, with their words). Exit 255.
 */
export class EndpointTimeoutError extends EndpointConnectionError {
  constructor(url: string, which: "connect" | "read") {
    super(url, `${which} timeout`);
    this.name = "EndpointTimeoutError";
    this.message = `${
      which === "connect" ? "Connect" : "Read"
    } timeout on endpoint URL: "${url}". Check your network, or give it more time with --cli-${which}-timeout.`;
  }
}
