/**
 * The browser side of IAM Identity Center in the emulator: the device
 * approval page (`GET /device[?user_code=]`, its form `POST /device`) and
 * the authorization endpoint (`GET /authorize`, checked as sso-oidc checks
 * it, then a consent page whose form posts to `POST /authorize`, which
 * redirects to the client's loopback callback with the code and state, or
 * with `error=access_denied`). With `autoApprove`, opening the device link
 * approves at once and `/authorize` redirects at once.
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const url = new URL("http://127.0.0.1:8099/authorize?response_type=token");
 * ssoAuthorize(createState(), url).status; // 400
 * ```
 * @module
 */

import { html, redirect, withQuery } from "./responses.ts";
import type { EmulatorState } from "./state.ts";
import type {
  DeviceAuthorization,
  SsoPendingAuthorization,
} from "./sso_state.ts";
import { REDIRECT_URI } from "./sso_oidc.ts";
import {
  consentPage,
  devicePage,
  deviceResultPage,
  ssoErrorPage,
} from "./sso_pages.ts";

/** `abcd efgh`, `ABCDEFGH` → `ABCD-EFGH`, as people type codes. */
function normalizeUserCode(raw: string): string {
  const letters = raw.toUpperCase().replace(/[^A-Z]/g, "");
  return letters.length === 8
    ? `${letters.slice(0, 4)}-${letters.slice(4)}`
    : raw;
}

/** The pending device authorization of a user code, if it can still be decided. */
function pendingDevice(
  state: EmulatorState,
  raw: string,
): DeviceAuthorization | undefined {
  const deviceCode = state.sso.userCodes.get(normalizeUserCode(raw));
  const device = deviceCode ? state.sso.devices.get(deviceCode) : undefined;
  return device?.status === "pending" && state.now() < device.expiresAt
    ? device
    : undefined;
}

function unknownCode(raw: string): Response {
  return html(
    ssoErrorPage(
      "This code is not valid",
      `The code "${
        raw.slice(0, 64)
      }" is unknown, was already used, or has expired.`,
    ),
    400,
  );
}

/** `GET /device`: the approval page (or, with autoApprove, the approval itself). */
export function devicePageRoute(state: EmulatorState, url: URL): Response {
  const raw = url.searchParams.get("user_code");
  const log = (status: number, error?: string) =>
    state.log({
      method: "GET",
      path: url.pathname,
      operation: "DeviceVerification",
      status,
      ...(error ? { error } : {}),
    });
  if (raw === null) {
    log(200);
    return html(devicePage({ userCode: "", region: state.sso.region }));
  }
  const device = pendingDevice(state, raw);
  if (!device) {
    log(400, "InvalidUserCode");
    return unknownCode(raw);
  }
  if (state.autoApprove) {
    device.status = "approved";
    log(200);
    return html(deviceResultPage(true));
  }
  log(200);
  return html(devicePage({
    userCode: device.userCode,
    clientName: state.sso.clients.get(device.clientId)?.clientName ?? "",
    region: state.sso.region,
  }));
}

/** `POST /device`: the page's approve or deny. */
export async function deviceDecision(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  const form = await req.formData().catch(() => undefined);
  const raw = String(form?.get("user_code") ?? "");
  const device = pendingDevice(state, raw);
  const approve = form?.get("decision") === "approve";
  state.log({
    method: "POST",
    path: url.pathname,
    operation: "DeviceDecision",
    status: device ? 200 : 400,
    ...(device ? { clientId: device.clientId } : { error: "InvalidUserCode" }),
  });
  if (!device) return unknownCode(raw);
  device.status = approve ? "approved" : "denied";
  return html(deviceResultPage(approve));
}

/** Issues a code for an approved request; where the browser goes with it. */
function approve(
  state: EmulatorState,
  request: SsoPendingAuthorization,
): string {
  const code = state.token(32);
  state.sso.codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    challenge: request.challenge,
    scopes: request.scopes,
    issuedAt: state.now(),
    used: false,
  });
  return withQuery(request.redirectUri, { code, state: request.state });
}

/** A redirect URI without its port (registered URIs match any port, RFC 8252 §7.3). */
const portless = (uri: string) =>
  uri.replace(/^(http:\/\/127\.0\.0\.1):\d+/, "$1");

/** Why an `/authorize` request is not valid, or the request it makes. */
function checkAuthorize(
  state: EmulatorState,
  p: URLSearchParams,
): SsoPendingAuthorization | string {
  if (p.get("response_type") !== "code") {
    return '"response_type" must be "code".';
  }
  const clientId = p.get("client_id") ?? "";
  const client = state.sso.clients.get(clientId);
  if (
    !client || state.now() >= client.expiresAt ||
    !client.grantTypes?.includes("authorization_code")
  ) {
    return '"client_id" must be a client registered for the authorization_code grant, and not expired.';
  }
  const redirectUri = p.get("redirect_uri") ?? "";
  const port = REDIRECT_URI.exec(redirectUri)?.[1];
  if (
    !REDIRECT_URI.test(redirectUri) ||
    (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) ||
    !client.redirectUris.some((u) => portless(u) === portless(redirectUri))
  ) {
    return '"redirect_uri" must be one the client registered (any port).';
  }
  if (p.get("code_challenge_method") !== "S256") {
    return '"code_challenge_method" must be "S256".';
  }
  const challenge = p.get("code_challenge") ?? "";
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return '"code_challenge" must be 43 characters of unpadded base64url.';
  }
  const scopes = (p.get("scopes") ?? "").split(" ").filter((s) => s !== "");
  if (
    scopes.length === 0 ||
    scopes.some((s) => !(client.scopes ?? []).includes(s))
  ) {
    return '"scopes" (space-separated) must be among the scopes the client registered.';
  }
  const requestState = p.get("state") ?? "";
  if (requestState === "" || requestState.length > 512) {
    return '"state" is missing or too long.';
  }
  return {
    clientId,
    redirectUri,
    state: requestState,
    challenge,
    scopes,
    createdAt: state.now(),
  };
}

/** `GET /authorize`: checks the request, then the consent page (or, with autoApprove, the redirect). */
export function ssoAuthorize(state: EmulatorState, url: URL): Response {
  const request = checkAuthorize(state, url.searchParams);
  const log = (status: number, error?: string) =>
    state.log({
      method: "GET",
      path: url.pathname,
      operation: "SsoAuthorize",
      ...(typeof request === "string" ? {} : { clientId: request.clientId }),
      status,
      ...(error ? { error } : {}),
    });
  if (typeof request === "string") {
    log(400, "InvalidRequest");
    return html(
      ssoErrorPage("This authorization request is not valid", request),
      400,
    );
  }
  if (state.autoApprove) {
    log(302);
    return redirect(approve(state, request));
  }
  const requestId = state.token(18);
  state.sso.pending.set(requestId, request);
  log(200);
  return html(consentPage({
    requestId,
    user: state.sso.user,
    clientName: state.sso.clients.get(request.clientId)?.clientName ?? "",
    scopes: request.scopes,
    redirectHost: new URL(request.redirectUri).host,
  }));
}

/** `POST /authorize`: the consent page's approve or deny. */
export async function ssoAuthorizeDecision(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  const form = await req.formData().catch(() => undefined);
  const requestId = String(form?.get("request") ?? "");
  const request = state.sso.pending.get(requestId);
  const valid = request !== undefined &&
    state.now() - request.createdAt <= state.codeTtl * 1000;
  state.log({
    method: "POST",
    path: url.pathname,
    operation: "SsoAuthorizeDecision",
    ...(request ? { clientId: request.clientId } : {}),
    status: valid ? 303 : 400,
    ...(valid ? {} : { error: "InvalidRequest" }),
  });
  if (!valid) {
    return html(
      ssoErrorPage(
        "This authorization request has expired",
        "The page was open too long or was already used.",
      ),
      400,
    );
  }
  state.sso.pending.delete(requestId);
  if (form?.get("decision") !== "approve") {
    return redirect(
      withQuery(request.redirectUri, {
        error: "access_denied",
        error_description: "The user denied the request.",
        state: request.state,
      }),
      303,
    );
  }
  return redirect(approve(state, request), 303);
}
