/**
 * `POST /v1/token` (`CreateOAuth2Token`): the JSON body and DPoP proof are
 * checked for every grant, then one function per grant type: redeeming an
 * authorization code (PKCE, one use, expiry, client and redirect URI) and a
 * refresh (rotation, bound to the session's DPoP key, idempotent for a
 * minute, ended by the session's lifetime or a revocation).
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const state = createState();
 * const url = new URL("http://127.0.0.1:8099/v1/token");
 * const response = await createToken(state, new Request(url, { method: "POST", body: "x" }), url);
 * response.status; // 400: not JSON
 * ```
 * @module
 */

import {
  base64url,
  base64urlText,
  sha256,
  utf8,
  uuidV4,
} from "../util/encoding.ts";
import { isValidVerifier } from "../signin/pkce.ts";
import { type DpopVerification, verifyDpopProof } from "./dpop_verify.ts";
import { json, oauthError } from "./responses.ts";
import { type EmulatorState, faultDelay, issueCredentials } from "./state.ts";

const IDEMPOTENCY_WINDOW_MS = 60_000;

type Body = Record<string, unknown>;
type Fail = (code: string, message: string) => Response;
type Proof = Extract<DpopVerification, { ok: true }>;

async function idToken(
  state: EmulatorState,
  principal: string,
  clientId: string,
): Promise<string> {
  const key = await state.idTokenKey();
  const iat = Math.floor(state.now() / 1000);
  const header = { kid: uuidV4(state.random), typ: "JWT", alg: "ES256" };
  const claims = {
    sub: principal,
    aud: clientId.replace(":::devtools/", ":::cli/"),
    iss: "https://signin.aws.amazon.com/signin",
    session_arn: principal,
    exp: iat + state.accessTtl,
    iat,
  };
  // AWS's tokens escape "/" as "\/"; clients must use a real JSON parser.
  const input = `${base64urlText(JSON.stringify(header))}.${
    base64urlText(JSON.stringify(claims).replaceAll("/", "\\/"))
  }`;
  const sig = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key.privateKey,
    utf8(input),
  );
  return `${input}.${base64url(new Uint8Array(sig))}`;
}

function str(body: Body, key: string): string | undefined {
  return typeof body[key] === "string" ? body[key] as string : undefined;
}

/** The `authorization_code` grant. */
async function authorizationCodeGrant(
  state: EmulatorState,
  body: Body,
  clientId: string,
  proof: Proof,
  fail: Fail,
): Promise<Response> {
  const code = str(body, "code");
  const verifier = str(body, "codeVerifier");
  const redirectUri = str(body, "redirectUri");
  if (!code || code.length > 512) {
    return fail("INVALID_REQUEST", "code is missing.");
  }
  if (!verifier || !isValidVerifier(verifier)) {
    return fail(
      "INVALID_REQUEST",
      "codeVerifier must be 43 to 128 characters of [A-Za-z0-9-._~].",
    );
  }
  if (!redirectUri || redirectUri.length > 2048) {
    return fail("INVALID_REQUEST", "redirectUri is missing.");
  }
  const record = state.codes.get(code);
  if (!record) {
    return fail("INVALID_REQUEST", "The authorization code is not valid.");
  }
  if (record.used) {
    return fail(
      "AUTHCODE_EXPIRED",
      "The authorization code has already been used.",
    );
  }
  if (state.now() - record.issuedAt > state.codeTtl * 1000) {
    return fail("AUTHCODE_EXPIRED", "The authorization code has expired.");
  }
  if (record.clientId !== clientId) {
    return fail(
      "INVALID_REQUEST",
      "The authorization code was issued to another client.",
    );
  }
  if (record.redirectUri !== redirectUri) {
    return fail(
      "INVALID_REQUEST",
      "redirectUri does not match the authorization request.",
    );
  }
  if (base64url(await sha256(verifier)) !== record.challenge) {
    return fail(
      "INVALID_REQUEST",
      "codeVerifier does not match the code challenge.",
    );
  }
  record.used = true;
  const sessionId = state.token(16);
  state.sessions.set(sessionId, {
    principal: record.principal,
    clientId,
    thumbprint: proof.thumbprint,
    createdAt: state.now(),
    revoked: false,
  });
  const refreshToken = state.token(64);
  state.refreshTokens.set(refreshToken, { sessionId });
  return json({
    accessToken: issueCredentials(state, record.principal),
    tokenType: "aws_sigv4",
    expiresIn: state.accessTtl,
    refreshToken,
    idToken: await idToken(state, record.principal, clientId),
  });
}

/** The `refresh_token` grant. */
function refreshTokenGrant(
  state: EmulatorState,
  body: Body,
  clientId: string,
  proof: Proof,
  fail: Fail,
): Response {
  const presented = str(body, "refreshToken");
  if (!presented || presented.length > 2048) {
    return fail("INVALID_REQUEST", "refreshToken is missing.");
  }
  const record = state.refreshTokens.get(presented);
  const session = record ? state.sessions.get(record.sessionId) : undefined;
  if (!record || !session) {
    return fail("TOKEN_EXPIRED", "The refresh token is not valid.");
  }
  if (session.revoked) {
    return fail(
      "TOKEN_EXPIRED",
      "The session has been revoked. Sign in again.",
    );
  }
  if (state.now() - session.createdAt >= state.sessionTtl * 1000) {
    return fail("TOKEN_EXPIRED", "The refresh token has expired.");
  }
  if (session.clientId !== clientId) {
    return fail(
      "INVALID_REQUEST",
      "The refresh token was issued to another client.",
    );
  }
  if (session.thumbprint !== proof.thumbprint) {
    return fail(
      "INVALID_REQUEST",
      "The DPoP key does not match the key the refresh token is bound to.",
    );
  }
  if (record.rotatedAt !== undefined) {
    if (
      state.now() - record.rotatedAt <= IDEMPOTENCY_WINDOW_MS && record.result
    ) {
      return json(record.result);
    }
    return fail("TOKEN_EXPIRED", "The refresh token has already been used.");
  }
  const next = state.token(64);
  state.refreshTokens.set(next, { sessionId: record.sessionId });
  const result = {
    accessToken: issueCredentials(state, session.principal),
    tokenType: "aws_sigv4",
    expiresIn: state.accessTtl,
    refreshToken: next,
  };
  record.rotatedAt = state.now();
  record.result = result;
  return json(result);
}

/** `POST /v1/token`. */
export async function createToken(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  const seen: {
    grantType?: string | undefined;
    clientId?: string | undefined;
  } = {};
  const finish = (response: Response, error?: string) => {
    state.log({
      method: "POST",
      path: url.pathname,
      operation: "CreateOAuth2Token",
      ...(seen.grantType ? { grantType: seen.grantType } : {}),
      ...(seen.clientId ? { clientId: seen.clientId } : {}),
      status: response.status,
      ...(error ? { error } : {}),
    });
    return response;
  };
  const requestId = () => uuidV4(state.random);
  const fail: Fail = (code, message) =>
    finish(oauthError(code, message, requestId()), code);

  const fault = state.takeFault("CreateOAuth2Token");
  await faultDelay(fault);
  if (fault?.error) {
    return finish(
      oauthError(
        fault.error,
        fault.message ?? `Injected ${fault.error}.`,
        requestId(),
        fault.status,
      ),
      fault.error,
    );
  }
  if (
    !(req.headers.get("content-type") ?? "").toLowerCase().startsWith(
      "application/json",
    )
  ) {
    return fail(
      "INVALID_REQUEST",
      "The request body must be JSON (Content-Type: application/json).",
    );
  }
  let body: Body;
  try {
    const parsed: unknown = await req.json();
    if (
      parsed === null || typeof parsed !== "object" || Array.isArray(parsed)
    ) throw new Error();
    body = parsed as Body;
  } catch {
    return fail("INVALID_REQUEST", "The request body is not a JSON object.");
  }
  const grantType = seen.grantType = str(body, "grantType");
  const clientId = seen.clientId = str(body, "clientId");
  if (
    !clientId ||
    !/^arn:aws:signin:::devtools\/(cross-device|same-device)$/.test(clientId)
  ) {
    return fail(
      "INVALID_REQUEST",
      "clientId is missing or not a known client.",
    );
  }
  if (grantType !== "authorization_code" && grantType !== "refresh_token") {
    return fail(
      "INVALID_REQUEST",
      'grantType must be "authorization_code" or "refresh_token".',
    );
  }
  const proof = await verifyDpopProof(req.headers.get("dpop"), {
    htu: `${url.origin}${url.pathname}`,
    now: state.now(),
    seenJti: (jti) => (state.seenJti.get(jti) ?? 0) > state.now(),
  });
  if (!proof.ok) {
    // A proof from a skewed clock: as Sign-In answered it in aws/aws-cli#10330, when asked to.
    if (proof.skewed && state.skewAnswer === "token-expired") {
      return fail("TOKEN_EXPIRED", "The refresh token has expired.");
    }
    return fail("INVALID_REQUEST", `Invalid DPoP proof: ${proof.reason}.`);
  }
  state.seenJti.set(proof.jti, state.now() + 10 * 60_000);
  const response = grantType === "authorization_code"
    ? await authorizationCodeGrant(state, body, clientId, proof, fail)
    : refreshTokenGrant(state, body, clientId, proof, fail);
  // Errors were logged by `fail`; successes are logged here.
  return response.ok ? finish(response) : response;
}
