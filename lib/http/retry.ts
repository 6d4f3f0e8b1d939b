/**
 * One AWS call with the retries every AWS SDK makes: a failed connection, a
 * throttled or failing service (three attempts in all, with a short backoff),
 * and a request refused because our clock is off (once more, with the
 * server's time from its `Date` header). Used by the Sign-In token client and
 * the STS client, which differ only in how they build a request and read an
 * error.
 *
 * @example
 * ```ts
 * import { realSleep } from "../util/sleep.ts";
 * const exchange = await sendWithRetries({
 *   url: "http://127.0.0.1:9/",
 *   label: "GetCallerIdentity",
 *   request: () => Promise.resolve({ method: "POST", body: "Action=GetCallerIdentity" }),
 *   fetch,
 *   now: Date.now,
 *   sleep: realSleep,
 *   clockSkewed: () => false,
 *   retryable: (e) => e.response.status >= 500,
 * }).catch(() => undefined);
 * ```
 * @module
 */

import {
  AwsSigninError,
  EndpointConnectionError,
  EndpointTimeoutError,
  InterruptedError,
} from "../errors.ts";
import type { TimedFetch } from "./tls.ts";
import { type Sleep, timerMs } from "../util/sleep.ts";

/** An answer and its body. */
export interface Exchange {
  readonly response: Response;
  readonly text: string;
  /** The server's clock when it answered (its `Date` header), or `NaN`. */
  readonly serverTime: number;
}

/** What {@linkcode sendWithRetries} needs. */
export interface RetryingRequest {
  readonly url: string | URL;
  /**
   * What `--debug` lines and errors name instead of `url`, when `url` itself
   * is a secret (the console's `getSigninToken` carries keys in its query).
   */
  readonly shownUrl?: string;
  /** For `--debug`: the operation and anything else worth a word, e.g. `CreateOAuth2Token, refresh_token`. */
  readonly label: string;
  /** Builds one attempt; `clockMs` is our clock corrected by the skew the server showed (sign or date with it). */
  readonly request: (clockMs: number) => Promise<RequestInit>;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly sleep: Sleep;
  readonly signal?: AbortSignal | undefined;
  /** Per-attempt timeout. Default 20 s. */
  readonly timeoutMs?: number;
  /**
   * When the whole call, retries included, must be over (milliseconds since
   * the epoch, by `now`): no attempt starts or runs past it.
   */
  readonly deadline?: number;
  /** Whether an error answer says our clock is too far from the server's. */
  readonly clockSkewed: (exchange: Exchange) => boolean;
  /** Whether an error answer is worth another attempt (throttling, server errors). */
  readonly retryable: (exchange: Exchange) => boolean;
  readonly debug?: (message: string) => void;
}

const ATTEMPTS = 3;

// What Deno's fetch says when the server's certificate is not trusted (no retry helps).
const TLS_FAILURE =
  /certificate|UnknownIssuer|NotValidForName|BadSignature|tls handshake|InvalidCertificate/i;

/** The connection did not open in time. */
class ConnectTimeout extends Error {}

/** Whether a proxy will make the connection instead of us (then its time is not ours to measure). */
function proxied(url: URL): boolean {
  const vars = url.protocol === "https:"
    ? ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    : ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];
  try {
    return vars.some((k) => Deno.env.get(k));
  } catch {
    return false;
  }
}

/**
 * Opens (and closes) a TCP connection to the endpoint within `ms`, for
 * `--cli-connect-timeout` (fetch cannot tell connecting from waiting).
 *
 * @throws {ConnectTimeout} when it does not open in time; other failures are left to the request.
 */
async function probeConnection(url: URL, ms: number): Promise<void> {
  if (proxied(url)) return;
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  const connecting = Deno.connect({
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port,
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) =>
    timer = setTimeout(() => resolve("late"), Math.max(1, timerMs(ms)))
  );
  try {
    const first = await Promise.race([connecting, late]);
    if (first === "late") {
      connecting.then((c) => c.close(), () => {});
      throw new ConnectTimeout();
    }
    first.close();
  } catch (error) {
    if (error instanceof ConnectTimeout) throw error;
    // Refused or unresolvable: the request itself says so.
  } finally {
    clearTimeout(timer);
  }
}

/** The useful part of a fetch failure: Deno puts it in `cause` ("client error (Connect): ..."). */
function connectionDetail(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const text = cause instanceof Error
    ? cause.message
    : (error as Error).message;
  return text.replace(/^error sending request for url \([^)]*\): /, "");
}

/**
 * Sends the request until it succeeds, fails for good, or runs out of
 * attempts, and returns the last answer (success or error: the caller reads
 * it).
 *
 * @throws {EndpointConnectionError} when the last attempt could not connect.
 * @throws {InterruptedError} when the signal is aborted.
 */
export async function sendWithRetries(
  init: RetryingRequest,
): Promise<Exchange> {
  const debug = init.debug ?? (() => {});
  const url = String(init.url);
  const shown = init.shownUrl ?? url;
  const detailOf = (error: unknown) =>
    connectionDetail(error).replaceAll(url, shown);
  let skewMs = 0;
  let skewAdjusted = false;
  const deadline = init.deadline ?? Infinity;
  const started = init.now();
  const outOfTime = () =>
    new EndpointConnectionError(
      shown,
      `no answer within ${
        Math.round((deadline - started) / 1000)
      } s, retries included`,
    );
  const timeouts = (init.fetch as TimedFetch).timeouts;
  const readMs = timeouts?.readMs ?? init.timeoutMs ?? 20_000;
  for (let attempt = 1;; attempt++) {
    if (init.signal?.aborted) throw new InterruptedError();
    const left = deadline - init.now();
    if (left <= 0) throw outOfTime();
    const connectMs = timeouts?.connectMs;
    if (connectMs !== undefined && Number.isFinite(connectMs)) {
      try {
        await probeConnection(new URL(url), Math.min(connectMs, left));
      } catch (error) {
        if (!(error instanceof ConnectTimeout)) throw error;
        if (attempt < ATTEMPTS && init.now() + 250 * attempt < deadline) {
          debug(`no connection within ${connectMs / 1000} s; retrying`);
          await init.sleep(250 * attempt, init.signal);
          continue;
        }
        throw new EndpointTimeoutError(shown, "connect");
      }
    }
    const request = await init.request(init.now() + skewMs);
    const limit = Math.min(readMs, left);
    const timeout = Number.isFinite(limit)
      ? AbortSignal.timeout(Math.max(1, timerMs(limit)))
      : new AbortController().signal;
    const signal = init.signal
      ? AbortSignal.any([init.signal, timeout])
      : timeout;
    let response: Response;
    try {
      debug(
        `${
          request.method ?? "POST"
        } ${shown} (${init.label}, attempt ${attempt})`,
      );
      response = await init.fetch(url, { ...request, signal });
    } catch (error) {
      if (init.signal?.aborted) throw new InterruptedError();
      if (error instanceof AwsSigninError) throw error; // our own (a CA bundle that cannot be read)
      const detail = timeout.aborted ? "timed out" : detailOf(error);
      if (TLS_FAILURE.test(detail)) {
        throw new EndpointConnectionError(shown, detail, { tls: true });
      }
      if (attempt < ATTEMPTS && init.now() + 250 * attempt < deadline) {
        debug(`connection failed (${detail}); retrying`);
        await init.sleep(250 * attempt, init.signal);
        continue;
      }
      if (timeout.aborted && timeouts?.readMs !== undefined) {
        throw new EndpointTimeoutError(shown, "read");
      }
      throw new EndpointConnectionError(shown, detail);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (init.signal?.aborted) throw new InterruptedError();
      if (timeout.aborted) throw new EndpointTimeoutError(shown, "read");
      throw new EndpointConnectionError(shown, detailOf(error));
    }
    const dateHeader = response.headers.get("date");
    const exchange: Exchange = {
      response,
      text,
      serverTime: dateHeader ? Date.parse(dateHeader) : NaN,
    };
    if (response.ok) return exchange;
    if (
      !skewAdjusted && !Number.isNaN(exchange.serverTime) &&
      init.clockSkewed(exchange)
    ) {
      skewAdjusted = true;
      skewMs = exchange.serverTime - init.now();
      debug(
        `the server's clock differs from ours by ${
          Math.round(skewMs / 1000)
        } s; retrying with its time`,
      );
      continue;
    }
    if (
      init.retryable(exchange) && attempt < ATTEMPTS &&
      init.now() + 250 * attempt < deadline
    ) {
      debug(`HTTP ${response.status}; retrying`);
      await init.sleep(250 * attempt, init.signal);
      continue;
    }
    return exchange;
  }
}
