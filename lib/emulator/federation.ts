/**
 * The AWS federation endpoint (`/federation`), as the console sign-in of
 * `aws-signin console` uses it: `Action=getSigninToken` trades temporary
 * credentials of an assumed role (issued by the emulator's `AssumeRole`, or
 * by Sign-In for an assumed-role principal) for a sign-in token; IAM user and
 * long-term keys are refused, and a chained role's console session is capped
 * at an hour as AWS caps it. `Action=login` spends the token once, within 15
 * minutes, and shows a page naming the role, account and region.
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const url = new URL("http://127.0.0.1:8099/federation?Action=getSigninToken&Session=%7B%7D");
 * (await federation(createState(), new Request(url), url)).status; // 400
 * ```
 * @module
 */

import { html, json } from "./responses.ts";
import { consolePage } from "./pages.ts";
import type { EmulatorState } from "./state.ts";

const TOKEN_TTL_MS = 15 * 60_000;

function refused(state: EmulatorState, message: string, status = 400) {
  state.log({
    method: "GET",
    path: "/federation",
    operation: "Federation",
    status,
  });
  return json({ message }, status);
}

function getSigninToken(state: EmulatorState, url: URL): Response {
  let session: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(url.searchParams.get("Session") ?? "");
    if (parsed === null || typeof parsed !== "object") throw new Error();
    session = parsed as Record<string, unknown>;
  } catch {
    return refused(state, "Session must be a JSON object.");
  }
  const key = state.accessKeys.get(String(session.sessionId ?? ""));
  if (
    !key || key.secretAccessKey !== session.sessionKey ||
    key.sessionToken !== session.sessionToken || key.expiresAt <= state.now()
  ) {
    return refused(
      state,
      "The credentials are not temporary credentials this emulator issued, or they have expired.",
      403,
    );
  }
  if (!key.principal.includes(":assumed-role/")) {
    return refused(
      state,
      "Only the credentials of an assumed role can be federated; these belong to an IAM user.",
      403,
    );
  }
  const raw = url.searchParams.get("SessionDuration");
  let duration = 3600;
  if (raw !== null) {
    duration = Number(raw);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) {
      return refused(state, "SessionDuration must be from 900 to 43200.");
    }
    if (key.chained) {
      return refused(
        state,
        "SessionDuration cannot be used with the credentials of a role assumed by role chaining.",
      );
    }
  }
  const token = state.token(32);
  state.signinTokens.set(token, {
    principal: key.principal,
    expiresAt: state.now() + TOKEN_TTL_MS,
    sessionDuration: key.chained ? 3600 : duration,
    used: false,
  });
  state.log({
    method: "GET",
    path: "/federation",
    operation: "GetSigninToken",
    status: 200,
  });
  return json({ SigninToken: token });
}

function login(state: EmulatorState, url: URL): Response {
  const p = url.searchParams;
  const record = state.signinTokens.get(p.get("SigninToken") ?? "");
  if (!record || record.used || record.expiresAt <= state.now()) {
    return refused(
      state,
      "The sign-in token is not valid, was used, or has expired.",
    );
  }
  const destination = p.get("Destination") ?? "";
  let region = "";
  try {
    const target = new URL(destination);
    region = target.searchParams.get("region") ??
      target.hostname.split(".")[0] ?? "";
  } catch {
    return refused(state, "Destination must be a URL.");
  }
  record.used = true;
  state.log({
    method: "GET",
    path: "/federation",
    operation: "ConsoleLogin",
    status: 200,
  });
  return html(consolePage({
    principal: record.principal,
    region,
    destination,
    issuer: p.get("Issuer") ?? "",
    sessionDuration: record.sessionDuration,
  }));
}

/** `GET /federation`. */
export function federation(
  state: EmulatorState,
  _req: Request,
  url: URL,
): Response {
  switch (url.searchParams.get("Action")) {
    case "getSigninToken":
      return getSigninToken(state, url);
    case "login":
      return login(state, url);
    default:
      return refused(state, "Action must be getSigninToken or login.");
  }
}
