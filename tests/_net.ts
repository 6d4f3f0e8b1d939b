/**
 * Test helpers for corporate networks: a throwaway CA with a certificate for
 * 127.0.0.1, localhost and emulator.test (made with openssl), and a small proxy on 127.0.0.1
 * that counts what goes through it (CONNECT tunnels for https://, forwarded
 * requests for http://).
 */

/**
 * A host name only the test proxy knows (it sends it to 127.0.0.1): how
 * proxy tests reach the emulator, since aws-signin never sends an endpoint
 * on this computer (127.0.0.1, localhost) to a proxy.
 */
export const PROXIED_HOST = "emulator.test";

/** A throwaway CA and a server certificate it signed. */
export interface TestCa {
  readonly dir: string;
  /** The CA certificate, PEM (what AWS_CA_BUNDLE points at). */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
  [Symbol.asyncDispose](): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/** Makes a CA and a certificate for 127.0.0.1 and localhost, valid for a day. */
export async function makeTestCa(): Promise<TestCa> {
  const dir = await Deno.makeTempDir({ prefix: "aws-signin-ca-" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=aws-signin test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign",
  ], dir);
  await openssl([
    "req",
    ...ec,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=127.0.0.1",
  ], dir);
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    `subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:${PROXIED_HOST}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl([
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "1",
    "-extfile",
    "ext.cnf",
  ], dir);
  return {
    dir,
    caFile: `${dir}/ca.pem`,
    certFile: `${dir}/server.pem`,
    keyFile: `${dir}/server.key`,
    cert: await Deno.readTextFile(`${dir}/server.pem`),
    key: await Deno.readTextFile(`${dir}/server.key`),
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** A proxy on 127.0.0.1 and what went through it. */
export interface TestProxy {
  readonly url: string;
  /** `CONNECT host:port` targets, and `METHOD absolute-url` of forwarded requests. */
  readonly seen: string[];
  /** The same, for what it refused (any host but loopback and {@linkcode PROXIED_HOST}). */
  readonly refused: string[];
  /** Each `Proxy-Authorization` header it was sent. */
  readonly authorizations: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Reads until the end of the request head; returns the head and what came after it. */
async function readHead(
  conn: Deno.Conn,
): Promise<{ head: string; rest: Uint8Array } | undefined> {
  let buffer = new Uint8Array(0);
  const chunk = new Uint8Array(16 * 1024);
  for (;;) {
    const n = await conn.read(chunk);
    if (n === null) return undefined;
    const next = new Uint8Array(buffer.length + n);
    next.set(buffer);
    next.set(chunk.subarray(0, n), buffer.length);
    buffer = next;
    const text = decoder.decode(buffer);
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const headBytes = encoder.encode(text.slice(0, end + 4)).length;
      return { head: text.slice(0, end), rest: buffer.subarray(headBytes) };
    }
    if (buffer.length > 64 * 1024) return undefined;
  }
}

async function pipe(a: Deno.Conn, b: Deno.Conn): Promise<void> {
  await Promise.allSettled([
    a.readable.pipeTo(b.writable),
    b.readable.pipeTo(a.writable),
  ]);
}

/**
 * Starts a proxy that tunnels CONNECT and forwards absolute-form requests,
 * only to loopback (and to {@linkcode PROXIED_HOST}, which it resolves to
 * 127.0.0.1); with `tls`, clients reach the proxy itself over HTTPS
 * (an `https://` proxy URL, as some companies run them).
 */
export function startTestProxy(
  options: { tls?: { cert: string; key: string } } = {},
): TestProxy {
  const listener = options.tls
    ? Deno.listenTls({ hostname: "127.0.0.1", port: 0, ...options.tls })
    : Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: string[] = [];
  const refused: string[] = [];
  const authorizations: string[] = [];
  const open = new Set<Deno.Conn>();
  const serve = async (conn: Deno.Conn) => {
    open.add(conn);
    try {
      const request = await readHead(conn);
      if (!request) return;
      const [method, target] = request.head.split("\r\n")[0]!.split(" ");
      const auth = /^proxy-authorization: *(.*)$/im.exec(request.head)?.[1];
      if (auth !== undefined) authorizations.push(auth);
      const url = method === "CONNECT"
        ? new URL(`http://${target}`)
        : new URL(target!);
      if (url.hostname !== "127.0.0.1" && url.hostname !== PROXIED_HOST) {
        refused.push(`${method} ${target}`);
        await conn.write(encoder.encode("HTTP/1.1 403 Forbidden\r\n\r\n"));
        return;
      }
      seen.push(
        method === "CONNECT" ? `CONNECT ${target}` : `${method} ${target}`,
      );
      const upstream = await Deno.connect({
        hostname: "127.0.0.1",
        port: Number(url.port),
      });
      open.add(upstream);
      if (method === "CONNECT") {
        await conn.write(
          encoder.encode("HTTP/1.1 200 Connection established\r\n\r\n"),
        );
      } else {
        // Forward with an origin-form request line; the rest of the head as sent.
        const lines = request.head.split("\r\n");
        lines[0] = `${method} ${url.pathname}${url.search} HTTP/1.1`;
        await upstream.write(encoder.encode(`${lines.join("\r\n")}\r\n\r\n`));
      }
      if (request.rest.length > 0) await upstream.write(request.rest);
      await pipe(conn, upstream);
    } catch {
      // A connection that ends early is the client's business.
    } finally {
      for (const c of [conn]) {
        open.delete(c);
        try {
          c.close();
        } catch { /* closed */ }
      }
    }
  };
  const accepting = (async () => {
    for await (const conn of listener) void serve(conn);
  })();
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${
      (listener.addr as Deno.NetAddr).port
    }`,
    seen,
    refused,
    authorizations,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await accepting.catch(() => {});
    },
  };
}
