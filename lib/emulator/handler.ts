/**
 * A local emulator of AWS Sign-In (`/v1/authorize`, the console-session
 * picker, `/v1/sessions/confirmation`, `CreateOAuth2Token`), of STS, and of
 * IAM Identity Center (sso-oidc and the access portal, whose paths collide
 * with neither), as a pure `(Request) => Promise<Response>` handler with the clock and randomness
 * injected. It is strict where AWS is strict, so a client bug fails here the
 * way it would fail against AWS. This module is the router; each route is a
 * plain function of the state (`state.ts`) and the request, in its own
 * module.
 *
 * A control API under `/_emulator/` lets tests read the request log, inject
 * faults, move the clock and revoke sessions.
 *
 * @example
 * ```ts
 * const emulator = createEmulator({ autoApprove: true });
 * const response = await emulator.handle(new Request("http://127.0.0.1:8080/v1/token", { method: "POST" }));
 * response.status; // 400
 * ```
 * @module
 */

import { authorize, confirmation, decision } from "./authorize.ts";
import { control } from "./control.ts";
import { json } from "./responses.ts";
import {
  createState,
  type EmulatorOptions,
  type EmulatorState,
  type RequestLogEntry,
} from "./state.ts";
import { sts } from "./sts.ts";
import { createToken } from "./token.ts";
import { federation } from "./federation.ts";
import { registerClient, startDeviceAuthorization } from "./sso_oidc.ts";
import { createSsoToken } from "./sso_token.ts";
import {
  deviceDecision,
  devicePageRoute,
  ssoAuthorize,
  ssoAuthorizeDecision,
} from "./sso_browser.ts";
import {
  getRoleCredentials,
  listAccountRoles,
  listAccounts,
  logout,
} from "./sso_portal.ts";

export { CROSS_DEVICE_CLIENT, SAME_DEVICE_CLIENT } from "./authorize.ts";
export {
  DEFAULT_PRINCIPAL,
  type EmulatorOptions,
  type RequestLogEntry,
} from "./state.ts";
export { userIdOf } from "./sts.ts";
export type { SsoAccount, SsoOptions, SsoSettings } from "./sso_state.ts";

/** A running emulator's handler and test hooks. */
export interface Emulator {
  /**
   * Answers a request. `peer` is the address its connection came from (the
   * control API answers only loopback peers); leave it out for a request
   * made in this process.
   */
  handle(request: Request, peer?: string): Promise<Response>;
  /** Every request so far. */
  readonly requests: readonly RequestLogEntry[];
  /** Moves the emulator's clock forward. */
  advanceClock(seconds: number): void;
  /** The emulator's clock (milliseconds since the epoch). */
  now(): number;
}

type Route = (
  state: EmulatorState,
  req: Request,
  url: URL,
) => Response | Promise<Response>;

/** `METHOD path` → route. */
const ROUTES: Readonly<Record<string, Route>> = {
  "GET /v1/authorize": (state, _req, url) => authorize(state, url),
  "POST /v1/authorize/decision": decision,
  "GET /v1/sessions/confirmation": (state, _req, url) =>
    confirmation(state, url),
  "POST /v1/token": createToken,
  "GET /federation": federation,
  "POST /": sts,
  // IAM Identity Center: sso-oidc, its pages, and the access portal.
  "POST /client/register": registerClient,
  "POST /device_authorization": startDeviceAuthorization,
  "POST /token": createSsoToken,
  "GET /device": (state, _req, url) => devicePageRoute(state, url),
  "POST /device": deviceDecision,
  "GET /authorize": (state, _req, url) => ssoAuthorize(state, url),
  "POST /authorize": ssoAuthorizeDecision,
  "GET /federation/credentials": getRoleCredentials,
  "GET /assignment/accounts": listAccounts,
  "GET /assignment/roles": listAccountRoles,
  "POST /logout": logout,
};

function route(
  state: EmulatorState,
  req: Request,
  peer: string | undefined,
): Promise<Response> | Response {
  const url = new URL(req.url);
  const host = req.headers.get("host");
  if (host) url.host = host;
  if (url.pathname.startsWith("/_emulator/")) {
    return control(state, req, url, peer);
  }
  const handler = ROUTES[`${req.method} ${url.pathname}`];
  if (handler) return handler(state, req, url);
  state.log({
    method: req.method,
    path: url.pathname,
    operation: "Unknown",
    status: 404,
  });
  return json({ message: `Not found: ${req.method} ${url.pathname}` }, 404);
}

/** The largest request body the emulator reads: its token, STS, decision and control requests are a few KiB at most. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The request with its body read, or `undefined` when the body is over {@linkcode MAX_BODY_BYTES}. */
async function withLimitedBody(req: Request): Promise<Request | undefined> {
  if (!req.body) return req;
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    await req.body.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return new Request(req.url, {
    method: req.method,
    headers: req.headers,
    body,
  });
}

/** Creates an emulator. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const state = createState(options);
  return {
    async handle(original, peer) {
      const req = await withLimitedBody(original);
      const response = req ? await route(state, req, peer) : json(
        { message: `The request body is larger than ${MAX_BODY_BYTES} bytes.` },
        413,
      );
      // The emulator's own clock (it can be moved forward), as clients see it in Date.
      response.headers.set("date", new Date(state.now()).toUTCString());
      return response;
    },
    get requests() {
      return state.requests;
    },
    advanceClock: (seconds) => state.advanceClock(seconds),
    now: () => state.now(),
  };
}
