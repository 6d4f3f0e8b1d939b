/**
 * A tiny scripted HTTP server on 127.0.0.1 for the IAM Identity Center client
 * tests: it records every request (method, path, raw query, headers, raw
 * body) and answers from a queue of scripted replies (independent of the
 * emulator, which is built elsewhere).
 */

/** A request as the server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  /** The raw query string without `?` (order and encoding as sent). */
  readonly query: string;
  readonly headers: Headers;
  readonly body: string;
}

/** A scripted answer. */
export interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is. */
  readonly body?: unknown;
}

/** The server. */
export interface FakeSso {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Queues answers (first in, first out); with the queue empty, 500. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1, port 0. */
export function startFakeSso(): FakeSso {
  const requests: SeenRequest[] = [];
  const queue: Reply[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      requests.push({
        method: request.method,
        path: url.pathname,
        query: url.search.slice(1),
        headers: request.headers,
        body: await request.text(),
      });
      const reply = queue.shift() ??
        { status: 500, body: { message: "no reply queued" } };
      const body = reply.body === undefined
        ? ""
        : typeof reply.body === "string"
        ? reply.body
        : JSON.stringify(reply.body);
      return new Response(body, {
        status: reply.status ?? 200,
        headers: { "content-type": "application/json", ...reply.headers },
      });
    },
  );
  const { port } = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: () => server.shutdown(),
  };
}

/** A fake clock and its sleep. */
export interface FakeTime {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Every sleep, in seconds. */
  readonly slept: number[];
}

/** A fake clock and sleep: sleeps advance the clock and are recorded (seconds). */
export function fakeTime(start = Date.UTC(2026, 11, 4, 12, 0, 0)): FakeTime {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      slept.push(ms / 1000);
      t += ms;
      return Promise.resolve();
    },
    slept,
  };
}
