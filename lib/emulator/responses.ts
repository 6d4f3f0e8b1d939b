/**
 * The emulator's answers in the shapes AWS uses: HTML pages (with a strict
 * Content-Security-Policy), JSON, redirects, Sign-In's restJson1 errors and
 * STS's XML errors.
 *
 * @example
 * ```ts
 * oauthError("TOKEN_EXPIRED", "The refresh token has expired.", "req-1").status; // 401
 * ```
 * @module
 */

import { escapeMarkup } from "../util/markup.ts";

/** STS's XML namespace. */
export const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** An HTML page. */
export function html(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; " +
        "form-action 'self' http://127.0.0.1:*; base-uri 'none'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
  });
}

/** A JSON answer. */
export function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

/** A redirect. */
export function redirect(location: string, status = 302): Response {
  return new Response(null, {
    status,
    headers: { location, "cache-control": "no-store" },
  });
}

/** A URL with query parameters set. */
export function withQuery(
  base: string,
  params: Record<string, string>,
): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

const OAUTH_ERRORS: Record<string, { shape: string; status: number }> = {
  TOKEN_EXPIRED: { shape: "AccessDeniedException", status: 401 },
  AUTHCODE_EXPIRED: { shape: "AccessDeniedException", status: 401 },
  USER_CREDENTIALS_CHANGED: { shape: "AccessDeniedException", status: 403 },
  INSUFFICIENT_PERMISSIONS: { shape: "AccessDeniedException", status: 403 },
  INVALID_REQUEST: { shape: "ValidationException", status: 400 },
  RESOURCE_NOT_FOUND: { shape: "ResourceNotFoundException", status: 404 },
  CONFLICT: { shape: "ConflictException", status: 409 },
  SERVICE_QUOTA_EXCEEDED: {
    shape: "ServiceQuotaExceededException",
    status: 402,
  },
  server_error: { shape: "InternalServerException", status: 500 },
};

/** A Sign-In error: `{"error", "message"}` with the shape in `x-amzn-errortype`. */
export function oauthError(
  code: string,
  message: string,
  requestId: string,
  statusOverride?: number,
): Response {
  const known = OAUTH_ERRORS[code];
  const throttled = code === "TooManyRequestsError";
  const shape = throttled
    ? "TooManyRequestsError"
    : known?.shape ?? "ValidationException";
  const status = statusOverride ?? (throttled ? 429 : known?.status ?? 400);
  return json({ error: throttled ? "server_error" : code, message }, status, {
    "x-amzn-errortype":
      `${shape}:http://internal.amazon.com/coral/com.amazon.signin/`,
    "x-amzn-requestid": requestId,
  });
}

/** An STS error document. */
export function stsError(
  code: string,
  message: string,
  status: number,
  requestId: string,
): Response {
  const type = status >= 500 ? "Receiver" : "Sender";
  const body =
    `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${
      escapeMarkup(code)
    }</Code>\n    <Message>${
      escapeMarkup(message)
    }</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
  return new Response(body, {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  });
}

/** An STS result document: `<{Action}Response><{Action}Result>…`. */
export function stsResult(
  action: string,
  resultXml: string,
  requestId: string,
): Response {
  const xml = `<${action}Response xmlns="${STS_NS}">
  <${action}Result>
${resultXml}  </${action}Result>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</${action}Response>
`;
  return new Response(xml, {
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
  });
}
