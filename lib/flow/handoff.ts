/**
 * A one-time local link that hands a browser over to a URL that must never
 * be on a command line: a sign-in URL is a credential (the console's) or
 * lets whoever opens it finish a login (the authorize URL), and a browser's
 * arguments are readable by every user of the machine (`ps`). The browser
 * is started with `http://127.0.0.1:PORT/start/NONCE` instead; that link
 *
 * - answers once, with a redirect to the real URL (no-store, no referrer);
 * - is refused to a program of another local user (Linux: the kernel's
 *   socket table names the peer's owner), without being spent;
 * - when opened a second time, tells the flow to stop: two browsers, or
 *   another program, had it, and the sign-in may no longer be the user's;
 * - sets a cookie, which recognises the same browser opening it again, and
 *   binds the callback to the browser that opened it (`login`: a stranger's
 *   browser that reaches the callback cannot finish).
 *
 * @example
 * ```ts
 * const link = oneTimeLink("https://signin.aws.amazon.com/federation?...", { port: 8099 });
 * link.url; // "http://127.0.0.1:8099/start/..."
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";
import { type HttpRequestInfo, serveHttp } from "../http/server.ts";
import { base64url, constantTimeEqual } from "../util/encoding.ts";
import { fromAnotherUser } from "../util/peer_uid.ts";
import { failurePage } from "./pages.ts";

const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/** How a one-time link was used. */
export type LinkEvent =
  | { readonly kind: "opened" }
  | { readonly kind: "reused" };

/** A link on a loopback listener that hands the browser over once. */
export interface OneTimeLink {
  /** `http://127.0.0.1:PORT/start/NONCE`: what the browser opens and the terminal shows. */
  readonly url: string;
  /** The link's answer to a request on the listener, or `undefined` when the request is not for it. */
  answer(request: Request, info: HttpRequestInfo): Response | undefined;
  /** Settles when the link is first opened. */
  readonly opened: Promise<void>;
  /** Whether it was opened already. */
  wasOpened(): boolean;
  /** Settles when the link is opened a second time (the flow must stop). */
  readonly reused: Promise<void>;
  /** The cookie the opening browser got: a callback can require it (only that browser may finish). */
  readonly cookie: { readonly name: string; readonly value: string };
}

function random(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * A one-time link to `target` on the loopback listener at `port`. Opening it
 * sets an HttpOnly cookie (for every path of this listener, so a callback
 * can ask for it), by which the same browser opening it again is recognised
 * and sent on again; any other second opener stops the flow.
 */
export function oneTimeLink(target: string, init: {
  readonly port: number;
  /** The command that starts over, for the page a second opener sees. */
  readonly retryCommand?: string;
  /** How long the browser keeps the cookie. Default one hour. */
  readonly maxAgeSeconds?: number;
}): OneTimeLink {
  const path = `/start/${random(24)}`;
  const opened = Promise.withResolvers<void>();
  const reused = Promise.withResolvers<void>();
  // Cookies are shared by every port of a host: one name per listener.
  const cookie = { name: `aws-signin-${init.port}`, value: random(32) };
  let used = false;
  const page = (title: string, detail: string, status: number) =>
    new Response(
      failurePage({
        title,
        detail,
        command: init.retryCommand ?? "the command again",
      }),
      { status, headers: PAGE_HEADERS },
    );
  const onward = (setCookie: boolean) => {
    const headers = new Headers({
      location: target,
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
    });
    if (setCookie) {
      headers.set(
        "set-cookie",
        `${cookie.name}=${cookie.value}; Path=/; Max-Age=${
          init.maxAgeSeconds ?? 3600
        }; HttpOnly; SameSite=Lax`,
      );
    }
    return new Response(null, { status: 303, headers });
  };
  return {
    url: `http://127.0.0.1:${init.port}${path}`,
    opened: opened.promise,
    wasOpened: () => used,
    reused: reused.promise,
    cookie,
    answer(request, info) {
      if (new URL(request.url).pathname !== path) return undefined;
      if (request.method !== "GET" && request.method !== "HEAD") {
        return page("Not allowed", "This link only opens in a browser.", 405);
      }
      if (fromAnotherUser(init.port, info.remoteAddr.port)) {
        return page(
          "This link is not yours",
          "It belongs to another user's sign-in on this computer.",
          403,
        );
      }
      if (used) {
        // The browser that opened it (its cookie): opened again, from the terminal or a second opener.
        if (carriesCookie(request, cookie)) return onward(false);
        reused.resolve();
        return page(
          "This sign-in link was already opened",
          "It was opened twice (in two browsers, or by another program), so the sign-in it started was stopped " +
            "to keep it yours.",
          410,
        );
      }
      used = true;
      opened.resolve();
      return onward(true);
    },
  };
}

/** Whether `request` carries the cookie the link set (compared in constant time). */
export function carriesCookie(
  request: Request,
  cookie: { readonly name: string; readonly value: string },
): boolean {
  let found = false;
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== cookie.name) continue;
    if (constantTimeEqual(part.slice(eq + 1).trim(), cookie.value)) {
      found = true;
    }
  }
  return found;
}

/** A one-time link served on its own loopback listener (for a URL that no callback follows, like the console's). */
export interface ServedLink {
  readonly url: string;
  /** Settles when the browser has opened the link. */
  readonly opened: Promise<void>;
  /** Whether it was opened already. */
  wasOpened(): boolean;
  /** Settles when another browser or program opens it after that. */
  readonly reused: Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Serves a one-time link to `target` on 127.0.0.1 (any free port) until it is closed. */
export function serveOneTimeLink(target: string): ServedLink {
  // The link needs the port, the listener the link: it is set once the listener has one.
  const made: { link?: OneTimeLink } = {};
  const server = serveHttp(
    { hostname: "127.0.0.1", port: 0, maxBodyBytes: 0, maxConnections: 16 },
    (request, info) =>
      made.link?.answer(request, info) ??
        new Response("Not found.\n", { status: 404 }),
  );
  const link = made.link = oneTimeLink(target, { port: server.addr.port });
  const close = () => server.close();
  return {
    url: link.url,
    opened: link.opened,
    wasOpened: link.wasOpened,
    reused: link.reused,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The error of a flow whose link was opened twice; `retry` is the command that starts over. */
export function linkOpenedTwice(retry?: string): AwsSigninError {
  return new AwsSigninError(
    "The sign-in link was opened twice (in two browsers, or by another program on this computer), so this " +
      `sign-in was stopped to keep it yours. Run ${
        retry ? `"${retry}"` : "the command"
      } again and finish it in the browser that opens.`,
  );
}
