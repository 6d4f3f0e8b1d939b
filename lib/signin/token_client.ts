/**
 * The `CreateOAuth2Token` client (protocol.md §4, §5): unsigned restJson1
 * `POST {endpoint}/v1/token` with the request body botocore sends and a fresh
 * DPoP proof on every attempt. Retries throttling, server errors and network
 * failures, and tolerates a skewed local clock by taking `iat` from the
 * server's `Date` header when a proof is refused.
 *
 * @example
 * ```ts
 * const out = await createOAuth2Token({
 *   endpoint: "https://us-east-1.signin.aws.amazon.com",
 *   body: { clientId, refreshToken, grantType: "refresh_token" },
 *   key,
 * });
 * ```
 * @module
 */

import { AwsSigninError, InterruptedError, ServiceError } from "../errors.ts";
import { pyJsonDumps } from "../cache/py_json.ts";
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

/** The endpoint could not be reached. */
export class EndpointConnectionError extends AwsSigninError {
  /** The URL that failed. */
  readonly url: string;
  constructor(url: string, detail: string) {
    super(
      `Could not connect to the endpoint URL: "${url}" (${detail}). ` +
        `Check your network and proxy settings (HTTPS_PROXY), or the endpoint URL, then run the command again.`,
    );
    this.name = "EndpointConnectionError";
    this.url = url;
  }
}

/** The service answered 200 without usable credentials. */
export class EmptyTokenResponseError extends AwsSigninError {
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
  readonly signal?: AbortSignal | undefined;
  /** Per-attempt timeout. Default 20 s. */
  readonly timeoutMs?: number;
  readonly debug?: (message: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The token URL of an endpoint: its path kept, `/v1/token` appended. */
export function tokenUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/v1/token`;
}

/** The error code of an AWS JSON error response, with botocore's precedence. */
export function errorCodeOf(
  headers: Headers,
  body: Record<string, unknown>,
  status: number,
): string {
  const header = headers.get("x-amzn-errortype");
  if (header) return header.split(":")[0]!.split("#").pop()!;
  for (const key of ["code", "Code", "__type"]) {
    const v = body[key];
    if (typeof v === "string" && v !== "") return v.split("#").pop()!;
  }
  return String(status);
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Calls `CreateOAuth2Token`. */
export async function createOAuth2Token(
  request: TokenRequest,
): Promise<TokenOutput> {
  const url = tokenUrl(request.endpoint);
  const doFetch = request.fetch ?? fetch;
  const now = request.now ?? Date.now;
  const sleep = request.sleep ??
    ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const debug = request.debug ?? (() => {});
  const payload = pyJsonDumps(request.body);
  let skewMs = 0;
  let skewAdjusted = false;
  for (let attempt = 1;; attempt++) {
    if (request.signal?.aborted) throw new InterruptedError();
    const proof = await dpopProof(request.key, url, { now: now() + skewMs });
    const timeout = AbortSignal.timeout(request.timeoutMs ?? 20_000);
    const signal = request.signal
      ? AbortSignal.any([request.signal, timeout])
      : timeout;
    let response: Response;
    try {
      debug(
        `POST ${url} (CreateOAuth2Token, ${request.body.grantType}, attempt ${attempt})`,
      );
      response = await doFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "dpop": proof,
          "user-agent": USER_AGENT,
        },
        body: payload,
        signal,
      });
    } catch (error) {
      if (request.signal?.aborted) throw new InterruptedError();
      const detail = timeout.aborted
        ? "timed out"
        : (error as Error).message.replace(/^error sending request.*?: /, "");
      if (attempt < 3) {
        debug(`connection failed (${detail}); retrying`);
        await sleep(250 * attempt);
        continue;
      }
      throw new EndpointConnectionError(url, detail);
    }
    const dateHeader = response.headers.get("date");
    const serverTime = dateHeader ? Date.parse(dateHeader) : NaN;
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = text === "" ? {} : JSON.parse(text);
      if (
        parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ) {
        body = parsed as Record<string, unknown>;
      }
    } catch {
      body = {};
    }
    if (response.ok) {
      const at = body.accessToken as Record<string, unknown> | undefined;
      const s = (
        v: unknown,
      ) => (typeof v === "string" && v !== "" ? v : undefined);
      const accessKeyId = s(at?.accessKeyId);
      const secretAccessKey = s(at?.secretAccessKey);
      const sessionToken = s(at?.sessionToken);
      const refreshToken = s(body.refreshToken);
      if (!accessKeyId || !secretAccessKey || !sessionToken || !refreshToken) {
        throw new EmptyTokenResponseError();
      }
      const expiresIn = typeof body.expiresIn === "number" && body.expiresIn > 0
        ? body.expiresIn
        : 900;
      const tokenType = s(body.tokenType);
      const idToken = s(body.idToken);
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
    const code = errorCodeOf(response.headers, body, response.status);
    const errorCode = typeof body.error === "string" ? body.error : undefined;
    const message = typeof body.message === "string"
      ? body.message
      : typeof body.Message === "string"
      ? body.Message
      : response.statusText || "Unknown error";
    // A refused proof from a server whose clock differs from ours: retry once with its time.
    if (
      response.status === 400 && !skewAdjusted && !Number.isNaN(serverTime) &&
      Math.abs(serverTime - now()) > 60_000
    ) {
      skewAdjusted = true;
      skewMs = serverTime - now();
      debug(
        `the server's clock differs from ours by ${
          Math.round(skewMs / 1000)
        } s; retrying with its time`,
      );
      continue;
    }
    if (RETRYABLE_STATUS.has(response.status) && attempt < 3) {
      debug(`${code} (HTTP ${response.status}); retrying`);
      await sleep(250 * attempt);
      continue;
    }
    throw new ServiceError({
      code,
      errorCode,
      message,
      status: response.status,
      operation: "CreateOAuth2Token",
    });
  }
}
