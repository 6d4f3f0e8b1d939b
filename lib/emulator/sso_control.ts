/**
 * The control API's IAM Identity Center requests (under `/_emulator/sso/`):
 * approve or deny device codes, read and change the settings (session
 * length, token lifetimes, page size, rotation), end or revoke sessions,
 * expire registrations. The clock, faults and the request log are the
 * emulator's own (`/_emulator/clock`, `/_emulator/faults`,
 * `/_emulator/requests`).
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const state = createState();
 * SSO_CONTROL_ROUTES["/_emulator/sso/settings"]!(state, { pageSize: 1 });
 * state.sso.settings.pageSize; // 1
 * ```
 * @module
 */

import { json } from "./responses.ts";
import type { EmulatorState } from "./state.ts";
import { applySsoSettings, type SsoSession } from "./sso_state.ts";

type Input = Readonly<Record<string, unknown>>;

function optionalString(body: Input, key: string): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new Error(`${key} must be a string`);
  return v;
}

/** `{"userCode"?, "decision"?: "approve" | "deny"}`: decides one pending device code, or all of them. */
function device(state: EmulatorState, body: Input): Response {
  const decision = body.decision ?? "approve";
  if (decision !== "approve" && decision !== "deny") {
    throw new Error('decision must be "approve" or "deny"');
  }
  const userCode = optionalString(body, "userCode");
  let decided = 0;
  for (const d of state.sso.devices.values()) {
    if (
      d.status === "pending" && state.now() < d.expiresAt &&
      (userCode === undefined || userCode === d.userCode)
    ) {
      d.status = decision === "approve" ? "approved" : "denied";
      decided++;
    }
  }
  return json({ [decision === "approve" ? "approved" : "denied"]: decided });
}

/** Any of the settings (see `SsoSettings`); answers all of them. */
function settings(state: EmulatorState, body: Input): Response {
  applySsoSettings(state.sso.settings, body);
  return json({ ...state.sso.settings });
}

/** The sessions a request names: the one of `accessToken`, or all. */
function sessions(state: EmulatorState, body: Input): SsoSession[] {
  const token = optionalString(body, "accessToken");
  if (token === undefined) return [...state.sso.sessions.values()];
  const record = state.sso.accessTokens.get(token);
  const session = record ? state.sso.sessions.get(record.sessionId) : undefined;
  return session ? [session] : [];
}

/** `{"accessToken"?}`: ends sessions as if their time were up (refreshes fail; issued access tokens run out). */
function endSessions(state: EmulatorState, body: Input): Response {
  let ended = 0;
  for (const s of sessions(state, body)) {
    if (!s.ended && !s.revoked) ended++;
    s.ended = true;
  }
  return json({ ended });
}

/** `{"accessToken"?}`: revokes sessions (as Logout does: every token of them stops at once). */
function revokeSessions(state: EmulatorState, body: Input): Response {
  let revoked = 0;
  for (const s of sessions(state, body)) {
    if (!s.revoked) revoked++;
    s.revoked = true;
  }
  return json({ revoked });
}

/** `{"clientId"?}`: expires one registration, or all (then every OIDC call with them is InvalidClientException). */
function expireRegistrations(state: EmulatorState, body: Input): Response {
  const clientId = optionalString(body, "clientId");
  let expired = 0;
  for (const c of state.sso.clients.values()) {
    if (
      (clientId === undefined || clientId === c.clientId) &&
      c.expiresAt > state.now()
    ) {
      c.expiresAt = state.now();
      expired++;
    }
  }
  return json({ expired });
}

/** Control POST routes for IAM Identity Center. */
export const SSO_CONTROL_ROUTES: Readonly<
  Record<string, (state: EmulatorState, body: Input) => Response>
> = {
  "/_emulator/sso/device": device,
  "/_emulator/sso/settings": settings,
  "/_emulator/sso/end-sessions": endSessions,
  "/_emulator/sso/revoke-sessions": revokeSessions,
  "/_emulator/sso/expire-registrations": expireRegistrations,
};
