/**
 * A fetch that does not check TLS certificates, for `--no-verify-ssl` (Deno's
 * own fetch cannot be told so per call): the request goes out through
 * `node:https` with `rejectUnauthorized: false`, the whole answer is read and
 * returned as a `Response`. Loaded only when that flag is given.
 *
 * @example
 * ```ts
 * const response = await insecureFetch(new URL("https://127.0.0.1:9/"), { method: "POST" })
 *   .catch(() => undefined);
 * ```
 * @module
 */

import type * as http from "node:http";

/** Sends one request without checking the server's certificate. */
export async function insecureFetch(
  url: URL,
  init: RequestInit,
): Promise<Response> {
  // Imported when called: the bundle's program is a script, where only a dynamic import of node: works.
  const [nodeHttp, nodeHttps] = await Promise.all([
    import("node:http"),
    import("node:https"),
  ]);
  return await new Promise<Response>((resolve, reject) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const body = typeof init.body === "string"
      ? new TextEncoder().encode(init.body)
      : init.body instanceof Uint8Array
      ? init.body
      : undefined;
    if (body) headers["content-length"] = String(body.length);
    const options = {
      method: init.method ?? "GET",
      headers,
      rejectUnauthorized: false,
    };
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
    const req = url.protocol === "https:"
      ? nodeHttps.request(url, options, onResponse)
      : nodeHttp.request(url, options, onResponse);
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
