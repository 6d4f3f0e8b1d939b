/**
 * A credential endpoint in the container-credentials format that every AWS
 * SDK and the AWS CLI read through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN`: `GET /` with the token in
 * `Authorization` answers `{"AccessKeyId", "SecretAccessKey", "Token",
 * "Expiration", "AccountId"}` (`Expiration` in RFC 3339 with `Z`, which the JS
 * SDK requires). A wrong or missing token gets 401 (compared in constant
 * time), other paths 404, other methods 405, a request that announces a
 * body 413 before the body is read, and a session that has ended 500 with an
 * SDK-readable `{"Code", "Message"}`. Concurrent requests share
 * one credentials lookup, so a due refresh happens once.
 *
 * @example
 * ```ts
 * await using server = await startCredentialServer({
 *   token: "secret-token",
 *   credentials: () => Promise.resolve({ accessKeyId: "ASIA", secretAccessKey: "s", method: "login" }),
 *   log: () => {},
 * });
 * server.url; // "http://127.0.0.1:PORT/"
 * ```
 * @module
 */

import { constantTimeEqual } from "../util/encoding.ts";
import type { Credentials } from "../credentials/types.ts";
import { serveHttp } from "../http/server.ts";
import { formatExpiresAt } from "../util/time.ts";

/** What the server needs. */
export interface CredentialServerOptions {
  /** Where to listen. Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** The token clients must send in `Authorization`. */
  readonly token: string;
  /** The credentials to serve (looked up for every request that needs them). */
  readonly credentials: () => Promise<Credentials>;
  /** A reason to answer 500 at once instead of waiting for the lookup (a sign-in in the browser). */
  readonly busy?: () => string | undefined;
  /** One line per request (time, method, path, status), and problems. Never a secret. */
  readonly log: (line: string) => void;
  /** Tells the user why a request failed (a session that ended), once per distinct message. */
  readonly onFailure?: (error: unknown) => void;
  /** The clock, for the log lines. */
  readonly now?: () => number;
}

/** A running server. */
export interface CredentialServer {
  /** The full URI clients use: `http://127.0.0.1:PORT/`. */
  readonly url: string;
  readonly port: number;
  /** The token clients send. */
  readonly token: string;
  /** Settles when the server stops: after `close`, or (rejecting) if it failed. */
  readonly finished: Promise<void>;
  /** Stops accepting requests and waits for the ones in flight. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const JSON_HEADERS = {
  "content-type": "application/json",
  "cache-control": "no-store",
};

/** Starts the server. */
// deno-lint-ignore require-await -- async so that a failure to listen is a rejection, as callers expect
export async function startCredentialServer(
  options: CredentialServerOptions,
): Promise<CredentialServer> {
  const now = options.now ?? Date.now;
  let inflight: Promise<Credentials> | undefined;
  const lookup = () => {
    inflight ??= options.credentials().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
  const answer = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname !== "/") {
      return Response.json({ Code: "NotFound", Message: "Not found." }, {
        status: 404,
        headers: JSON_HEADERS,
      });
    }
    if (request.method !== "GET") {
      return Response.json(
        { Code: "MethodNotAllowed", Message: "Use GET." },
        { status: 405, headers: { ...JSON_HEADERS, allow: "GET" } },
      );
    }
    if (
      !constantTimeEqual(
        request.headers.get("authorization") ?? "",
        options.token,
      )
    ) {
      return Response.json({
        Code: "Unauthorized",
        Message:
          "The Authorization header is missing or does not match AWS_CONTAINER_AUTHORIZATION_TOKEN.",
      }, { status: 401, headers: JSON_HEADERS });
    }
    const busy = options.busy?.();
    if (busy !== undefined) {
      return Response.json(
        { Code: "CredentialsUnavailable", Message: busy },
        { status: 500, headers: JSON_HEADERS },
      );
    }
    let creds: Credentials;
    try {
      creds = await lookup();
    } catch (error) {
      options.onFailure?.(error);
      return Response.json({
        Code: "CredentialsUnavailable",
        Message: (error as Error).message,
      }, { status: 500, headers: JSON_HEADERS });
    }
    return Response.json({
      AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken !== undefined
        ? { Token: creds.sessionToken }
        : {}),
      ...(creds.expiration !== undefined
        ? { Expiration: formatExpiresAt(creds.expiration) }
        : {}),
      ...(creds.accountId !== undefined ? { AccountId: creds.accountId } : {}),
    }, { headers: JSON_HEADERS });
  };
  const server = serveHttp({
    hostname: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    // GET only: a request that announces a body gets 413 before it is read.
    maxBodyBytes: 0,
    onError: () =>
      Response.json({ Code: "InternalError", Message: "Internal error." }, {
        status: 500,
        headers: JSON_HEADERS,
      }),
    onAcceptError: (error) =>
      options.log(
        `${
          formatExpiresAt(now())
        } cannot accept connections (${error.message}); retrying`,
      ),
  }, async (request) => {
    const response = await answer(request);
    options.log(
      `${formatExpiresAt(now())} ${request.method} ${
        new URL(request.url).pathname
      } ${response.status}`,
    );
    return response;
  });
  const addr = server.addr;
  // Every interface includes loopback, the address SDKs accept for plain http.
  const host = options.host === undefined || options.host === "0.0.0.0"
    ? "127.0.0.1"
    : options.host === "::"
    ? "[::1]"
    : options.host.includes(":")
    ? `[${options.host}]`
    : options.host;
  const close = () => server.close();
  return {
    url: `http://${host}:${addr.port}/`,
    port: addr.port,
    token: options.token,
    finished: server.finished,
    close,
    [Symbol.asyncDispose]: close,
  };
}
