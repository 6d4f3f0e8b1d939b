/**
 * sso-oidc `POST /token` (CreateToken) in the emulator, one function per
 * grant: the device code (pending until approved, slow down when polled
 * faster than the interval, expired after `expiresIn`, denied), the
 * authorization code (single use, short-lived, the same client and redirect
 * URI with its port, the PKCE S256 verifier), and the refresh token (its
 * client, an active session, rotation `strict` or `none`). Clients
 * registered with scopes get a one-hour token and a refresh token; clients
 * without scopes an eight-hour token and none (both configurable), never
 * past the session's end.
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const url = new URL("http://127.0.0.1:8099/token");
 * const response = await createSsoToken(createState(), new Request(url, { method: "POST" }), url);
 * response.status; // 400: no JSON body
 * ```
 * @module
 */

import { base64url, sha256 } from "../util/encoding.ts";
import { isValidVerifier } from "../signin/pkce.ts";
import type { EmulatorState } from "./state.ts";
import { sessionActive, type SsoClient } from "./sso_state.ts";
import { checkClient, GRANT_TYPES } from "./sso_oidc.ts";
import { field, jsonBody, type SsoCall, ssoCall, ssoOk } from "./sso_wire.ts";

/** The device code grant's name. */
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

type Body = Readonly<Record<string, unknown>>;

const invalidGrant = (call: SsoCall) =>
  call.fail("InvalidGrantException", "Invalid grant provided");

/** Issues an access token (and a refresh token when the client may have one) in a session. */
function issue(
  state: EmulatorState,
  call: SsoCall,
  client: SsoClient,
  sessionId: string,
  scopes: readonly string[],
  refresh: boolean,
): Response {
  const { settings } = state.sso;
  const now = state.now();
  const session = state.sso.sessions.get(sessionId)!;
  const legacy = client.scopes === undefined;
  // Rounded up: a session made a millisecond ago still has all of its seconds (an 8-hour legacy token).
  const left = Math.ceil(
    (session.createdAt + settings.sessionTtl * 1000 - now) / 1000,
  );
  const expiresIn = Math.max(
    1,
    Math.min(legacy ? settings.legacyTokenTtl : settings.accessTokenTtl, left),
  );
  const accessToken = `aoa${state.token(96)}`;
  state.sso.accessTokens.set(accessToken, {
    sessionId,
    clientId: client.clientId,
    scopes,
    expiresAt: now + expiresIn * 1000,
  });
  const answer: Record<string, unknown> = {
    accessToken,
    tokenType: "Bearer",
    expiresIn,
  };
  const refreshable = !legacy &&
    (client.grantTypes === undefined ||
      client.grantTypes.includes("refresh_token"));
  if (refresh && refreshable) {
    const refreshToken = `aor${state.token(96)}`;
    state.sso.refreshTokens.set(refreshToken, {
      sessionId,
      clientId: client.clientId,
      scopes,
      used: false,
    });
    answer.refreshToken = refreshToken;
  }
  return ssoOk(answer, call.requestId);
}

/** A new IdC session (a login). */
function newSession(state: EmulatorState): string {
  const id = state.token(16);
  state.sso.sessions.set(id, {
    createdAt: state.now(),
    ended: false,
    revoked: false,
  });
  return id;
}

/** The device code grant. */
function deviceCodeGrant(
  state: EmulatorState,
  call: SsoCall,
  client: SsoClient,
  body: Body,
): Response {
  const code = field(body, "deviceCode");
  const device = code ? state.sso.devices.get(code) : undefined;
  if (
    !device || device.clientId !== client.clientId ||
    device.status === "redeemed"
  ) return invalidGrant(call);
  const now = state.now();
  if (now >= device.expiresAt) {
    return call.fail("ExpiredTokenException", "Device code has expired");
  }
  // botocore polls once before it shows the code and again right after: those two are free.
  device.polls++;
  const tooFast = device.polls > 2 && device.lastPollAt !== undefined &&
    now - device.lastPollAt < device.interval * 1000;
  device.lastPollAt = now;
  if (tooFast) {
    device.interval += 5;
    return call.fail("SlowDownException", "Client is polling too quickly");
  }
  if (device.status === "pending") {
    return call.fail(
      "AuthorizationPendingException",
      "Authorization is still pending",
    );
  }
  if (device.status === "denied") {
    return call.fail("AccessDeniedException", "Access denied");
  }
  device.status = "redeemed";
  return issue(
    state,
    call,
    client,
    newSession(state),
    client.scopes ?? [],
    true,
  );
}

/** The authorization code grant. */
async function authorizationCodeGrant(
  state: EmulatorState,
  call: SsoCall,
  client: SsoClient,
  body: Body,
): Promise<Response> {
  const code = field(body, "code");
  const record = code ? state.sso.codes.get(code) : undefined;
  const verifier = field(body, "codeVerifier");
  if (
    !record || record.used || record.clientId !== client.clientId ||
    state.now() - record.issuedAt > state.codeTtl * 1000 ||
    field(body, "redirectUri") !== record.redirectUri ||
    !verifier || !isValidVerifier(verifier) ||
    base64url(await sha256(verifier)) !== record.challenge
  ) return invalidGrant(call);
  record.used = true;
  return issue(state, call, client, newSession(state), record.scopes, true);
}

/** The refresh token grant. */
function refreshTokenGrant(
  state: EmulatorState,
  call: SsoCall,
  client: SsoClient,
  body: Body,
): Response {
  const presented = field(body, "refreshToken");
  const record = presented ? state.sso.refreshTokens.get(presented) : undefined;
  if (
    !record || record.used || record.clientId !== client.clientId ||
    !sessionActive(
      state.sso,
      state.sso.sessions.get(record.sessionId),
      state.now(),
    )
  ) return invalidGrant(call);
  const rotate = state.sso.settings.rotation === "strict";
  if (rotate) record.used = true;
  return issue(state, call, client, record.sessionId, record.scopes, rotate);
}

/** `POST /token`. */
export async function createSsoToken(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  // The body is read first, so that even a faulted call is logged with its grant type.
  const body = await jsonBody(req);
  const grantType = body ? field(body, "grantType") : undefined;
  const clientId = body ? field(body, "clientId") : undefined;
  return await ssoCall(state, req, url, "CreateToken", "oidc", (call) => {
    if (!body) {
      return call.fail(
        "InvalidRequestException",
        "The request body must be a JSON object.",
      );
    }
    const client = checkClient(state, body, call);
    if (client instanceof Response) return client;
    if (!grantType || !(GRANT_TYPES as readonly string[]).includes(grantType)) {
      return call.fail(
        "UnsupportedGrantTypeException",
        "Unsupported grant type",
      );
    }
    // Registered without grant types: every grant but the authorization code.
    const allowed = client.grantTypes?.includes(grantType) ??
      grantType !== "authorization_code";
    if (!allowed) {
      return call.fail(
        "UnauthorizedClientException",
        "Client is not authorized to use this grant type",
      );
    }
    if (grantType === DEVICE_CODE_GRANT) {
      return deviceCodeGrant(state, call, client, body);
    }
    if (grantType === "authorization_code") {
      return authorizationCodeGrant(state, call, client, body);
    }
    return refreshTokenGrant(state, call, client, body);
  }, {
    ...(grantType ? { grantType: grantType.slice(0, 64) } : {}),
    ...(clientId ? { clientId: clientId.slice(0, 64) } : {}),
  });
}
