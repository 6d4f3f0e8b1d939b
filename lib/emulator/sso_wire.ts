/**
 * The wire conventions of sso-oidc and the access portal, as botocore, the
 * JS SDK and the AWS CLI parse them: JSON answers with `x-amzn-RequestId`;
 * errors with `x-amzn-ErrorType: <Code>:<namespace>` (without it botocore's
 * code is the HTTP status, and the CLI's device loop stops instead of
 * polling); sso-oidc error bodies `{"error","error_description"}` with no
 * `message`, portal error bodies `{"message"}`; statuses from the models.
 * Also the logged, fault-aware frame every SSO route runs in.
 *
 * @example
 * ```ts
 * oidcError("AuthorizationPendingException", "Authorization is still pending", "r-1").status; // 400
 * portalError("ForbiddenException", "No access", "r-1").status; // 403
 * ```
 * @module
 */

import { uuidV4 } from "../util/encoding.ts";
import { json } from "./responses.ts";
import {
  type EmulatorState,
  type Fault,
  faultDelay,
  type RequestLogEntry,
} from "./state.ts";

const OIDC_NS = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";
const PORTAL_NS =
  "http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/";

/** sso-oidc error shapes: their OAuth `error` and status. */
const OIDC_ERRORS: Readonly<Record<string, [string, number]>> = {
  AuthorizationPendingException: ["authorization_pending", 400],
  SlowDownException: ["slow_down", 400],
  ExpiredTokenException: ["expired_token", 400],
  InvalidGrantException: ["invalid_grant", 400],
  InvalidRequestException: ["invalid_request", 400],
  InvalidScopeException: ["invalid_scope", 400],
  InvalidClientMetadataException: ["invalid_client_metadata", 400],
  InvalidRedirectUriException: ["invalid_redirect_uri", 400],
  UnsupportedGrantTypeException: ["unsupported_grant_type", 400],
  UnauthorizedClientException: ["unauthorized_client", 400],
  AccessDeniedException: ["access_denied", 400],
  InvalidClientException: ["invalid_client", 401],
  InternalServerException: ["server_error", 500],
};

/** Portal error shapes and their statuses. */
const PORTAL_STATUS: Readonly<Record<string, number>> = {
  InvalidRequestException: 400,
  UnauthorizedException: 401,
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  TooManyRequestsException: 429,
};

/** `SomeThingException` → `some_thing`: the OAuth error of a shape not in the model's list. */
function snake(code: string): string {
  return code.replace(/Exception$/, "").replace(/(?<=.)([A-Z])/g, "_$1")
    .toLowerCase();
}

/** A successful answer: JSON (or an empty body) with a request id. */
export function ssoOk(body: unknown, requestId: string): Response {
  if (body === undefined) {
    return new Response(null, {
      status: 200,
      headers: {
        "content-type": "application/json",
        "cache-control": "no-store",
        "x-amzn-requestid": requestId,
      },
    });
  }
  return json(body, 200, { "x-amzn-requestid": requestId });
}

/** An sso-oidc error. */
export function oidcError(
  code: string,
  description: string,
  requestId: string,
  statusOverride?: number,
): Response {
  const [error, status] = OIDC_ERRORS[code] ?? [snake(code), 400];
  return json(
    { error, error_description: description },
    statusOverride ?? status,
    {
      "x-amzn-errortype": `${code}:${OIDC_NS}`,
      "x-amzn-requestid": requestId,
    },
  );
}

/** A portal error. */
export function portalError(
  code: string,
  message: string,
  requestId: string,
  statusOverride?: number,
): Response {
  return json(
    { message },
    statusOverride ?? PORTAL_STATUS[code] ??
      (code.includes("Internal") ? 500 : 400),
    {
      "x-amzn-errortype": `${code}:${PORTAL_NS}`,
      "x-amzn-requestid": requestId,
    },
  );
}

/** What a route learned about a call, for its log line. */
export interface CallNotes {
  grantType?: RequestLogEntry["grantType"];
  clientId?: RequestLogEntry["clientId"];
}

/** What a route gets: the request id, notes for the log, and how to fail in its service's shape. */
export interface SsoCall {
  readonly requestId: string;
  readonly notes: CallNotes;
  /** An error in the service's shape (sso-oidc or portal), with the model's status unless overridden. */
  fail(code: string, text: string, status?: number): Response;
}

/**
 * Runs an SSO route: takes a queued fault for the operation (waiting out
 * its delay, answering its error), runs the route, and logs the call with
 * its status and error code. Never logs a secret, token or code.
 */
export async function ssoCall(
  state: EmulatorState,
  req: Request,
  url: URL,
  operation: Fault["operation"],
  service: "oidc" | "portal",
  route: (call: SsoCall) => Response | Promise<Response>,
  known: CallNotes = {},
): Promise<Response> {
  const requestId = uuidV4(state.random);
  const notes: CallNotes = { ...known };
  const shape = service === "oidc" ? oidcError : portalError;
  let error: string | undefined;
  const call: SsoCall = {
    requestId,
    notes,
    fail(code, text, status) {
      error = code;
      return shape(code, text, requestId, status);
    },
  };
  const fault = state.takeFault(operation);
  await faultDelay(fault);
  const response = fault?.error
    ? call.fail(
      fault.error,
      fault.message ?? `Injected ${fault.error}.`,
      fault.status,
    )
    : await route(call);
  state.log({
    method: req.method,
    path: url.pathname,
    operation,
    ...(notes.grantType ? { grantType: notes.grantType } : {}),
    ...(notes.clientId ? { clientId: notes.clientId } : {}),
    status: response.status,
    ...(error ? { error } : {}),
  });
  return response;
}

/** A JSON request body as an object, or `undefined` when it is not a JSON object sent as JSON. */
export async function jsonBody(
  req: Request,
): Promise<Record<string, unknown> | undefined> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("application/json")) return undefined;
  try {
    const parsed: unknown = await req.json();
    return parsed !== null && typeof parsed === "object" &&
        !Array.isArray(parsed)
      ? parsed as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/** A string field, or `undefined`. */
export function field(
  body: Readonly<Record<string, unknown>>,
  key: string,
): string | undefined {
  const v = body[key];
  return typeof v === "string" && v.length > 0 && v.length <= 4096
    ? v
    : undefined;
}

/** A list-of-strings field: `undefined` when absent, `null` when malformed. */
export function stringList(
  body: Readonly<Record<string, unknown>>,
  key: string,
): readonly string[] | undefined | null {
  const v = body[key];
  if (v === undefined) return undefined;
  if (
    !Array.isArray(v) || v.length > 50 ||
    !v.every((s) => typeof s === "string" && s.length > 0 && s.length <= 2048)
  ) return null;
  return v as string[];
}
