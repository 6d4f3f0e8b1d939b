/**
 * A local emulator of AWS Sign-In (`/v1/authorize`, the console-session
 * picker, `/v1/sessions/confirmation`, `CreateOAuth2Token`) and of STS
 * `GetCallerIdentity`, as a pure `(Request) => Promise<Response>` handler with
 * the clock and randomness injected. It is strict where AWS is strict, so a
 * client bug fails here the way it would fail against AWS.
 *
 * A control API under `/_emulator/` lets tests read the request log, inject
 * faults, move the clock and revoke sessions.
 *
 * @example
 * ```ts
 * const emulator = createEmulator({ autoApprove: true });
 * const response = await emulator.handle(new Request("http://127.0.0.1:8080/v1/token", { method: "POST", ... }));
 * ```
 * @module
 */

import {
  base64url,
  base64urlText,
  type RandomSource,
  randomString,
  secureRandom,
  sha256,
  utf8,
  uuidV4,
} from "../util/encoding.ts";
import { isValidVerifier } from "../signin/pkce.ts";
import {
  canonicalRequest,
  parseAuthorization,
  signature,
} from "../sigv4/sign.ts";
import { verifyDpopProof } from "./dpop_verify.ts";
import { confirmationPage, errorPage, pickerPage } from "./pages.ts";

/** The principal the emulator signs in when none is given. */
export const DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:user/demo";

/** The two OAuth clients of the AWS CLI. */
export const SAME_DEVICE_CLIENT = "arn:aws:signin:::devtools/same-device";
/** The cross-device (`--remote`) client. */
export const CROSS_DEVICE_CLIENT = "arn:aws:signin:::devtools/cross-device";

/** How the emulator behaves. */
export interface EmulatorOptions {
  /** The region it signs STS requests for (default `us-east-1`). */
  readonly region?: string;
  /** IAM identities whose console sessions it grants (default {@linkcode DEFAULT_PRINCIPAL}). */
  readonly principals?: readonly string[];
  /** Skip the picker page: `/v1/authorize` redirects at once, for the first principal. */
  readonly autoApprove?: boolean;
  /** Lifetime of issued credentials in seconds (1–900, default 900). */
  readonly accessTtl?: number;
  /** How long refreshes keep working after the login, in seconds (default 43200). */
  readonly sessionTtl?: number;
  /** Lifetime of an authorization code in seconds (default 300). */
  readonly codeTtl?: number;
  /** Milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  readonly random?: RandomSource;
  /** Called with every request log entry (the command appends them to `--request-log`). */
  readonly onRequestLog?: (entry: RequestLogEntry) => void;
}

/** One line of the request log. Never contains a secret, token or code. */
export interface RequestLogEntry {
  /** The emulator's clock, ISO 8601. */
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** `Authorize`, `AuthorizeDecision`, `Confirmation`, `CreateOAuth2Token`, `GetCallerIdentity` or `Control`. */
  readonly operation: string;
  /** For `CreateOAuth2Token`: `authorization_code` or `refresh_token`. */
  readonly grantType?: string;
  readonly clientId?: string;
  readonly status: number;
  /** The error code, when the answer was an error. */
  readonly error?: string;
}

/** A running emulator's handler and test hooks. */
export interface Emulator {
  handle(request: Request): Promise<Response>;
  /** Every request so far. */
  readonly requests: readonly RequestLogEntry[];
  /** Moves the emulator's clock forward. */
  advanceClock(seconds: number): void;
  /** The emulator's clock (milliseconds since the epoch). */
  now(): number;
}

interface Fault {
  readonly operation: "CreateOAuth2Token" | "GetCallerIdentity";
  remaining: number;
  readonly error?: string;
  readonly status?: number;
  readonly message?: string;
  readonly delayMs?: number;
}

interface PendingAuthorization {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly challenge: string;
  readonly createdAt: number;
}

interface AuthCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly principal: string;
  readonly issuedAt: number;
  used: boolean;
}

interface Session {
  readonly principal: string;
  readonly clientId: string;
  readonly thumbprint: string;
  readonly createdAt: number;
  revoked: boolean;
}

interface TokenResult {
  readonly body: Record<string, unknown>;
}

interface RefreshRecord {
  readonly sessionId: string;
  rotatedAt?: number;
  result?: TokenResult;
}

interface AccessKey {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAt: number;
  readonly principal: string;
}

const OAUTH_ERRORS: Record<string, { shape: string; status: number }> = {
  TOKEN_EXPIRED: { shape: "AccessDeniedException", status: 401 },
  AUTHCODE_EXPIRED: { shape: "AccessDeniedException", status: 401 },
  USER_CREDENTIALS_CHANGED: { shape: "AccessDeniedException", status: 403 },
  INSUFFICIENT_PERMISSIONS: { shape: "AccessDeniedException", status: 403 },
  INVALID_REQUEST: { shape: "ValidationException", status: 400 },
  RESOURCE_NOT_FOUND: { shape: "ResourceNotFoundException", status: 404 },
  CONFLICT: { shape: "ConflictException", status: 409 },
  SERVICE_QUOTA_EXCEEDED: {
    shape: "ServiceQuotaExceededException",
    status: 402,
  },
  server_error: { shape: "InternalServerException", status: 500 },
};

const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
const IDEMPOTENCY_WINDOW_MS = 60_000;
const SIGNATURE_WINDOW_MS = 15 * 60_000;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A stable, AWS-looking unique id for a principal (`AIDA…` for users, `AROA…:session` for roles). */
export function userIdOf(principal: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let seed = fnv1a(principal);
  let id = "";
  for (let i = 0; i < 17; i++) {
    seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0;
    id += alphabet[seed % 32];
  }
  const resource = principal.split(":").slice(5).join(":");
  if (resource.startsWith("assumed-role/")) {
    return `AROA${id}:${resource.split("/").slice(2).join("/")}`;
  }
  return `AIDA${id}`;
}

function xmlEscape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      ({
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&apos;",
      })[c]!,
  );
}

function html(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; " +
        "form-action 'self' http://127.0.0.1:*; base-uri 'none'; frame-ancestors 'none'",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
  });
}

function json(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      ...headers,
    },
  });
}

function redirect(location: string, status = 302): Response {
  return new Response(null, {
    status,
    headers: { location, "cache-control": "no-store" },
  });
}

function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Creates an emulator. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const region = options.region ?? "us-east-1";
  const principals = options.principals && options.principals.length > 0
    ? options.principals
    : [DEFAULT_PRINCIPAL];
  const accessTtl = Math.min(options.accessTtl ?? 900, 900);
  const sessionTtl = options.sessionTtl ?? 43_200;
  const codeTtl = options.codeTtl ?? 300;
  const wallClock = options.now ?? Date.now;
  const random = options.random ?? secureRandom;
  let offsetMs = 0;
  const now = () => wallClock() + offsetMs;

  const requests: RequestLogEntry[] = [];
  const faults: Fault[] = [];
  const pending = new Map<string, PendingAuthorization>();
  const codes = new Map<string, AuthCode>();
  const sessions = new Map<string, Session>();
  const refreshTokens = new Map<string, RefreshRecord>();
  const accessKeys = new Map<string, AccessKey>();
  const seenJti = new Map<string, number>();
  let idTokenKey: Promise<CryptoKeyPair> | undefined;

  const log = (entry: Omit<RequestLogEntry, "time">) => {
    const full: RequestLogEntry = {
      time: new Date(now()).toISOString(),
      ...entry,
    };
    requests.push(full);
    options.onRequestLog?.(full);
  };

  const token = (bytes: number) => base64url(random(bytes));

  function takeFault(operation: Fault["operation"]): Fault | undefined {
    const fault = faults.find((f) =>
      f.operation === operation && f.remaining > 0
    );
    if (fault) fault.remaining--;
    return fault;
  }

  function oauthError(
    code: string,
    message: string,
    statusOverride?: number,
  ): Response {
    const known = OAUTH_ERRORS[code];
    const shape = code === "TooManyRequestsError"
      ? "TooManyRequestsError"
      : known?.shape ?? "ValidationException";
    const status = statusOverride ??
      (code === "TooManyRequestsError" ? 429 : known?.status ?? 400);
    const error = code === "TooManyRequestsError" ? "server_error" : code;
    return json({ error, message }, status, {
      "x-amzn-errortype":
        `${shape}:http://internal.amazon.com/coral/com.amazon.signin/`,
      "x-amzn-requestid": uuidV4(random),
    });
  }

  function stsError(code: string, message: string, status: number): Response {
    const type = status >= 500 ? "Receiver" : "Sender";
    const requestId = uuidV4(random);
    const body =
      `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${
        xmlEscape(code)
      }</Code>\n    <Message>${
        xmlEscape(message)
      }</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`;
    return new Response(body, {
      status,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    });
  }

  async function issueCredentials(
    principal: string,
  ): Promise<Record<string, unknown>> {
    const accessKeyId = `ASIA${
      randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", random)
    }`;
    const secretAccessKey = randomString(
      40,
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
      random,
    );
    const sessionToken = `IQoJb3JpZ2luX2VjE${random(240).toBase64()}`;
    accessKeys.set(accessKeyId, {
      secretAccessKey,
      sessionToken,
      expiresAt: now() + accessTtl * 1000,
      principal,
    });
    return await Promise.resolve({
      accessKeyId,
      secretAccessKey,
      sessionToken,
    });
  }

  async function idToken(principal: string, clientId: string): Promise<string> {
    idTokenKey ??= crypto.subtle.generateKey(
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["sign"],
    ) as Promise<
      CryptoKeyPair
    >;
    const key = await idTokenKey;
    const iat = Math.floor(now() / 1000);
    const header = { kid: uuidV4(random), typ: "JWT", alg: "ES256" };
    const claims = {
      sub: principal,
      aud: clientId.replace(":::devtools/", ":::cli/"),
      iss: "https://signin.aws.amazon.com/signin",
      session_arn: principal,
      exp: iat + accessTtl,
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

  function authorize(url: URL): Response {
    const p = url.searchParams;
    const bad = (detail: string) => {
      log({
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
    const state = p.get("state") ?? "";
    if (state === "" || state.length > 256) {
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
      state,
      challenge,
      createdAt: now(),
    };
    if (options.autoApprove) {
      log({
        method: "GET",
        path: url.pathname,
        operation: "Authorize",
        clientId,
        status: 302,
      });
      return redirect(approve(request, principals[0]!));
    }
    const requestId = token(18);
    pending.set(requestId, request);
    log({
      method: "GET",
      path: url.pathname,
      operation: "Authorize",
      clientId,
      status: 200,
    });
    return html(
      pickerPage({
        requestId,
        principals,
        clientId,
        redirectHost: new URL(redirectUri).host,
      }),
    );
  }

  function approve(request: PendingAuthorization, principal: string): string {
    const code = token(32);
    codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      challenge: request.challenge,
      principal,
      issuedAt: now(),
      used: false,
    });
    return withQuery(request.redirectUri, { code, state: request.state });
  }

  async function decision(req: Request, url: URL): Promise<Response> {
    const entry = (
      status: number,
      extra: { clientId?: string; error?: string },
    ) =>
      log({
        method: "POST",
        path: url.pathname,
        operation: "AuthorizeDecision",
        status,
        ...extra,
      });
    const form = await req.formData().catch(() => undefined);
    const requestId = String(form?.get("request") ?? "");
    const request = pending.get(requestId);
    if (!request || now() - request.createdAt > codeTtl * 1000) {
      entry(400, { error: "INVALID_REQUEST" });
      return html(
        errorPage(
          "This sign-in request has expired",
          "The page was open too long or was already used.",
        ),
        400,
      );
    }
    pending.delete(requestId);
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
    const principal = String(form.get("principal") ?? principals[0]);
    if (!principals.includes(principal)) {
      entry(400, { error: "INVALID_REQUEST" });
      return html(
        errorPage("Unknown session", "Choose one of the sessions on the page."),
        400,
      );
    }
    entry(303, { clientId: request.clientId });
    return redirect(approve(request, principal), 303);
  }

  function confirmation(url: URL): Response {
    const p = url.searchParams;
    const entry = (status: number, error?: string) =>
      log({
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
    const state = p.get("state");
    if (!code || !state) {
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
    const payload = `state=${encodeURIComponent(state)}&code=${
      encodeURIComponent(code)
    }`;
    return html(confirmationPage(utf8(payload).toBase64()));
  }

  async function createToken(req: Request, url: URL): Promise<Response> {
    const seen: {
      grantType?: string | undefined;
      clientId?: string | undefined;
    } = {};
    const finish = (response: Response, error?: string) => {
      log({
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
    const fail = (code: string, message: string) =>
      finish(oauthError(code, message), code);

    const fault = takeFault("CreateOAuth2Token");
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.error) {
      return finish(
        oauthError(
          fault.error,
          fault.message ?? `Injected ${fault.error}.`,
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
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = await req.json();
      if (
        parsed === null || typeof parsed !== "object" || Array.isArray(parsed)
      ) throw new Error();
      body = parsed as Record<string, unknown>;
    } catch {
      return fail("INVALID_REQUEST", "The request body is not a JSON object.");
    }
    const str = (
      k: string,
    ) => (typeof body[k] === "string" ? body[k] as string : undefined);
    const grantType = seen.grantType = str("grantType");
    const clientId = seen.clientId = str("clientId");
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
      now: now(),
      seenJti: (jti) => (seenJti.get(jti) ?? 0) > now(),
    });
    if (!proof.ok) {
      return fail("INVALID_REQUEST", `Invalid DPoP proof: ${proof.reason}.`);
    }
    seenJti.set(proof.jti, now() + 10 * 60_000);

    if (grantType === "authorization_code") {
      const code = str("code");
      const verifier = str("codeVerifier");
      const redirectUri = str("redirectUri");
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
      const record = codes.get(code);
      if (!record) {
        return fail("INVALID_REQUEST", "The authorization code is not valid.");
      }
      if (record.used) {
        return fail(
          "AUTHCODE_EXPIRED",
          "The authorization code has already been used.",
        );
      }
      if (now() - record.issuedAt > codeTtl * 1000) {
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
      const sessionId = token(16);
      sessions.set(sessionId, {
        principal: record.principal,
        clientId,
        thumbprint: proof.thumbprint,
        createdAt: now(),
        revoked: false,
      });
      const refreshToken = token(64);
      refreshTokens.set(refreshToken, { sessionId });
      return finish(json({
        accessToken: await issueCredentials(record.principal),
        tokenType: "aws_sigv4",
        expiresIn: accessTtl,
        refreshToken,
        idToken: await idToken(record.principal, clientId),
      }));
    }

    const presented = str("refreshToken");
    if (!presented || presented.length > 2048) {
      return fail("INVALID_REQUEST", "refreshToken is missing.");
    }
    const record = refreshTokens.get(presented);
    const session = record ? sessions.get(record.sessionId) : undefined;
    if (!record || !session) {
      return fail("TOKEN_EXPIRED", "The refresh token is not valid.");
    }
    if (session.revoked) {
      return fail(
        "TOKEN_EXPIRED",
        "The session has been revoked. Sign in again.",
      );
    }
    if (now() - session.createdAt >= sessionTtl * 1000) {
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
      if (now() - record.rotatedAt <= IDEMPOTENCY_WINDOW_MS && record.result) {
        return finish(json(record.result.body));
      }
      return fail("TOKEN_EXPIRED", "The refresh token has already been used.");
    }
    const next = token(64);
    refreshTokens.set(next, { sessionId: record.sessionId });
    const result: TokenResult = {
      body: {
        accessToken: await issueCredentials(session.principal),
        tokenType: "aws_sigv4",
        expiresIn: accessTtl,
        refreshToken: next,
      },
    };
    record.rotatedAt = now();
    record.result = result;
    return finish(json(result.body));
  }

  async function sts(req: Request, url: URL): Promise<Response> {
    const finish = (response: Response, error?: string) => {
      log({
        method: req.method,
        path: url.pathname,
        operation: "GetCallerIdentity",
        status: response.status,
        ...(error ? { error } : {}),
      });
      return response;
    };
    const fail = (code: string, message: string, status = 403) =>
      finish(stsError(code, message, status), code);
    const fault = takeFault("GetCallerIdentity");
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.error) {
      return fail(
        fault.error,
        fault.message ?? `Injected ${fault.error}.`,
        fault.status ?? 400,
      );
    }
    const body = await req.text();
    const form = new URLSearchParams(body);
    const action = form.get("Action");
    if (
      action !== "GetCallerIdentity" || form.get("Version") !== "2011-06-15"
    ) {
      return fail(
        "InvalidAction",
        `Could not find operation ${action ?? "(none)"} for version ${
          form.get("Version") ?? "(none)"
        }`,
        400,
      );
    }
    const header = req.headers.get("authorization");
    if (!header) {
      return fail(
        "MissingAuthenticationToken",
        "Request is missing Authentication Token",
      );
    }
    const auth = parseAuthorization(header);
    if (!auth) {
      return fail(
        "IncompleteSignature",
        "The request signature is not a valid AWS4-HMAC-SHA256 signature.",
      );
    }
    if (auth.service !== "sts") {
      return fail(
        "SignatureDoesNotMatch",
        `Credential should be scoped to correct service: 'sts'.`,
      );
    }
    if (auth.region !== region) {
      return fail(
        "SignatureDoesNotMatch",
        `Credential should be scoped to a valid region, not '${auth.region}'.`,
      );
    }
    const key = accessKeys.get(auth.accessKeyId);
    if (!key) {
      return fail(
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
      );
    }
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    headers["host"] ??= url.host;
    if (
      !auth.signedHeaders.includes("host") ||
      !auth.signedHeaders.includes("x-amz-date")
    ) {
      return fail(
        "SignatureDoesNotMatch",
        "The host and x-amz-date headers must be signed.",
      );
    }
    if (headers["x-amz-security-token"] !== key.sessionToken) {
      return fail(
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
      );
    }
    const date = headers["x-amz-date"] ?? "";
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    const signedAt = m
      ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
      : NaN;
    if (!m || date.slice(0, 8) !== auth.day) {
      return fail(
        "SignatureDoesNotMatch",
        "The x-amz-date header does not match the credential scope.",
      );
    }
    if (Math.abs(now() - signedAt) > SIGNATURE_WINDOW_MS) {
      const nowStamp = new Date(now()).toISOString().replace(
        /[-:]|\.\d{3}/g,
        "",
      );
      return fail(
        "SignatureDoesNotMatch",
        `Signature expired: ${date} is now earlier than ${nowStamp} (15 min. skew).`,
      );
    }
    if (now() >= key.expiresAt) {
      return fail(
        "ExpiredToken",
        "The security token included in the request is expired",
      );
    }
    const canonical = await canonicalRequest(
      req.method,
      url,
      headers,
      auth.signedHeaders,
      body,
    );
    const expected = await signature(
      key.secretAccessKey,
      date,
      auth.region,
      auth.service,
      canonical,
    );
    if (expected !== auth.signature) {
      return fail(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. " +
          "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      );
    }
    const account = key.principal.split(":")[4] ?? "";
    const requestId = uuidV4(random);
    const xml = `<GetCallerIdentityResponse xmlns="${STS_NS}">
  <GetCallerIdentityResult>
    <Arn>${xmlEscape(key.principal)}</Arn>
    <UserId>${xmlEscape(userIdOf(key.principal))}</UserId>
    <Account>${xmlEscape(account)}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`;
    return finish(
      new Response(xml, {
        headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
      }),
    );
  }

  async function control(req: Request, url: URL): Promise<Response> {
    const done = (response: Response) => {
      log({
        method: req.method,
        path: url.pathname,
        operation: "Control",
        status: response.status,
      });
      return response;
    };
    const input = async (): Promise<Record<string, unknown>> => {
      const text = await req.text();
      if (text.trim() === "") return {};
      const parsed: unknown = JSON.parse(text);
      if (
        parsed === null || typeof parsed !== "object" || Array.isArray(parsed)
      ) throw new Error("not an object");
      return parsed as Record<string, unknown>;
    };
    try {
      if (url.pathname === "/_emulator/requests" && req.method === "GET") {
        return json([...requests]);
      }
      if (url.pathname === "/_emulator/clock" && req.method === "POST") {
        const body = await input();
        const seconds = Number(body.advanceSeconds ?? 0);
        if (!Number.isFinite(seconds) || seconds < 0) {
          throw new Error("advanceSeconds must be a number >= 0");
        }
        offsetMs += seconds * 1000;
        return done(json({ now: new Date(now()).toISOString() }));
      }
      if (url.pathname === "/_emulator/faults" && req.method === "POST") {
        const body = await input();
        const operation = body.operation ?? "CreateOAuth2Token";
        if (
          operation !== "CreateOAuth2Token" && operation !== "GetCallerIdentity"
        ) {
          throw new Error(
            'operation must be "CreateOAuth2Token" or "GetCallerIdentity"',
          );
        }
        const fault: Fault = {
          operation,
          remaining: Number(body.count ?? 1),
          ...(typeof body.error === "string" ? { error: body.error } : {}),
          ...(typeof body.status === "number" ? { status: body.status } : {}),
          ...(typeof body.message === "string"
            ? { message: body.message }
            : {}),
          ...(typeof body.delayMs === "number"
            ? { delayMs: body.delayMs }
            : {}),
        };
        if (!fault.error && !fault.delayMs) {
          throw new Error("a fault needs an error, a delayMs, or both");
        }
        faults.push(fault);
        return done(
          json({ queued: faults.filter((f) => f.remaining > 0).length }),
        );
      }
      if (url.pathname === "/_emulator/revoke" && req.method === "POST") {
        const body = await input();
        let revoked = 0;
        for (const session of sessions.values()) {
          if (
            !session.revoked &&
            (body.principal === undefined ||
              body.principal === session.principal)
          ) {
            session.revoked = true;
            revoked++;
          }
        }
        return done(json({ revoked }));
      }
      return done(
        json(
          { message: `No control endpoint ${req.method} ${url.pathname}.` },
          404,
        ),
      );
    } catch (error) {
      return done(
        json(
          { message: `Bad control request: ${(error as Error).message}.` },
          400,
        ),
      );
    }
  }

  async function handle(req: Request): Promise<Response> {
    const response = await route(req);
    // The emulator's own clock (it can be moved forward), as clients see it in Date.
    response.headers.set("date", new Date(now()).toUTCString());
    return response;
  }

  async function route(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const host = req.headers.get("host");
    if (host) url.host = host;
    if (url.pathname.startsWith("/_emulator/")) return await control(req, url);
    if (url.pathname === "/v1/authorize" && req.method === "GET") {
      return authorize(url);
    }
    if (url.pathname === "/v1/authorize/decision" && req.method === "POST") {
      return await decision(req, url);
    }
    if (url.pathname === "/v1/sessions/confirmation" && req.method === "GET") {
      return confirmation(url);
    }
    if (url.pathname === "/v1/token" && req.method === "POST") {
      return await createToken(req, url);
    }
    if (url.pathname === "/" && req.method === "POST") {
      return await sts(req, url);
    }
    log({
      method: req.method,
      path: url.pathname,
      operation: "Unknown",
      status: 404,
    });
    return json({ message: `Not found: ${req.method} ${url.pathname}` }, 404);
  }

  return {
    handle,
    get requests() {
      return requests;
    },
    advanceClock(seconds: number) {
      offsetMs += seconds * 1000;
    },
    now,
  };
}
