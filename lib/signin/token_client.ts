/**
 * The `CreateOAuth2Token` client (protocol.md §4, §5): unsigned restJson1
 * `POST {endpoint}/v1/token` with the request body botocore sends and a fresh
 * DPoP proof on every attempt. Retries and clock-skew correction are
 * {@linkcode sendWithRetries}'s; a proof refused by a server whose clock is
 * more than a minute from ours is sent again with the server's time.
 *
 * @example
 * ```ts
 * import { generateDpopKey } from "./dpop.ts";
 * const out = await createOAuth2Token({
 *   endpoint: "http://127.0.0.1:9",
 *   body: { clientId: "arn:aws:signin:::devtools/same-device", refreshToken: "r", grantType: "refresh_token" },
 *   key: await generateDpopKey(),
 * }).catch(() => undefined);
 * ```
 * @module
 */

import { durationInWords } from "../util/time.ts";
import { ServiceError } from "../errors.ts";
import { errorCodeOf } from "../http/json_error.ts";
import { type Exchange, sendWithRetries } from "../http/retry.ts";
import { pyJsonDumps } from "../util/py_json.ts";
import { safeText } from "../util/safe_text.ts";
import { realSleep, type Sleep } from "../util/sleep.ts";
import { USER_AGENT } from "../version.ts";
import { type DpopKey, dpopProof } from "./dpop.ts";

/** What a successful call returns. */
export interface TokenOutput {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly refreshToken: string;
  /** Seconds (the service sends 1–900; 900 when missing, as the JS SDK assumes). */
  readonly expiresIn: number;
  readonly tokenType?: string;
  readonly idToken?: string;
  /** The server's clock when it answered (from `Date`), milliseconds; `undefined` without the header. */
  readonly serverTime?: number;
}

/** The service answered 200 without usable credentials. */
export class EmptyTokenResponseError extends Error {
  constructor() {
    super("Failed to retrieve an access token.");
    this.name = "EmptyTokenResponseError";
  }
}

/** Options of {@linkcode createOAuth2Token}. */
export interface TokenRequest {
  /** The Sign-In endpoint (a path is kept: `{endpoint}/v1/token`). */
  readonly endpoint: string;
  /** The request body, in the order botocore sends it. */
  readonly body: Readonly<Record<string, string>>;
  readonly key: DpopKey;
  readonly now?: () => number;
  readonly fetch?: typeof fetch | undefined;
  readonly sleep?: Sleep;
  readonly signal?: AbortSignal | undefined;
  /** Per-attempt timeout. Default 20 s. */
  readonly timeoutMs?: number;
  /** When the call, retries included, must be over (milliseconds since the epoch, by `now`). */
  readonly deadline?: number;
  readonly debug?: (message: string) => void;
}

/** The token URL of an endpoint: its path kept, `/v1/token` appended. */
export function tokenUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/v1/token`;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

function jsonObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = text === "" ? {} : JSON.parse(text);
    return parsed !== null && typeof parsed === "object" &&
        !Array.isArray(parsed)
      ? parsed as Record<string, unknown>
      : {};
  } catch {
    return {};
  }
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Calls `CreateOAuth2Token`. */
export async function createOAuth2Token(
  request: TokenRequest,
): Promise<TokenOutput> {
  const url = tokenUrl(request.endpoint);
  const now = request.now ?? Date.now;
  const payload = pyJsonDumps(request.body);
  const exchange: Exchange = await sendWithRetries({
    url,
    label: `CreateOAuth2Token, ${request.body.grantType}`,
    request: async (clockMs) => ({
      method: "POST",
      headers: {
        "content-type": "application/json",
        "dpop": await dpopProof(request.key, url, { now: clockMs }),
        "user-agent": USER_AGENT,
      },
      body: payload,
    }),
    fetch: request.fetch ?? fetch,
    now,
    sleep: request.sleep ?? realSleep,
    signal: request.signal,
    ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
    ...(request.deadline ? { deadline: request.deadline } : {}),
    // Any refusal from a server whose clock differs from ours by more than a minute: the DPoP proof's
    // time may be why (Sign-In has answered 400 INVALID_REQUEST, and 401 TOKEN_EXPIRED, to it).
    clockSkewed: (e) =>
      e.response.status >= 400 && e.response.status < 500 &&
      Math.abs(e.serverTime - now()) > CLOCK_TOLERANCE_MS,
    retryable: (e) => RETRYABLE_STATUS.has(e.response.status),
    ...(request.debug ? { debug: request.debug } : {}),
  });
  const { response, serverTime } = exchange;
  const body = jsonObject(exchange.text);
  if (response.ok) {
    const at = body.accessToken as Record<string, unknown> | undefined;
    const accessKeyId = nonEmpty(at?.accessKeyId);
    const secretAccessKey = nonEmpty(at?.secretAccessKey);
    const sessionToken = nonEmpty(at?.sessionToken);
    const refreshToken = nonEmpty(body.refreshToken);
    if (!accessKeyId || !secretAccessKey || !sessionToken || !refreshToken) {
      throw new EmptyTokenResponseError();
    }
    const expiresIn = typeof body.expiresIn === "number" && body.expiresIn > 0
      ? body.expiresIn
      : 900;
    const tokenType = nonEmpty(body.tokenType);
    const idToken = nonEmpty(body.idToken);
    return {
      accessKeyId,
      secretAccessKey,
      sessionToken,
      refreshToken,
      expiresIn,
      ...(tokenType ? { tokenType } : {}),
      ...(idToken ? { idToken } : {}),
      ...(Number.isNaN(serverTime) ? {} : { serverTime }),
    };
  }
  // The service's words are outside text: escaped before they can reach a terminal.
  const code = safeText(errorCodeOf(response.headers, body, response.status));
  const message = safeText(
    nonEmpty(body.message) ?? nonEmpty(body.Message) ??
      (response.statusText || "Unknown error"),
  );
  const error = new ServiceError({
    code,
    errorCode: typeof body.error === "string" ? body.error : undefined,
    message,
    status: response.status,
    operation: "CreateOAuth2Token",
    details: errorDetails(code, message, body),
  });
  const skewMs = serverTime - now();
  if (Math.abs(skewMs) > CLOCK_TOLERANCE_MS) {
    error.hint = clockHint(skewMs, serverTime);
  }
  throw error;
}

/** How far our clock may be from Sign-In's before it is named as a cause. */
export const CLOCK_TOLERANCE_MS = 60_000;

/** How to set the clock right, by platform (for the skew hint here and for `doctor`). */
export const CLOCK_FIXES = {
  linux: "sudo timedatectl set-ntp true",
  wsl: "sudo hwclock -s",
  desktop: "set the time automatically in the date and time settings",
} as const;

/** What to say when our clock is off: how far, which way, and how to set it right. */
export function clockHint(skewMs: number, serverTime: number): string {
  return `This computer's clock is ${durationInWords(skewMs)} ${
    skewMs > 0 ? "behind" : "ahead of"
  } Sign-In's (which said ${
    new Date(serverTime).toISOString().replace(/\.\d{3}Z$/, "Z")
  }), and Sign-In refuses proofs from a clock that far off, even after one try with its time. Set the ` +
    `clock right, then run the command again: sync it with NTP (Linux: "${CLOCK_FIXES.linux}"; WSL: ` +
    `"${CLOCK_FIXES.wsl}"; macOS and Windows: ${CLOCK_FIXES.desktop}).`;
}

/** Sign-In's modeled errors: every one has the members `error` and `message`. */
const MODELED_ERRORS = new Set([
  "AccessDeniedException",
  "ValidationException",
  "TooManyRequestsError",
  "InternalServerException",
  "ResourceNotFoundException",
  "ConflictException",
  "ServiceQuotaExceededException",
]);

/**
 * The error as the AWS CLI's structured output shows it: `Message` and
 * `Code` (restJson's order), then the modeled members the body has, in the
 * model's order (botocore keeps only modeled fields).
 */
function errorDetails(
  code: string,
  message: string,
  body: Record<string, unknown>,
): Record<string, string> {
  const details: Record<string, string> = { Message: message, Code: code };
  if (!MODELED_ERRORS.has(code)) return details;
  for (const member of ["error", "message"]) {
    const value = body[member];
    if (typeof value === "string") details[member] = safeText(value);
  }
  return details;
}
