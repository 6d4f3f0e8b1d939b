/**
 * The control API under `/_emulator/` that tests use: read the request log,
 * queue faults, move the clock, revoke sessions (IAM Identity Center's own
 * requests, under `/_emulator/sso/`, are in `sso_control.ts`).
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const state = createState();
 * const url = new URL("http://127.0.0.1:8099/_emulator/clock");
 * await control(state, new Request(url, { method: "POST", body: '{"advanceSeconds": 60}' }), url);
 * ```
 * @module
 */

import { json } from "./responses.ts";
import { type EmulatorState, type Fault, FAULT_OPERATIONS } from "./state.ts";
import { SSO_CONTROL_ROUTES } from "./sso_control.ts";
import { webIdentityToken } from "./assume_role_web_identity.ts";

type Input = Record<string, unknown>;

async function input(req: Request): Promise<Input> {
  const text = await req.text();
  if (text.trim() === "") return {};
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("not an object");
  }
  return parsed as Input;
}

function clock(state: EmulatorState, body: Input): Response {
  const seconds = Number(body.advanceSeconds ?? 0);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new Error("advanceSeconds must be a number >= 0");
  }
  state.advanceClock(seconds);
  return json({ now: new Date(state.now()).toISOString() });
}

function faults(state: EmulatorState, body: Input): Response {
  const operation = body.operation ?? "CreateOAuth2Token";
  if (!FAULT_OPERATIONS.includes(operation as Fault["operation"])) {
    throw new Error(
      `operation must be ${FAULT_OPERATIONS.map((o) => `"${o}"`).join(" or ")}`,
    );
  }
  const fault: Fault = {
    operation: operation as Fault["operation"],
    remaining: Number(body.count ?? 1),
    ...(typeof body.error === "string" ? { error: body.error } : {}),
    ...(typeof body.status === "number" ? { status: body.status } : {}),
    ...(typeof body.message === "string" ? { message: body.message } : {}),
    ...(typeof body.delayMs === "number" ? { delayMs: body.delayMs } : {}),
  };
  if (!fault.error && !fault.delayMs) {
    throw new Error("a fault needs an error, a delayMs, or both");
  }
  state.faults.push(fault);
  return json({
    queued: state.faults.filter((f) => f.remaining > 0).length,
  });
}

function revoke(state: EmulatorState, body: Input): Response {
  let revoked = 0;
  for (const session of state.sessions.values()) {
    if (
      !session.revoked &&
      (body.principal === undefined || body.principal === session.principal)
    ) {
      session.revoked = true;
      revoked++;
    }
  }
  return json({ revoked });
}

function skew(state: EmulatorState, body: Input): Response {
  if (body.answer !== "invalid-request" && body.answer !== "token-expired") {
    throw new Error('answer must be "invalid-request" or "token-expired"');
  }
  state.skewAnswer = body.answer;
  return json({ answer: state.skewAnswer });
}

const POST_ROUTES: Readonly<
  Record<
    string,
    (state: EmulatorState, body: Input) => Response | Promise<Response>
  >
> = {
  "/_emulator/clock": clock,
  "/_emulator/faults": faults,
  "/_emulator/revoke": revoke,
  "/_emulator/skew": skew,
  ...SSO_CONTROL_ROUTES,
  "/_emulator/web-identity-token": webIdentityToken,
};

function loopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * Why a control request is refused, if it is: only a client on this computer
 * talking to the emulator by a loopback name (not a web page, not through
 * DNS rebinding) may drive it, and a POST must be JSON (a form or text/plain
 * POST can be sent by any page without asking).
 */
function refusal(
  req: Request,
  url: URL,
  peer: string | undefined,
): Response | undefined {
  const host = req.headers.get("host") ?? url.host;
  // The Host header is the client's to choose: the connection's own address is not.
  if (!loopbackHost(host) || (peer !== undefined && !loopbackHost(peer))) {
    return json({
      message: "The control API answers only on a loopback address.",
    }, 403);
  }
  const origin = req.headers.get("origin");
  if (origin !== null && origin !== `${url.protocol}//${host}`) {
    return json({
      message: "The control API does not answer other origins.",
    }, 403);
  }
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (req.method === "POST" && !type.startsWith("application/json")) {
    return json({
      message:
        "Control requests must be JSON (Content-Type: application/json).",
    }, 415);
  }
  return undefined;
}

/**
 * A request under `/_emulator/`. `peer` is the address the connection comes
 * from (`undefined` for a request handed over in this process).
 */
export async function control(
  state: EmulatorState,
  req: Request,
  url: URL,
  peer?: string,
): Promise<Response> {
  const refused = refusal(req, url, peer);
  if (refused) return refused;
  if (url.pathname === "/_emulator/requests" && req.method === "GET") {
    return json([...state.requests]);
  }
  const done = (response: Response) => {
    state.log({
      method: req.method,
      path: url.pathname,
      operation: "Control",
      status: response.status,
    });
    return response;
  };
  const route = req.method === "POST" ? POST_ROUTES[url.pathname] : undefined;
  if (!route) {
    return done(
      json(
        { message: `No control endpoint ${req.method} ${url.pathname}.` },
        404,
      ),
    );
  }
  try {
    return done(await route(state, await input(req)));
  } catch (error) {
    return done(
      json(
        { message: `Bad control request: ${(error as Error).message}.` },
        400,
      ),
    );
  }
}
