/**
 * The one HTTP/1.1 server every listener of this program runs on (`serve`,
 * `exec --server`, the login callback, the emulator), with the rules for
 * hostile clients in one place: `Deno.serve` ends on the first accept error
 * (too many open files) and keeps a connection that never finishes its
 * request head for ever. Here:
 *
 * - an accept error is survived: the loop backs off and accepts again once
 *   descriptors free up;
 * - a request head (and a TLS handshake) must be complete within
 *   `headTimeoutMs`, a body within `bodyTimeoutMs`, an answer must be taken
 *   by the client within `writeTimeoutMs`, and an idle keep-alive connection
 *   is closed after `idleTimeoutMs`;
 * - at most `maxConnections` are open at once: at the cap, of the
 *   connections whose request is incomplete (no head yet, or a body still
 *   coming, or idle between requests), the one that has waited longest is
 *   closed to make room (a real client sends its request at once). A
 *   connection is never closed for room within `acceptGraceMs` (50 ms) of
 *   being accepted, before it could send its head (a real client's head is
 *   usually there already): when only such young ones (or connections busy
 *   in the handler) are open, new connections wait in the kernel's queue
 *   until one ages or leaves. So connections that hold a slot with a head
 *   but no body cannot crowd out real requests, and a churn of empty
 *   connections slows accepting only to the cap per grace (128 per 50 ms).
 *   Ages are measured on a monotonic clock;
 * - heads and bodies are bounded (431, 413) from the head alone, before the
 *   body is read: a listener that takes no body (`maxBodyBytes: 0`) refuses
 *   one at once, and anything that is not a well-formed request gets 400 and
 *   a closed connection.
 *
 * The handler sees a standard `Request` and the peer's address.
 *
 * @example
 * ```ts
 * await using server = serveHttp({ hostname: "127.0.0.1", port: 0 }, (request, info) =>
 *   new Response(`${request.method} from ${info.remoteAddr.hostname}\n`));
 * server.addr.port; // the port the OS picked
 * ```
 * @module
 */

import {
  BadRequest,
  Connection,
  encoder,
  framing,
  type Head,
  parseHead,
  plain,
  readBody,
  wantsClose,
  writeResponse,
} from "./_wire.ts";

/** Where and how to listen, and the limits that protect the server. */
export interface HttpServerOptions {
  /** Default 127.0.0.1. */
  readonly hostname?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** A PEM certificate and key: serve HTTPS. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** The TLS handshake and the request head must arrive within this. Default 5 s. */
  readonly headTimeoutMs?: number;
  /** The request body must arrive within this. Default 10 s. */
  readonly bodyTimeoutMs?: number;
  /** The client must take the answer within this. Default 10 s. */
  readonly writeTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this. Default 5 s. */
  readonly idleTimeoutMs?: number;
  /** Connections open at once. Default 128. */
  readonly maxConnections?: number;
  /** Request line and headers. Default 16 KiB. */
  readonly maxHeadBytes?: number;
  /** Request body; 0 refuses any body (413 before reading it). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * A connection this young is never closed to make room at the cap: its
   * time to send a request head. Default 50 ms.
   */
  readonly acceptGraceMs?: number;
  /** The answer when the handler throws. Default: 500 with a plain text body. */
  readonly onError?: (error: unknown) => Response;
  /** Told once when accepting starts to fail (and again after it recovered and fails anew). */
  readonly onAcceptError?: (error: Error) => void;
}

/** What the handler learns besides the request. */
export interface HttpRequestInfo {
  /** The peer's address (where the TCP connection comes from). */
  readonly remoteAddr: Deno.NetAddr;
}

/** Answers one request. */
export type HttpHandler = (
  request: Request,
  info: HttpRequestInfo,
) => Response | Promise<Response>;

/** A listening server. */
export interface HttpServer {
  /** The address it listens on (the port the OS picked for port 0). */
  readonly addr: Deno.NetAddr;
  /** Settles when the server has stopped: after {@linkcode HttpServer.close}, or if it failed (rejects then). */
  readonly finished: Promise<void>;
  /** Stops accepting, closes idle connections, lets requests in flight finish. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a server. Throws (synchronously) when it cannot listen, e.g. when
 * the port is taken.
 */
export function serveHttp(
  options: HttpServerOptions,
  handler: HttpHandler,
): HttpServer {
  const headTimeout = options.headTimeoutMs ?? 5_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 10_000;
  const writeTimeout = options.writeTimeoutMs ?? 10_000;
  const idleTimeout = options.idleTimeoutMs ?? 5_000;
  const maxConnections = Math.max(1, options.maxConnections ?? 128);
  const maxHead = options.maxHeadBytes ?? 16 * 1024;
  const maxBody = Math.max(0, options.maxBodyBytes ?? 1024 * 1024);
  const grace = Math.max(0, options.acceptGraceMs ?? 50);
  const onError = options.onError ??
    (() => plain(500, "Internal server error."));
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 0;
  const listener: Deno.Listener = options.tls
    ? Deno.listenTls({
      hostname,
      port,
      cert: options.tls.cert,
      key: options.tls.key,
    })
    : Deno.listen({ hostname, port });
  const scheme = options.tls ? "https" : "http";
  const addr = listener.addr as Deno.NetAddr;
  const open = new Set<Connection>();
  const tasks = new Set<Promise<void>>();
  let closing = false;
  let wake: (() => void) | undefined;

  /** Wakes {@linkcode room} when it waits: a slot freed, or a connection may be closed for room. */
  const changed = () => wake?.();

  /** Waits for {@linkcode changed}, or at most `ms`. */
  const whenChanged = (ms: number | undefined) =>
    new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const release = (c: Connection) => {
    c.close();
    open.delete(c);
    changed();
  };

  /** Makes room for one more connection; false when the server is closing. */
  const room = async (): Promise<boolean> => {
    while (open.size >= maxConnections && !closing) {
      const now = performance.now();
      let oldest: Connection | undefined;
      let nextOfAge: number | undefined;
      for (const c of open) {
        if (c.waitingFor === undefined) continue;
        const ofAge = c.acceptedAt + grace;
        if (ofAge > now) {
          nextOfAge = Math.min(nextOfAge ?? ofAge, ofAge);
        } else if (!oldest || c.waitingSince < oldest.waitingSince) {
          oldest = c;
        }
      }
      if (oldest) {
        release(oldest);
        continue;
      }
      await whenChanged(
        nextOfAge === undefined ? undefined : nextOfAge - now,
      );
    }
    return !closing;
  };

  const serveConnection = async (c: Connection) => {
    const remoteAddr = c.conn.remoteAddr as Deno.NetAddr;
    try {
      let first = true;
      while (!closing) {
        if (!first) {
          // Idle between requests: it may be closed for room again.
          c.waitingFor = "head";
          c.waitingSince = performance.now();
          changed();
        }
        // The whole head within the deadline; between requests, the idle one.
        c.deadline(first ? headTimeout : idleTimeout);
        let head: Head;
        let body: Uint8Array<ArrayBuffer> | undefined;
        try {
          const text = await c.readHead(maxHead);
          if (text === null) return;
          // Still incomplete, so still the first to go at the cap.
          c.waitingFor = "body";
          head = parseHead(text);
          const frame = framing(head, maxBody);
          if (
            frame.kind !== "none" &&
            head.headers.get("expect")?.toLowerCase() === "100-continue"
          ) {
            await c.write(encoder.encode("HTTP/1.1 100 Continue\r\n\r\n"));
          }
          c.deadline(bodyTimeout);
          body = await readBody(c, frame, maxBody);
          c.clearDeadline();
          c.waitingFor = undefined;
        } catch (error) {
          if (error instanceof BadRequest) {
            c.deadline(writeTimeout);
            await writeResponse(c, plain(error.status, error.message), {
              head: false,
              close: true,
            }).catch(() => {});
          }
          return;
        }
        first = false;
        const close = closing || wantsClose(head);
        let request: Request | undefined;
        try {
          const host = head.headers.get("host") ??
            `${
              addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname
            }:${addr.port}`;
          const url = /^https?:\/\//i.test(head.target)
            ? new URL(head.target)
            : head.target.startsWith("/")
            ? new URL(`${scheme}://${host}${head.target}`)
            : undefined;
          if (url) {
            const withBody = head.method !== "GET" && head.method !== "HEAD";
            request = new Request(url, {
              method: head.method,
              headers: head.headers,
              ...(withBody && body ? { body } : {}),
            });
          }
        } catch {
          request = undefined;
        }
        let response: Response;
        if (!request) {
          response = plain(400, "Malformed request.");
        } else {
          try {
            response = await handler(request, { remoteAddr });
          } catch (error) {
            response = onError(error);
          }
        }
        c.deadline(writeTimeout);
        const closeAfter = close || closing || !request;
        await writeResponse(c, response, {
          head: head.method === "HEAD",
          close: closeAfter,
        });
        c.clearDeadline();
        if (closeAfter) return;
      }
    } catch {
      // A connection that broke or ran out of time: nothing to tell anyone.
    } finally {
      release(c);
    }
  };

  const acceptLoop = async () => {
    let backoff = 0;
    let told = false;
    while (!closing) {
      if (!await room()) break;
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing || error instanceof Deno.errors.BadResource) break;
        // Too many open files, or a connection reset before it was accepted: wait, then go on.
        if (!told) options.onAcceptError?.(error as Error);
        told = true;
        backoff = Math.min(1_000, backoff === 0 ? 10 : backoff * 2);
        await new Promise((r) => setTimeout(r, backoff));
        continue;
      }
      backoff = 0;
      told = false;
      if (closing) {
        conn.close();
        break;
      }
      const c = new Connection(conn);
      open.add(c);
      const task = serveConnection(c);
      tasks.add(task);
      task.finally(() => tasks.delete(task));
    }
  };

  const finished = acceptLoop().then(async () => {
    while (tasks.size > 0) await Promise.all([...tasks]);
  });
  // Never an unhandled rejection: whoever awaits `finished` sees it.
  finished.catch(() => {});

  const close = async () => {
    if (!closing) {
      closing = true;
      try {
        listener.close();
      } catch { /* already closed */ }
      changed();
      // Connections waiting for a request head have nothing in flight.
      for (const c of open) if (c.waitingFor === "head") c.close();
    }
    await finished.catch(() => {});
  };
  return {
    addr,
    finished,
    close,
    [Symbol.asyncDispose]: close,
  };
}
