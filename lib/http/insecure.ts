/**
 * A fetch that does not check TLS certificates, for `--no-verify-ssl` (Deno's
 * own fetch cannot be told so per call): the request goes out through
 * `node:https` with `rejectUnauthorized: false`, the whole answer is read and
 * returned as a `Response`. Through a proxy (`HTTPS_PROXY`, as Deno's fetch
 * would use it) the request goes in a `CONNECT` tunnel, with the proxy's
 * credentials from its URL. Loaded only when that flag is given.
 *
 * @example
 * ```ts
 * const response = await insecureFetch(new URL("https://127.0.0.1:9/"), { method: "POST" })
 *   .catch(() => undefined);
 * ```
 * @module
 */

import type * as http from "node:http";
import type * as net from "node:net";

/** A proxy URL without its credentials, for messages. */
function shownProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/**
 * Opens a `CONNECT` tunnel to `url`'s host through `proxy` (http:// or
 * https://, whose own certificate is not checked either).
 *
 * @throws {Error} when the proxy cannot be reached or refuses the tunnel.
 */
async function tunnel(
  url: URL,
  proxy: URL,
  signal: AbortSignal | null | undefined,
): Promise<net.Socket> {
  const [nodeNet, nodeTls] = await Promise.all([
    import("node:net"),
    import("node:tls"),
  ]);
  const secure = proxy.protocol === "https:";
  const host = proxy.hostname.replace(/^\[|\]$/g, "");
  const port = Number(proxy.port) || (secure ? 443 : 80);
  const socket: net.Socket = secure
    ? nodeTls.connect({
      host,
      port,
      rejectUnauthorized: false,
      ...(nodeNet.isIP(host) ? {} : { servername: host }),
    })
    : nodeNet.connect({ host, port });
  const target = `${url.hostname}:${url.port || "443"}`;
  const auth = proxy.username || proxy.password
    ? `Proxy-Authorization: Basic ${
      btoa(
        String.fromCharCode(
          ...new TextEncoder().encode(
            `${decodeURIComponent(proxy.username)}:${
              decodeURIComponent(proxy.password)
            }`,
          ),
        ),
      )
    }\r\n`
    : "";
  return await new Promise<net.Socket>((resolve, reject) => {
    let head = new Uint8Array(0);
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(new Error("aborted"));
    const onError = (error: Error) =>
      fail(
        new Error(
          `the proxy ${
            shownProxy(proxy)
          } could not be reached: ${error.message}`,
        ),
      );
    const onEnd = () =>
      fail(new Error(`the proxy ${shownProxy(proxy)} closed the connection`));
    const onData = (chunk: Uint8Array) => {
      const next = new Uint8Array(head.length + chunk.length);
      next.set(head);
      next.set(chunk, head.length);
      head = next;
      const text = new TextDecoder("latin1").decode(head);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > 16 * 1024) {
          fail(new Error(`the proxy ${shownProxy(proxy)} sent no answer`));
        }
        return;
      }
      const status = text.slice(0, text.indexOf("\r\n"));
      if (!/^HTTP\/1\.[01] 2\d\d\b/.test(status)) {
        fail(
          new Error(
            `the proxy ${shownProxy(proxy)} refused the tunnel: ${status}`,
          ),
        );
        return;
      }
      cleanup();
      if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
      resolve(socket);
    };
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("end", onEnd);
      signal?.removeEventListener("abort", onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("end", onEnd);
    socket.write(
      `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`,
    );
  });
}

/** Sends one https:// request without checking the server's certificate, through `proxy` when given. */
export async function insecureFetch(
  url: URL,
  init: RequestInit,
  proxy?: URL,
): Promise<Response> {
  // Imported when called: the bundle's program is a script, where only a dynamic import of node: works.
  const [nodeHttps, nodeTls, nodeNet] = await Promise.all([
    import("node:https"),
    import("node:tls"),
    import("node:net"),
  ]);
  const tunnelled = proxy ? await tunnel(url, proxy, init.signal) : undefined;
  return await new Promise<Response>((resolve, reject) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const body = typeof init.body === "string"
      ? new TextEncoder().encode(init.body)
      : init.body instanceof Uint8Array
      ? init.body
      : undefined;
    if (body) headers["content-length"] = String(body.length);
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const options: Record<string, unknown> = {
      method: init.method ?? "GET",
      headers,
      rejectUnauthorized: false,
    };
    if (tunnelled) {
      // An agent of its own that makes its one connection in the tunnel.
      options.agent = Object.assign(
        new nodeHttps.Agent({ keepAlive: false }),
        {
          createConnection: () =>
            nodeTls.connect({
              socket: tunnelled,
              rejectUnauthorized: false,
              ...(nodeNet.isIP(host) ? {} : { servername: host }),
            }),
        },
      );
    }
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (chunk: Uint8Array) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          for (const one of Array.isArray(v) ? v : [v]) out.append(k, one);
        }
        const status = res.statusCode ?? 500;
        const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of chunks) {
          all.set(c, at);
          at += c.length;
        }
        resolve(
          new Response(status === 204 || status === 304 ? null : all, {
            status,
            statusText: res.statusMessage ?? "",
            headers: out,
          }),
        );
      });
    };
    const req = nodeHttps.request(url, options, onResponse);
    req.on("error", reject);
    const signal = init.signal;
    if (signal) {
      if (signal.aborted) req.destroy(new Error("aborted"));
      signal.addEventListener(
        "abort",
        () => req.destroy(new Error("aborted")),
        {
          once: true,
        },
      );
    }
    req.end(body);
  });
}
