/**
 * The HTTP server every listener runs on, on real sockets: requests as
 * clients send them (keep-alive, pipelined, chunked, HEAD, 100-continue),
 * and the limits that protect it (head, idle and body deadlines, head and
 * body sizes, the connection cap evicting connections that never sent a
 * head, malformed requests), and a close that lets requests in flight end.
 */
import assert from "node:assert/strict";
import { serveHttp } from "../../lib/http/server.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Sends raw bytes on a new connection and reads until the server closes it (or `ms` pass). */
async function raw(
  port: number,
  text: string,
  ms = 3_000,
): Promise<{ text: string; closed: boolean }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(encoder.encode(text));
  let out = "";
  let closed = false;
  const timer = setTimeout(() => conn.close(), ms);
  try {
    const buf = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) {
        closed = true;
        break;
      }
      out += decoder.decode(buf.subarray(0, n));
    }
  } catch {
    /* closed by the timer */
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed */ }
  }
  return { text: out, closed };
}

function echo() {
  return serveHttp({
    headTimeoutMs: 300,
    idleTimeoutMs: 300,
    bodyTimeoutMs: 300,
    maxConnections: 4,
    maxHeadBytes: 1024,
    maxBodyBytes: 64,
  }, async (request, info) =>
    new Response(
      `${request.method} ${
        new URL(request.url).pathname
      } ${info.remoteAddr.hostname} ${await request
        .text()}`,
      { headers: { "x-test": "1" } },
    ));
}

Deno.test("answers fetch, keeps the connection alive, and reads pipelined and chunked requests", async () => {
  await using server = echo();
  const url = `http://127.0.0.1:${server.addr.port}`;
  const post = await fetch(`${url}/a`, { method: "POST", body: "hello" });
  assert.equal(post.status, 200);
  assert.equal(post.headers.get("x-test"), "1");
  assert.equal(await post.text(), "POST /a 127.0.0.1 hello");
  const piped = await raw(
    server.addr.port,
    "GET /one HTTP/1.1\r\nHost: x\r\n\r\n" +
      "POST /two HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n" +
      "HEAD /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  assert.ok(piped.closed, "closed after Connection: close");
  const responses = piped.text.split(/(?=HTTP\/1\.1 )/);
  assert.equal(responses.length, 3, piped.text);
  assert.match(
    responses[0]!,
    /content-length: 19\r\n[\s\S]*\r\n\r\nGET \/one 127\.0\.0\.1 $/,
  );
  assert.match(responses[1]!, /\r\n\r\nPOST \/two 127\.0\.0\.1 abcde$/);
  assert.match(
    responses[2]!,
    /^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close\r\n\r\n$/,
  );
  const continued = await raw(
    server.addr.port,
    "PUT /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
  );
  assert.match(
    continued.text,
    /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/,
  );
  assert.match(continued.text, /PUT \/c 127\.0\.0\.1 ok$/);
});

Deno.test("half-sent heads, idle keep-alive connections and slow bodies are closed at their deadlines", async () => {
  await using server = echo();
  const port = server.addr.port;
  const half = await raw(port, "GET / HTTP/1.1\r\nHost: x\r\n", 3_000);
  assert.deepEqual(half, { text: "", closed: true });
  const idle = await raw(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 3_000);
  assert.ok(idle.closed, "the idle keep-alive connection was closed");
  assert.match(idle.text, /^HTTP\/1\.1 200 OK/);
  const slowBody = await raw(
    port,
    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
    3_000,
  );
  assert.deepEqual(slowBody, { text: "", closed: true });
});

Deno.test("oversized heads and bodies, and malformed requests, get their status and a closed connection", async () => {
  await using server = echo();
  const port = server.addr.port;
  const cases: [string, RegExp][] = [
    [`GET / HTTP/1.1\r\nX: ${"a".repeat(2000)}\r\n\r\n`, /^HTTP\/1\.1 431 /],
    [
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n",
      /^HTTP\/1\.1 413 /,
    ],
    ["GARBAGE\r\n\r\n", /^HTTP\/1\.1 400 /],
    ["GET / HTTP/2.0\r\n\r\n", /^HTTP\/1\.1 400 /],
    ["GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", /^HTTP\/1\.1 400 /],
    [
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
      /^HTTP\/1\.1 400 /,
    ],
    ["GET * HTTP/1.1\r\nHost: x\r\n\r\n", /^HTTP\/1\.1 400 /],
    ["GET / HTTP/1.1\r\nHost: a b\r\n\r\n", /^HTTP\/1\.1 400 /],
  ];
  for (const [request, status] of cases) {
    const answer = await raw(port, request);
    assert.match(answer.text, status, JSON.stringify(request));
    assert.ok(answer.closed, JSON.stringify(request));
  }
});

Deno.test("at the connection cap, connections that sent no head make room for new ones", async () => {
  await using server = echo();
  const port = server.addr.port;
  const silent = await Promise.all(
    Array.from(
      { length: 10 },
      () => Deno.connect({ hostname: "127.0.0.1", port }),
    ),
  );
  const answer = await raw(
    port,
    "GET /real HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  assert.match(answer.text, /GET \/real 127\.0\.0\.1 $/);
  for (const c of silent) c.close();
});

/** Whether the server closes `conn` within `ms` (the read ends); false when it stays open. */
async function closedWithin(conn: Deno.Conn, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = conn.read(new Uint8Array(1024)).then(() => true, () => true);
  const waited = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([ended, waited]);
  clearTimeout(timer);
  return result;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("at the cap, connections whose body never comes make room, oldest first, and a real request is served", async () => {
  await using server = serveHttp({
    headTimeoutMs: 10_000,
    bodyTimeoutMs: 10_000,
    maxConnections: 4,
    maxBodyBytes: 4096,
  }, () => new Response("served"));
  const port = server.addr.port;
  const slow: Deno.Conn[] = [];
  for (let i = 0; i < 4; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encoder.encode(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n",
    ));
    slow.push(conn);
    await sleep(30);
  }
  // Past the grace a new connection has to send its head.
  await sleep(700);
  try {
    const answer = await raw(
      port,
      "GET /real HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.match(answer.text, /^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nserved$/);
    // Room is made before each accept: the oldest went first, the youngest stays.
    const closed = [];
    for (const conn of slow) closed.push(await closedWithin(conn, 200));
    assert.deepEqual(closed, [true, true, false, false]);
  } finally {
    for (const c of slow) c.close();
  }
});

Deno.test("a just-accepted connection is not evicted before it could send its head", async () => {
  await using server = serveHttp({
    headTimeoutMs: 5_000,
    maxConnections: 2,
    // Longer than the default 50 ms, so that a loaded machine cannot make the test race it.
    acceptGraceMs: 500,
  }, (request) => new Response(new URL(request.url).pathname));
  const port = server.addr.port;
  const first = await Deno.connect({ hostname: "127.0.0.1", port });
  const others = await Promise.all(
    Array.from(
      { length: 6 },
      () => Deno.connect({ hostname: "127.0.0.1", port }),
    ),
  );
  try {
    await sleep(150);
    await first.write(
      encoder.encode(
        "GET /first HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      ),
    );
    let text = "";
    const buf = new Uint8Array(4096);
    const timer = setTimeout(() => first.close(), 3_000);
    try {
      for (let n; (n = await first.read(buf)) !== null;) {
        text += decoder.decode(buf.subarray(0, n));
      }
    } catch { /* closed by the timer, or reset by the server */ }
    clearTimeout(timer);
    assert.match(text, /^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\n\/first$/);
  } finally {
    try {
      first.close();
    } catch { /* closed */ }
    for (const c of others) c.close();
  }
});

Deno.test("a server that takes no body refuses one before reading it", async () => {
  await using server = serveHttp({
    bodyTimeoutMs: 10_000,
    maxBodyBytes: 0,
  }, () => new Response("served"));
  const port = server.addr.port;
  for (
    const framing of ["Content-Length: 1000", "Transfer-Encoding: chunked"]
  ) {
    const started = Date.now();
    const answer = await raw(
      port,
      `GET / HTTP/1.1\r\nHost: x\r\n${framing}\r\n\r\n`,
    );
    assert.match(
      answer.text,
      /^HTTP\/1\.1 413 [\s\S]*\r\n\r\nThis server takes no request body\.\n$/,
      framing,
    );
    assert.ok(answer.closed, framing);
    assert.ok(Date.now() - started < 2_000, framing);
  }
  const empty = await raw(
    port,
    "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
  );
  assert.match(empty.text, /\r\n\r\nserved$/);
});

Deno.test("close lets a request in flight finish, and the server stops accepting", async () => {
  const entered = Promise.withResolvers<void>();
  const server = serveHttp({}, async () => {
    entered.resolve();
    await new Promise((r) => setTimeout(r, 200));
    return new Response("late");
  });
  const url = `http://127.0.0.1:${server.addr.port}/`;
  const inFlight = fetch(url);
  await entered.promise;
  await server.close();
  const response = await inFlight;
  assert.equal(await response.text(), "late");
  await server.finished;
  await assert.rejects(fetch(url));
});

Deno.test("a handler that throws gets onError's answer", async () => {
  await using server = serveHttp({
    onError: () => new Response("sorry", { status: 503 }),
  }, () => {
    throw new Error("boom");
  });
  const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
  assert.equal(response.status, 503);
  assert.equal(await response.text(), "sorry");
});
