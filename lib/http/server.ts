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
 * - at most `maxConnections` are open at once: at the cap, the connection
 *   that has waited longest for its request head is closed to make room (a
 *   real client sends its head at once), and when every connection is busy
 *   in the handler, new ones wait in the kernel's queue;
 * - heads and bodies are bounded (431, 413), and anything that is not a
 *   well-formed request gets 400 and a closed connection.
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
  /** Request body. Default 1 MiB. */
  readonly maxBodyBytes?: number;
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

/** A request that cannot be served: the status to answer with, then the connection closes. */
class BadRequest extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The connection was closed by us (a deadline) or by the peer. */
class Closed extends Error {}

const REASONS: Readonly<Record<number, string>> = {
  100: "Continue",
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  307: "Temporary Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  410: "Gone",
  411: "Length Required",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** One accepted connection: its socket, a buffer of what was read, and the one deadline that may close it. */
class Connection {
  readonly conn: Deno.Conn;
  #buffer: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** When it started waiting for a request head (undefined while a request is being served). */
  waitingSince: number | undefined = Date.now();

  constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the socket when `ms` pass before {@linkcode Connection.clearDeadline}. */
  deadline(ms: number): void {
    this.clearDeadline();
    this.#timer = setTimeout(() => this.close(), ms);
  }

  clearDeadline(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  close(): void {
    this.clearDeadline();
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }

  /** Reads more bytes into the buffer; false at the end of the stream. */
  async #fill(): Promise<boolean> {
    if (this.#closed) throw new Closed();
    const chunk = new Uint8Array(16 * 1024);
    let n: number | null;
    try {
      n = await this.conn.read(chunk);
    } catch {
      throw new Closed();
    }
    if (n === null) return false;
    const next = new Uint8Array(this.#buffer.length + n);
    next.set(this.#buffer);
    next.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = next;
    return true;
  }

  /**
   * The request head (up to and without its blank line), or `null` when the
   * peer closed the connection before sending anything.
   */
  async readHead(max: number): Promise<string | null> {
    for (;;) {
      const end = headEnd(this.#buffer);
      if (end && end.start > max) {
        throw new BadRequest(431, "The request head is too large.");
      }
      if (end) {
        const head = latin1.decode(this.#buffer.subarray(0, end.start));
        this.#buffer = this.#buffer.slice(end.next);
        return head;
      }
      if (this.#buffer.length > max) {
        throw new BadRequest(431, "The request head is too large.");
      }
      if (!await this.#fill()) {
        if (this.#buffer.length === 0) return null;
        throw new Closed();
      }
    }
  }

  /** Exactly `n` bytes. */
  async readExactly(n: number): Promise<Uint8Array<ArrayBuffer>> {
    while (this.#buffer.length < n) {
      if (!await this.#fill()) throw new Closed();
    }
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return out;
  }

  /** One line ending in CRLF (chunked framing), without it. */
  async readLine(max: number): Promise<string> {
    for (;;) {
      const nl = this.#buffer.indexOf(10);
      if (nl >= 0) {
        const line = latin1.decode(this.#buffer.subarray(0, nl));
        this.#buffer = this.#buffer.slice(nl + 1);
        return line.replace(/\r$/, "");
      }
      if (this.#buffer.length > max) {
        throw new BadRequest(400, "A chunk line is too long.");
      }
      if (!await this.#fill()) throw new Closed();
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      if (this.#closed) throw new Closed();
      try {
        written += await this.conn.write(bytes.subarray(written));
      } catch {
        throw new Closed();
      }
    }
  }
}

/** Where the head ends: the blank line (CRLF CRLF, or a bare LF LF as lenient servers accept). */
function headEnd(
  buffer: Uint8Array,
): { start: number; next: number } | undefined {
  for (let i = 0; i + 1 < buffer.length; i++) {
    if (buffer[i] !== 10) continue;
    if (buffer[i + 1] === 10) return { start: i, next: i + 2 };
    if (buffer[i + 1] === 13 && buffer[i + 2] === 10) {
      return { start: i, next: i + 3 };
    }
  }
  return undefined;
}

interface Head {
  readonly method: string;
  readonly target: string;
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  readonly headers: Headers;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseHead(text: string): Head {
  const lines = text.split(/\r?\n/);
  const [method, target, version, ...extra] = lines[0]!.split(" ");
  if (
    extra.length > 0 || !method || !TOKEN.test(method) || !target ||
    (version !== "HTTP/1.1" && version !== "HTTP/1.0")
  ) {
    throw new BadRequest(400, "Malformed request line.");
  }
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) throw new BadRequest(400, "Malformed header.");
    try {
      headers.append(name, line.slice(colon + 1).trim());
    } catch {
      throw new BadRequest(400, "Malformed header.");
    }
  }
  return { method, target, version, headers };
}

/** The body, framed by Content-Length or chunked, within `max` bytes. */
async function readBody(
  c: Connection,
  head: Head,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const te = head.headers.get("transfer-encoding");
  const cl = head.headers.get("content-length");
  if (te !== null) {
    if (cl !== null || te.trim().toLowerCase() !== "chunked") {
      throw new BadRequest(400, "Unsupported Transfer-Encoding.");
    }
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let total = 0;
    for (;;) {
      const line = await c.readLine(1024);
      const size = parseInt(line.split(";")[0]!.trim(), 16);
      if (!/^[0-9a-fA-F]+$/.test(line.split(";")[0]!.trim())) {
        throw new BadRequest(400, "Malformed chunk size.");
      }
      if (size === 0) break;
      total += size;
      if (total > max) {
        throw new BadRequest(413, "The request body is too large.");
      }
      parts.push(await c.readExactly(size));
      if ((await c.readLine(2)) !== "") {
        throw new BadRequest(400, "Malformed chunk.");
      }
    }
    // Trailers, up to the blank line.
    for (let n = 0; (await c.readLine(8 * 1024)) !== ""; n++) {
      if (n > 32) throw new BadRequest(400, "Too many trailers.");
    }
    const body = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      body.set(p, at);
      at += p.length;
    }
    return body;
  }
  if (cl === null) return undefined;
  if (!/^\d+$/.test(cl.trim())) {
    throw new BadRequest(400, "Malformed Content-Length.");
  }
  const length = Number(cl.trim());
  if (length > max) throw new BadRequest(413, "The request body is too large.");
  return length === 0 ? new Uint8Array(0) : await c.readExactly(length);
}

function wantsClose(head: Head): boolean {
  const tokens = (head.headers.get("connection") ?? "").toLowerCase().split(
    /\s*,\s*/,
  );
  return head.version === "HTTP/1.0"
    ? !tokens.includes("keep-alive")
    : tokens.includes("close");
}

async function writeResponse(
  c: Connection,
  response: Response,
  options: { head: boolean; close: boolean },
): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  const lines = [
    `HTTP/1.1 ${response.status} ${
      response.statusText || REASONS[response.status] || "Status"
    }`,
  ];
  let hasDate = false;
  for (const [name, value] of response.headers) {
    if (
      name === "content-length" || name === "transfer-encoding" ||
      name === "connection" || name === "keep-alive"
    ) continue;
    if (name === "date") hasDate = true;
    lines.push(`${name}: ${value}`);
  }
  if (!hasDate) lines.push(`date: ${new Date().toUTCString()}`);
  if (response.status !== 204 && response.status !== 304) {
    lines.push(`content-length: ${body.length}`);
  }
  lines.push(`connection: ${options.close ? "close" : "keep-alive"}`);
  const head = encoder.encode(`${lines.join("\r\n")}\r\n\r\n`);
  if (options.head || body.length === 0) {
    await c.write(head);
    return;
  }
  const all = new Uint8Array(head.length + body.length);
  all.set(head);
  all.set(body, head.length);
  await c.write(all);
}

function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
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
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
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
  let slotFreed: (() => void) | undefined;

  const release = (c: Connection) => {
    c.close();
    open.delete(c);
    slotFreed?.();
    slotFreed = undefined;
  };

  /** Makes room for one more connection; false when the server is closing. */
  const room = async (): Promise<boolean> => {
    while (open.size >= maxConnections && !closing) {
      let oldest: Connection | undefined;
      for (const c of open) {
        if (
          c.waitingSince !== undefined &&
          (oldest === undefined || c.waitingSince < oldest.waitingSince!)
        ) oldest = c;
      }
      if (oldest) {
        release(oldest);
        continue;
      }
      await new Promise<void>((resolve) => (slotFreed = resolve));
    }
    return !closing;
  };

  const serveConnection = async (c: Connection) => {
    const remoteAddr = c.conn.remoteAddr as Deno.NetAddr;
    try {
      let first = true;
      while (!closing) {
        c.waitingSince = Date.now();
        // The whole head within the deadline; between requests, the idle one.
        c.deadline(first ? headTimeout : idleTimeout);
        let head: Head;
        let body: Uint8Array<ArrayBuffer> | undefined;
        try {
          const text = await c.readHead(maxHead);
          if (text === null) return;
          c.waitingSince = undefined;
          head = parseHead(text);
          if (head.headers.get("expect")?.toLowerCase() === "100-continue") {
            await c.write(encoder.encode("HTTP/1.1 100 Continue\r\n\r\n"));
          }
          c.deadline(bodyTimeout);
          body = await readBody(c, head, maxBody);
          c.clearDeadline();
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
      slotFreed?.();
      // Connections waiting for a request head have nothing in flight.
      for (const c of open) if (c.waitingSince !== undefined) c.close();
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
