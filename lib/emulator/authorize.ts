/**
 * The browser side of Sign-In: `/v1/authorize` (checked as strictly as AWS
 * checks it), the console-session picker and its decision, and
 * `/v1/sessions/confirmation`, which shows the code to paste for `--remote`.
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const state = createState({ autoApprove: true });
 * const response = authorize(state, new URL("http://127.0.0.1:8099/v1/authorize?response_type=code"));
 * response.status; // 400: the other parameters are missing
 * ```
 * @module
 */

import { utf8 } from "../util/encoding.ts";
import { confirmationPage, errorPage, pickerPage } from "./pages.ts";
import { html, redirect, withQuery } from "./responses.ts";
import type { EmulatorState, PendingAuthorization } from "./state.ts";

/** The same-device (browser on the user's machine) client. */
export const SAME_DEVICE_CLIENT = "arn:aws:signin:::devtools/same-device";
/** The cross-device (`--remote`) client. */
export const CROSS_DEVICE_CLIENT = "arn:aws:signin:::devtools/cross-device";

/** Issues a code for an approved request and returns where the browser goes with it. */
function approve(
  state: EmulatorState,
  request: PendingAuthorization,
  principal: string,
): string {
  const code = state.token(32);
  state.codes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    challenge: request.challenge,
    principal,
    issuedAt: state.now(),
    used: false,
  });
  return withQuery(request.redirectUri, { code, state: request.state });
}

/** `GET /v1/authorize`: checks the request, then shows the picker (or redirects at once with auto-approve). */
export function authorize(state: EmulatorState, url: URL): Response {
  const p = url.searchParams;
  const bad = (detail: string) => {
    state.log({
      method: "GET",
      path: url.pathname,
      operation: "Authorize",
      status: 400,
      error: "INVALID_REQUEST",
    });
    return html(errorPage("This sign-in request is not valid", detail), 400);
  };
  if (p.get("response_type") !== "code") {
    return bad('"response_type" must be "code".');
  }
  const clientId = p.get("client_id") ?? "";
  if (clientId !== SAME_DEVICE_CLIENT && clientId !== CROSS_DEVICE_CLIENT) {
    return bad(
      `"client_id" must be ${SAME_DEVICE_CLIENT} or ${CROSS_DEVICE_CLIENT}.`,
    );
  }
  const requestState = p.get("state") ?? "";
  if (requestState === "" || requestState.length > 256) {
    return bad('"state" is missing or too long.');
  }
  if (p.get("code_challenge_method") !== "SHA-256") {
    return bad('"code_challenge_method" must be "SHA-256".');
  }
  const challenge = p.get("code_challenge") ?? "";
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return bad(
      '"code_challenge" must be 43 characters of unpadded base64url (the SHA-256 of the verifier).',
    );
  }
  if (p.get("scope") !== "openid") return bad('"scope" must be "openid".');
  const redirectUri = p.get("redirect_uri") ?? "";
  if (clientId === SAME_DEVICE_CLIENT) {
    const m = /^http:\/\/127\.0\.0\.1:(\d{1,5})\/oauth\/callback$/.exec(
      redirectUri,
    );
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) {
      return bad(
        '"redirect_uri" must be http://127.0.0.1:<port>/oauth/callback for the same-device client.',
      );
    }
  } else if (redirectUri !== `${url.origin}/v1/sessions/confirmation`) {
    return bad(
      `"redirect_uri" must be ${url.origin}/v1/sessions/confirmation for the cross-device client.`,
    );
  }
  const request: PendingAuthorization = {
    clientId,
    redirectUri,
    state: requestState,
    challenge,
    createdAt: state.now(),
  };
  if (state.autoApprove) {
    state.log({
      method: "GET",
      path: url.pathname,
      operation: "Authorize",
      clientId,
      status: 302,
    });
    return redirect(approve(state, request, state.principals[0]!));
  }
  const requestId = state.token(18);
  state.pending.set(requestId, request);
  state.log({
    method: "GET",
    path: url.pathname,
    operation: "Authorize",
    clientId,
    status: 200,
  });
  return html(
    pickerPage({
      requestId,
      principals: state.principals,
      clientId,
      redirectHost: new URL(redirectUri).host,
    }),
  );
}

/** `POST /v1/authorize/decision`: the picker's approve or deny. */
export async function decision(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  const entry = (
    status: number,
    extra: { clientId?: string; error?: string },
  ) =>
    state.log({
      method: "POST",
      path: url.pathname,
      operation: "AuthorizeDecision",
      status,
      ...extra,
    });
  const form = await req.formData().catch(() => undefined);
  const requestId = String(form?.get("request") ?? "");
  const request = state.pending.get(requestId);
  if (!request || state.now() - request.createdAt > state.codeTtl * 1000) {
    entry(400, { error: "INVALID_REQUEST" });
    return html(
      errorPage(
        "This sign-in request has expired",
        "The page was open too long or was already used.",
      ),
      400,
    );
  }
  state.pending.delete(requestId);
  if (form?.get("decision") !== "approve") {
    entry(303, { clientId: request.clientId });
    return redirect(
      withQuery(request.redirectUri, {
        error: "access_denied",
        state: request.state,
      }),
      303,
    );
  }
  const principal = String(form.get("principal") ?? state.principals[0]);
  if (!state.principals.includes(principal)) {
    entry(400, { error: "INVALID_REQUEST" });
    return html(
      errorPage("Unknown session", "Choose one of the sessions on the page."),
      400,
    );
  }
  entry(303, { clientId: request.clientId });
  return redirect(approve(state, request, principal), 303);
}

/** `GET /v1/sessions/confirmation`: the page that shows the code to paste (`--remote`). */
export function confirmation(state: EmulatorState, url: URL): Response {
  const p = url.searchParams;
  const entry = (status: number, error?: string) =>
    state.log({
      method: "GET",
      path: url.pathname,
      operation: "Confirmation",
      status,
      ...(error ? { error } : {}),
    });
  if (p.get("error")) {
    entry(200, p.get("error")!);
    return html(
      errorPage(
        "Access denied",
        "You denied the request, so no code was issued.",
      ),
      200,
    );
  }
  const code = p.get("code");
  const requestState = p.get("state");
  if (!code || !requestState) {
    entry(400, "INVALID_REQUEST");
    return html(
      errorPage(
        "No code to show",
        "This page needs the code and state of a sign-in request.",
      ),
      400,
    );
  }
  entry(200);
  const payload = `state=${encodeURIComponent(requestState)}&code=${
    encodeURIComponent(code)
  }`;
  return html(confirmationPage(utf8(payload).toBase64()));
}
