/**
 * The IAM Identity Center OIDC client (`sso-oidc`, protocol-sso.md §2.3–2.5,
 * §4.1): `RegisterClient`, `StartDeviceAuthorization` and `CreateToken` for
 * the device-code, authorization-code and refresh-token grants, unsigned
 * restJson1 with the bodies botocore sends (same keys, same order, Python's
 * separators); the device flow's polling is `device_poll.ts`. Errors are {@linkcode ServiceError}s whose details carry the
 * modeled `error` and `error_description` (the AWS CLI's "Additional error
 * details").
 *
 * @example
 * ```ts
 * const token = await createToken({ endpoint: "http://127.0.0.1:9" }, {
 *   grantType: "refresh_token", clientId: "cid-1", clientSecret: "csecret-1", refreshToken: "rt-1",
 * }).catch(() => undefined);
 * ```
 * @module
 */

import {
  numberMember,
  ssoCall,
  type SsoClientOptions,
  stringMember,
} from "./_wire.ts";
import {
  isSsoServiceError,
  PendingAuthorizationExpiredError,
  SsoResponseError,
} from "./errors.ts";

export type { SsoClientOptions } from "./_wire.ts";

/** The modeled errors of sso-oidc and their members, in the model's order. */
export const OIDC_MODELED_ERRORS: Readonly<Record<string, readonly string[]>> =
  {
    AccessDeniedException: ["error", "reason", "error_description"],
    AuthorizationPendingException: ["error", "error_description"],
    ExpiredTokenException: ["error", "error_description"],
    InternalServerException: ["error", "error_description"],
    InvalidClientException: ["error", "error_description"],
    InvalidClientMetadataException: ["error", "error_description"],
    InvalidGrantException: ["error", "error_description"],
    InvalidRedirectUriException: ["error", "error_description"],
    InvalidRequestException: ["error", "reason", "error_description"],
    InvalidRequestRegionException: [
      "error",
      "error_description",
      "endpoint",
      "region",
    ],
    InvalidScopeException: ["error", "error_description"],
    SlowDownException: ["error", "error_description"],
    UnauthorizedClientException: ["error", "error_description"],
    UnsupportedGrantTypeException: ["error", "error_description"],
  };

/** The redirect URI registered for the authorization-code flow: no port (any is accepted at authorize). */
export const REGISTERED_REDIRECT_URI = "http://127.0.0.1/oauth/callback";

/**
 * What a bare `InvalidRequestException` (device authorization) or
 * `InvalidGrantException` (code exchange) usually means, as a hint line.
 */
export const START_URL_OR_REGION_HINT =
  "Check that sso_start_url is your AWS access portal URL exactly as the portal shows it, and that sso_region " +
  "is the region of your IAM Identity Center instance (the region in the portal's host name, or in the IAM " +
  "Identity Center console's settings).";

/** The device-code grant type. */
export const DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

/** `RegisterClient`'s input. */
export interface RegisterClientRequest {
  readonly clientName: string;
  /** Always `public`. */
  readonly clientType?: "public";
  readonly grantTypes?: readonly string[];
  readonly redirectUris?: readonly string[];
  readonly issuerUrl?: string;
  readonly scopes?: readonly string[];
}

/** `RegisterClient`'s answer. */
export interface RegisterClientResponse {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Epoch seconds, when sent. */
  readonly clientIdIssuedAt?: number;
  /** Epoch seconds (about 90 days on AWS). */
  readonly clientSecretExpiresAt: number;
}

/**
 * The `RegisterClient` input botocore builds: the client name
 * `botocore-client-{session}` (a legacy profile: `{epoch seconds}`); for the
 * authorization-code flow the grant types, the port-less redirect URI, the
 * issuer (the resolved start URL) and the scopes (configured, else
 * `sso:account:access`); for the device flow scopes only when configured.
 *
 * @example
 * ```ts
 * registerClientRequest("device_code", { sessionName: null, scopes: null, now: 1_700_000_000_500 });
 * // { clientName: "botocore-client-1700000000", clientType: "public" }
 * ```
 */
export function registerClientRequest(
  flow: "authorization_code" | "device_code",
  init: {
    readonly sessionName: string | null;
    readonly scopes: readonly string[] | null;
    /** The resolved start URL: required for the authorization-code flow. */
    readonly issuerUrl?: string;
    /** Milliseconds since the epoch (names a legacy profile's client). */
    readonly now: number;
  },
): RegisterClientRequest {
  const clientName = `botocore-client-${
    init.sessionName ?? Math.floor(init.now / 1000)
  }`;
  if (flow === "authorization_code") {
    if (init.issuerUrl === undefined) {
      throw new TypeError("the authorization-code flow needs the issuer URL");
    }
    return {
      clientName,
      clientType: "public",
      grantTypes: ["authorization_code", "refresh_token"],
      redirectUris: [REGISTERED_REDIRECT_URI],
      issuerUrl: init.issuerUrl,
      scopes: init.scopes && init.scopes.length > 0
        ? [...init.scopes]
        : ["sso:account:access"],
    };
  }
  return {
    clientName,
    clientType: "public",
    ...(init.scopes && init.scopes.length > 0
      ? { scopes: [...init.scopes] }
      : {}),
  };
}

/**
 * `POST /client/register`: the body's keys in botocore's order
 * (`clientName, clientType, grantTypes, redirectUris, issuerUrl, scopes`).
 *
 * @example
 * ```ts
 * await registerClient({ endpoint: "http://127.0.0.1:9" }, { clientName: "botocore-client-my-sso" })
 *   .catch(() => undefined);
 * ```
 * @throws {ServiceError} for the service's refusal (exit 254).
 */
export async function registerClient(
  options: SsoClientOptions,
  request: RegisterClientRequest,
): Promise<RegisterClientResponse> {
  const body = await ssoCall({
    ...options,
    method: "POST",
    path: "/client/register",
    operation: "RegisterClient",
    modeled: OIDC_MODELED_ERRORS,
    body: {
      clientName: request.clientName,
      clientType: request.clientType ?? "public",
      grantTypes: request.grantTypes,
      redirectUris: request.redirectUris,
      issuerUrl: request.issuerUrl,
      scopes: request.scopes,
    },
  });
  const clientId = stringMember(body, "clientId");
  const clientSecret = stringMember(body, "clientSecret");
  const expires = numberMember(body, "clientSecretExpiresAt");
  if (!clientId) throw new SsoResponseError("RegisterClient", "clientId");
  if (!clientSecret) {
    throw new SsoResponseError("RegisterClient", "clientSecret");
  }
  if (expires === undefined) {
    throw new SsoResponseError("RegisterClient", "clientSecretExpiresAt");
  }
  const issued = numberMember(body, "clientIdIssuedAt");
  return {
    clientId,
    clientSecret,
    clientSecretExpiresAt: expires,
    ...(issued !== undefined ? { clientIdIssuedAt: issued } : {}),
  };
}

/** `StartDeviceAuthorization`'s answer. */
export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string;
  /** Seconds. */
  readonly expiresIn: number;
  /** Seconds between polls, when the service says (botocore: 5 otherwise). */
  readonly interval?: number;
}

/**
 * `POST /device_authorization` with `{clientId, clientSecret, startUrl}`
 * (the resolved start URL).
 *
 * @example
 * ```ts
 * await startDeviceAuthorization({ endpoint: "http://127.0.0.1:9" },
 *   { clientId: "cid-1", clientSecret: "csecret-1", startUrl: "https://d-1234567890.awsapps.com/start" })
 *   .catch(() => undefined);
 * ```
 * @throws {ServiceError} for the service's refusal (exit 254).
 */
export async function startDeviceAuthorization(
  options: SsoClientOptions,
  request: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly startUrl: string;
  },
): Promise<DeviceAuthorization> {
  const body = await ssoCall({
    ...options,
    method: "POST",
    path: "/device_authorization",
    operation: "StartDeviceAuthorization",
    modeled: OIDC_MODELED_ERRORS,
    body: {
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      startUrl: request.startUrl,
    },
  }).catch((error) => {
    // The service says nothing more (aws/aws-cli#7649, #7129): name the usual causes.
    if (isSsoServiceError(error, "InvalidRequestException")) {
      error.hint ??= START_URL_OR_REGION_HINT;
    }
    throw error;
  });
  const out: Record<string, string | number> = {};
  for (
    const key of [
      "deviceCode",
      "userCode",
      "verificationUri",
      "verificationUriComplete",
    ]
  ) {
    const value = stringMember(body, key);
    if (value === undefined) {
      throw new SsoResponseError("StartDeviceAuthorization", key);
    }
    out[key] = value;
  }
  const expiresIn = numberMember(body, "expiresIn");
  if (expiresIn === undefined) {
    throw new SsoResponseError("StartDeviceAuthorization", "expiresIn");
  }
  const interval = numberMember(body, "interval");
  return {
    ...(out as unknown as Omit<DeviceAuthorization, "expiresIn" | "interval">),
    expiresIn,
    ...(interval !== undefined ? { interval } : {}),
  };
}

/** `CreateToken`'s input, by grant type. */
export type CreateTokenRequest =
  | {
    readonly grantType: typeof DEVICE_GRANT_TYPE;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly deviceCode: string;
  }
  | {
    readonly grantType: "authorization_code";
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUri: string;
    readonly codeVerifier: string;
    readonly code: string;
  }
  | {
    readonly grantType: "refresh_token";
    readonly clientId: string;
    readonly clientSecret: string;
    readonly refreshToken: string;
  };

/** `CreateToken`'s answer. */
export interface SsoTokenResponse {
  readonly accessToken: string;
  /** Seconds. */
  readonly expiresIn: number;
  readonly tokenType?: string;
  /** Absent for clients registered without scopes (and, perhaps, when not rotated). */
  readonly refreshToken?: string;
  readonly idToken?: string;
}

/** The body of each grant in botocore's order. */
function tokenBody(request: CreateTokenRequest): Record<string, string> {
  const head = {
    grantType: request.grantType,
    clientId: request.clientId,
    clientSecret: request.clientSecret,
  };
  switch (request.grantType) {
    case DEVICE_GRANT_TYPE:
      return { ...head, deviceCode: request.deviceCode };
    case "authorization_code":
      return {
        ...head,
        redirectUri: request.redirectUri,
        codeVerifier: request.codeVerifier,
        code: request.code,
      };
    case "refresh_token":
      return { ...head, refreshToken: request.refreshToken };
  }
}

/**
 * `POST /token` for one of the three grants (`grantType, clientId,
 * clientSecret`, then the grant's own keys, in botocore's order).
 *
 * @example
 * ```ts
 * await createToken({ endpoint: "http://127.0.0.1:9" }, { grantType: "urn:ietf:params:oauth:grant-type:device_code",
 *   clientId: "cid-1", clientSecret: "csecret-1", deviceCode: "dc-1" }).catch(() => undefined);
 * ```
 * @throws {ServiceError} for the service's refusal (exit 254), e.g. `InvalidGrantException`.
 */
export async function createToken(
  options: SsoClientOptions,
  request: CreateTokenRequest,
): Promise<SsoTokenResponse> {
  const body = await ssoCall({
    ...options,
    method: "POST",
    path: "/token",
    operation: "CreateToken",
    modeled: OIDC_MODELED_ERRORS,
    body: tokenBody(request),
  });
  const accessToken = stringMember(body, "accessToken");
  if (!accessToken) throw new SsoResponseError("CreateToken", "accessToken");
  const expiresIn = numberMember(body, "expiresIn");
  if (expiresIn === undefined) {
    throw new SsoResponseError("CreateToken", "expiresIn");
  }
  const out: Record<string, string> = {};
  for (const key of ["tokenType", "refreshToken", "idToken"]) {
    const value = stringMember(body, key);
    if (value !== undefined) out[key] = value;
  }
  return { accessToken, expiresIn, ...out };
}

/**
 * Redeems an authorization code; `ExpiredTokenException` is the AWS CLI's
 * "pending authorization ... has expired" (255), any other refusal stays a
 * {@linkcode ServiceError} (254).
 *
 * @example
 * ```ts
 * await exchangeAuthorizationCode({ endpoint: "http://127.0.0.1:9" }, { clientId: "cid-1",
 *   clientSecret: "csecret-1", redirectUri: "http://127.0.0.1:38777/oauth/callback",
 *   codeVerifier: "v".repeat(64), code: "code-1" }).catch(() => undefined);
 * ```
 * @throws {PendingAuthorizationExpiredError} for `ExpiredTokenException`.
 */
export async function exchangeAuthorizationCode(
  options: SsoClientOptions,
  request: Omit<
    Extract<CreateTokenRequest, { grantType: "authorization_code" }>,
    "grantType"
  >,
): Promise<SsoTokenResponse> {
  try {
    return await createToken(options, {
      grantType: "authorization_code",
      ...request,
    });
  } catch (error) {
    if (isSsoServiceError(error, "ExpiredTokenException")) {
      throw new PendingAuthorizationExpiredError({ cause: error });
    }
    // An sso_region other than the instance's region gives "invalid grant" (aws/aws-cli#5058).
    if (isSsoServiceError(error, "InvalidGrantException")) {
      error.hint ??= START_URL_OR_REGION_HINT;
    }
    throw error;
  }
}
