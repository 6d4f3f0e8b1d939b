/**
 * The loopback server that receives the browser's redirect after sign-in
 * (protocol.md §2), better than the AWS CLI's: it binds 127.0.0.1 only,
 * answers only `GET /oauth/callback`, and accepts exactly one callback that
 * carries the expected state (a code, or an error), then closes. A callback
 * with another state (or none), error or not, gets a 400 page and the server
 * keeps waiting, so whoever else reaches the port (another user on the
 * machine, a web page sending the browser here) cannot end the login. Other
 * paths get 404.
 *
 * The browser is not given the sign-in URL itself (a browser's arguments
 * are public): {@linkcode CallbackServer.handoff} makes a one-time link on
 * this server that redirects to it and sets a cookie, and from then on only
 * a callback that carries that cookie (the browser that opened the link)
 * finishes the login; a second opening of the link stops it.
 *
 * @example
 * ```ts
 * await using server = await startCallbackServer({
 *   expectedState: crypto.randomUUID(),
 *   profile: "dev",
 *   retryCommand: "aws-signin login --profile dev",
 * });
 * server.redirectUri; // "http://127.0.0.1:PORT/oauth/callback"
 * // await server.result: { kind: "code", code } once the browser comes back
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";
import { type HttpServer, serveHttp } from "../http/server.ts";
import { safeText } from "../util/safe_text.ts";
import { carriesCookie, type OneTimeLink, oneTimeLink } from "./handoff.ts";
import { failurePage, notFoundPage, successPage } from "./pages.ts";

/** How the callback ended. */
export type CallbackResult =
  | { readonly kind: "code"; readonly code: string }
  | { readonly kind: "error"; readonly error: string }
  /** The one-time link was opened twice: the flow must stop. */
  | { readonly kind: "reused" };

/** A listening callback server. */
export interface CallbackServer {
  readonly port: number;
  /** `http://127.0.0.1:{port}/oauth/callback` */
  readonly redirectUri: string;
  /** Settles with the one terminal callback. */
  readonly result: Promise<CallbackResult>;
  /**
   * A one-time link on this server to `target` (the sign-in URL), for the
   * browser and the terminal; the callback then needs the browser's cookie.
   */
  handoff(target: string, maxAgeSeconds: number): OneTimeLink;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/**
 * Starts the callback server on 127.0.0.1, or on `hostname` (inside a
 * container, where a published port reaches the container's interface, not
 * its loopback), port 0 meaning any free port. The redirect URI is always
 * `http://127.0.0.1:PORT/oauth/callback`: that is what AWS accepts, and what
 * the browser reaches (directly, or through the published port).
 */
// deno-lint-ignore require-await -- async so that a failure to listen is a rejection, as callers expect
export async function startCallbackServer(init: {
  readonly port?: number;
  /** Where to listen. Default 127.0.0.1. */
  readonly hostname?: string;
  readonly expectedState: string;
  readonly profile: string;
  /** The command that retries the login, shown on failure pages. */
  readonly retryCommand: string;
}): Promise<CallbackServer> {
  const outcome = Promise.withResolvers<CallbackResult>();
  let done = false;
  const finish = (result: CallbackResult) => {
    done = true;
    outcome.resolve(result);
  };
  const page = (html: string, status = 200) =>
    new Response(html, { status, headers: HEADERS });
  let link: OneTimeLink | undefined;
  let server: HttpServer;
  try {
    server = serveHttp({
      hostname: init.hostname ?? "127.0.0.1",
      port: init.port ?? 0,
      maxBodyBytes: 0, // GET only: a body gets 413 before it is read
      onError: () => page(notFoundPage(), 500),
    }, (request, info) => {
      const handedOver = link?.answer(request, info);
      if (handedOver) return handedOver;
      const url = new URL(request.url);
      if (url.pathname !== "/oauth/callback") return page(notFoundPage(), 404);
      if (request.method !== "GET") return page(notFoundPage(), 405);
      if (done) return page(notFoundPage(), 410);
      const p = url.searchParams;
      const error = p.get("error");
      const code = p.get("code");
      const state = p.get("state");
      if (state !== init.expectedState) {
        return page(
          failurePage({
            title: "This sign-in does not match",
            detail: error === null && code === null
              ? "This address expects the redirect from AWS sign-in, with a code and a state."
              : "The response belongs to a different login request than the one your terminal is waiting for.",
            command: init.retryCommand,
            stillWaiting: true,
          }),
          400,
        );
      }
      if (link && !carriesCookie(request, link.cookie)) {
        // Not the browser that opened this sign-in's link: it cannot finish (or end) it.
        return page(
          failurePage({
            title: "This sign-in was started in another browser",
            detail:
              "Only the browser that opened the sign-in link your terminal printed can finish it.",
            command: init.retryCommand,
            stillWaiting: true,
          }),
          403,
        );
      }
      if (error !== null) {
        finish({ kind: "error", error });
        return page(failurePage({
          title: "Sign-in was not completed",
          detail:
            `The authentication redirect failed with the following error: ${
              safeText(error)
            }.`,
          command: init.retryCommand,
        }));
      }
      if (code === null) {
        return page(
          failurePage({
            title: "Missing authorization code",
            detail:
              "This address expects the redirect from AWS sign-in, with a code and a state.",
            command: init.retryCommand,
            stillWaiting: true,
          }),
          400,
        );
      }
      finish({ kind: "code", code });
      return page(successPage({ profile: init.profile }));
    });
  } catch (error) {
    throw new AwsSigninError(
      `Cannot listen on ${init.hostname ?? "127.0.0.1"}:${
        init.port ?? 0
      } for the sign-in callback: ${(error as Error).message}. ` +
        (init.port
          ? "Choose another --redirect-port, or leave it out to use any free port."
          : ""),
    );
  }
  const addr = server.addr;
  // The one callback is answered; then nothing more is accepted.
  void outcome.promise.then(() => setTimeout(() => void server.close(), 0));
  const close = () => server.close();
  return {
    port: addr.port,
    redirectUri: `http://127.0.0.1:${addr.port}/oauth/callback`,
    result: outcome.promise,
    handoff(target, maxAgeSeconds) {
      link = oneTimeLink(target, {
        port: addr.port,
        retryCommand: init.retryCommand,
        maxAgeSeconds,
      });
      void link.reused.then(() => {
        if (!done) finish({ kind: "reused" });
      });
      return link;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
