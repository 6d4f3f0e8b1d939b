/**
 * Serves the emulator's handler over HTTP.
 *
 * @example
 * ```ts
 * await using server = await startEmulator({ autoApprove: true });
 * server.url; // "http://127.0.0.1:41723"
 * ```
 * @module
 */

import { serveHttp } from "../http/server.ts";
import {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
  MAX_BODY_BYTES,
} from "./handler.ts";

/** A listening emulator. */
export interface EmulatorServer {
  /** Base URL, e.g. `http://127.0.0.1:41723`. */
  readonly url: string;
  readonly port: number;
  readonly emulator: Emulator;
  /** Stops listening and waits for open requests to finish. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Where and how the emulator listens. */
export interface ListenOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** A PEM certificate and key: serve HTTPS instead of HTTP. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** Starts the emulator on `host` and `port`, over HTTPS when given a certificate. */
// deno-lint-ignore require-await -- async so that a failure to listen is a rejection, as callers expect
export async function startEmulator(
  options: EmulatorOptions & ListenOptions = {},
): Promise<EmulatorServer> {
  const emulator = createEmulator(options);
  const hostname = options.host ?? "127.0.0.1";
  const server = serveHttp({
    hostname,
    port: options.port ?? 0,
    ...(options.tls ? { tls: options.tls } : {}),
    maxBodyBytes: MAX_BODY_BYTES,
    onError: (error) => {
      const message = error instanceof Error ? error.message : String(error);
      return new Response(
        JSON.stringify({ message: `Emulator error: ${message}` }),
        {
          status: 500,
          headers: { "content-type": "application/json" },
        },
      );
    },
  }, (request, info) => emulator.handle(request, info.remoteAddr.hostname));
  const addr = server.addr;
  const host = addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  const close = () => server.close();
  return {
    url: `${options.tls ? "https" : "http"}://${host}:${addr.port}`,
    port: addr.port,
    emulator,
    close,
    [Symbol.asyncDispose]: close,
  };
}
