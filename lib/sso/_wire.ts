/**
 * One unsigned restJson1 call to IAM Identity Center's OIDC or portal API
 * (protocol-sso.md §2.3, §4.6–4.8, §8.1), shared by `oidc_client.ts` and
 * `portal_client.ts`: the body as Python's `json.dumps` writes it, the
 * query in botocore's order and encoding, the SDK headers, retries and
 * timeouts from {@linkcode sendWithRetries}, and an error answer read as
 * botocore reads it into a {@linkcode ServiceError} whose details are the
 * modeled fields the AWS CLI's enhanced format shows.
 *
 * @example
 * ```ts
 * const out = await ssoCall({ endpoint: "http://127.0.0.1:9", method: "POST", path: "/logout",
 *   operation: "Logout", modeled: {}, headers: { "x-amz-sso_bearer_token": "t" } }).catch(() => undefined);
 * ```
 * @module
 */

import { ServiceError } from "../errors.ts";
import { errorBody, errorCodeOf } from "../http/json_error.ts";
import { sendWithRetries } from "../http/retry.ts";
import { percentEncode } from "../util/encoding.ts";
import { pyJsonDumps } from "../util/py_json.ts";
import { safeText } from "../util/safe_text.ts";
import { realSleep, type Sleep } from "../util/sleep.ts";
import { USER_AGENT } from "../version.ts";
import { SsoResponseError } from "./errors.ts";

/** What every OIDC and portal call takes: where, and the injected world. */
export interface SsoClientOptions {
  /** The service's endpoint (scheme, host, and any path, which is kept). */
  readonly endpoint: string;
  /** The project's fetch (CA bundle, proxies, timeouts). Default: the runtime's. */
  readonly fetch?: typeof fetch | undefined;
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly signal?: AbortSignal | undefined;
  /** Per-attempt timeout. Default 20 s. */
  readonly timeoutMs?: number;
  /** When the call, retries included, must be over (milliseconds since the epoch, by `now`). */
  readonly deadline?: number;
  readonly debug?: ((message: string) => void) | undefined;
  /** Appended to the user agent, e.g. `md/sso#auth` (botocore's `user_agent_extra` of the code flow). */
  readonly userAgentExtra?: string;
}

/** One call. */
export interface SsoCall extends SsoClientOptions {
  readonly method: "GET" | "POST";
  /** The operation's path, e.g. `/token`. */
  readonly path: string;
  /** Query parameters in the order botocore sends them (undefined values left out). */
  readonly query?: readonly (readonly [string, string | undefined])[];
  readonly headers?: Readonly<Record<string, string>>;
  /** The JSON body, its keys in the order botocore sends them; none: no body. */
  readonly body?: Readonly<Record<string, unknown>>;
  /** E.g. `CreateToken`. */
  readonly operation: string;
  /** The modeled error shapes of the operation's service and their members, in the model's order. */
  readonly modeled: Readonly<Record<string, readonly string[]>>;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * The URL of a call: the endpoint with its path kept, the operation's path,
 * the query (botocore's `percent_encode`).
 *
 * @example
 * ```ts
 * ssoUrl("https://portal.sso.us-east-1.amazonaws.com", "/federation/credentials",
 *   [["role_name", "Admin"], ["account_id", "111122223333"]]);
 * // "https://portal.sso.us-east-1.amazonaws.com/federation/credentials?role_name=Admin&account_id=111122223333"
 * ```
 */
export function ssoUrl(
  endpoint: string,
  path: string,
  query: readonly (readonly [string, string | undefined])[] = [],
): string {
  const pairs = query.filter((p): p is readonly [string, string] =>
    p[1] !== undefined
  );
  const search = pairs.map(([k, v]) =>
    `${percentEncode(k)}=${percentEncode(v)}`
  )
    .join("&");
  return `${endpoint.replace(/\/+$/, "")}${path}${search ? `?${search}` : ""}`;
}

/**
 * The error as the AWS CLI's structured output shows it: `Message` and
 * `Code`, then the modeled members the body has, in the model's order.
 */
function errorDetails(
  code: string,
  message: string,
  body: Record<string, unknown>,
  modeled: Readonly<Record<string, readonly string[]>>,
): Record<string, string> {
  const details: Record<string, string> = { Message: message, Code: code };
  for (const member of modeled[code] ?? []) {
    const value = body[member];
    if (typeof value === "string") details[member] = safeText(value);
  }
  return details;
}

/**
 * Makes the call and returns the answer's JSON object (`{}` for an empty
 * body).
 *
 * @example
 * ```ts
 * await ssoCall({ endpoint: "http://127.0.0.1:9", method: "GET", path: "/assignment/accounts",
 *   operation: "ListAccounts", modeled: {} }).catch(() => undefined);
 * ```
 * @throws {ServiceError} for an error answer (exit 254; `errorCode` is the OAuth `error`).
 * @throws {EndpointConnectionError} when the endpoint cannot be reached.
 * @throws {SsoResponseError} when a successful answer is not a JSON object.
 */
export async function ssoCall(
  call: SsoCall,
): Promise<Record<string, unknown>> {
  const url = ssoUrl(call.endpoint, call.path, call.query);
  const now = call.now ?? Date.now;
  const payload = call.body ? pyJsonDumps(call.body) : undefined;
  const invocation = crypto.randomUUID();
  let attempt = 0;
  const exchange = await sendWithRetries({
    url,
    label: call.operation,
    request: () => {
      attempt++;
      return Promise.resolve({
        method: call.method,
        headers: {
          ...(payload !== undefined
            ? { "content-type": "application/json" }
            : {}),
          "user-agent": call.userAgentExtra
            ? `${USER_AGENT} ${call.userAgentExtra}`
            : USER_AGENT,
          "amz-sdk-invocation-id": invocation,
          "amz-sdk-request": `attempt=${attempt}`,
          ...call.headers,
        },
        ...(payload !== undefined
          ? { body: payload }
          : call.method === "POST"
          ? { body: new Uint8Array(0) } // Content-Length 0, no Content-Type (a string would get text/plain)
          : {}),
      });
    },
    fetch: call.fetch ?? fetch,
    now,
    sleep: call.sleep ?? realSleep,
    signal: call.signal,
    ...(call.timeoutMs ? { timeoutMs: call.timeoutMs } : {}),
    ...(call.deadline ? { deadline: call.deadline } : {}),
    clockSkewed: () => false,
    retryable: (e) => RETRYABLE_STATUS.has(e.response.status),
    ...(call.debug ? { debug: call.debug } : {}),
  });
  const { response, text } = exchange;
  if (response.ok) {
    if (text.trim() === "") return {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (
        parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ) return parsed as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new SsoResponseError(call.operation, "JSON object");
  }
  const body = errorBody(text);
  // The service's words are outside text: escaped before they can reach a terminal.
  const code = safeText(errorCodeOf(response.headers, body, response.status));
  const raw = body.message ?? body.Message;
  const message = typeof raw === "string" ? safeText(raw) : "";
  throw new ServiceError({
    code,
    errorCode: typeof body.error === "string"
      ? safeText(body.error)
      : undefined,
    message,
    status: response.status,
    operation: call.operation,
    details: errorDetails(code, message, body, call.modeled),
  });
}

/**
 * A non-empty string member of an answer, or `undefined`.
 *
 * @example
 * ```ts
 * stringMember({ clientId: "c" }, "clientId"); // "c"
 * ```
 */
export function stringMember(
  body: Record<string, unknown>,
  key: string,
): string | undefined {
  const v = body[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * A finite number member of an answer, or `undefined`.
 *
 * @example
 * ```ts
 * numberMember({ expiresIn: 3600 }, "expiresIn"); // 3600
 * ```
 */
export function numberMember(
  body: Record<string, unknown>,
  key: string,
): number | undefined {
  const v = body[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
