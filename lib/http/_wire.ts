/**
 * HTTP/1.1 on one connection, for `server.ts`: reading a request head and
 * body (Content-Length or chunked, within limits, refused from the head
 * alone when it is too large) from a socket whose one
 * deadline can close it, and writing a `Response` with its length and
 * connection headers. Anything malformed is a {@linkcode BadRequest} with
 * the status to answer.
 *
 * @example
 * ```ts
 * parseHead("GET / HTTP/1.1\r\nHost: x").headers.get("host"); // "x"
 * ```
 * @module
 */

import { timerMs } from "../util/sleep.ts";

/** A request that cannot be served: the status to answer with, then the connection closes. */
export class BadRequest extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The connection was closed by us (a deadline) or by the peer. */
export class Closed extends Error {}

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

export const encoder: TextEncoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** One accepted connection: its socket, a buffer of what was read, and the one deadline that may close it. */
export class Connection {
  readonly conn: Deno.Conn;
  #buffer: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** When it was accepted, on the monotonic clock (`performance.now()`). */
  readonly acceptedAt: number = performance.now();
  /**
   * What it waits for: its request head, the rest of its request (the
   * body), or nothing (its request is being answered).
   */
  waitingFor: "head" | "body" | undefined = "head";
  /** When it started waiting for its current request (accepted, or done with the previous one). */
  waitingSince: number = this.acceptedAt;

  constructor(conn: Deno.Conn) {
    this.conn = conn;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the socket when `ms` pass before {@linkcode Connection.clearDeadline}. */
  deadline(ms: number): void {
    this.clearDeadline();
    this.#timer = setTimeout(() => this.close(), timerMs(ms));
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

export interface Head {
  readonly method: string;
  readonly target: string;
  readonly version: "HTTP/1.0" | "HTTP/1.1";
  readonly headers: Headers;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseHead(text: string): Head {
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

/** The answer to a request that announces a body where a server takes none. */
export const NO_BODY = "This server takes no request body.";

/** How a request's body is framed: none, a length, or chunks. */
export type Framing =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" };

/**
 * The body's framing from the head alone, refused (400, 413) before a byte
 * of the body is read when it is malformed or announces more than `max`
 * bytes (with `max` 0, any body at all).
 */
export function framing(head: Head, max: number): Framing {
  const te = head.headers.get("transfer-encoding");
  const cl = head.headers.get("content-length");
  if (te !== null) {
    if (cl !== null || te.trim().toLowerCase() !== "chunked") {
      throw new BadRequest(400, "Unsupported Transfer-Encoding.");
    }
    if (max === 0) throw new BadRequest(413, NO_BODY);
    return { kind: "chunked" };
  }
  if (cl === null) return { kind: "none" };
  if (!/^\d+$/.test(cl.trim())) {
    throw new BadRequest(400, "Malformed Content-Length.");
  }
  const length = Number(cl.trim());
  if (length > max) {
    throw new BadRequest(
      413,
      max === 0 ? NO_BODY : "The request body is too large.",
    );
  }
  return { kind: "length", length };
}

/** The body as `framing` announced it, within `max` bytes. */
export async function readBody(
  c: Connection,
  framing: Framing,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (framing.kind === "none") return undefined;
  if (framing.kind === "length") {
    return framing.length === 0
      ? new Uint8Array(0)
      : await c.readExactly(framing.length);
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

export function wantsClose(head: Head): boolean {
  const tokens = (head.headers.get("connection") ?? "").toLowerCase().split(
    /\s*,\s*/,
  );
  return head.version === "HTTP/1.0"
    ? !tokens.includes("keep-alive")
    : tokens.includes("close");
}

export async function writeResponse(
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

export function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
