/**
 * STS `AssumeRoleWithWebIdentity` as the emulator answers it (unsigned: the
 * token is the proof), and the web identity tokens it hands out at
 * `POST /_emulator/web-identity-token` (HS256 JWTs signed with a key only
 * this emulator holds). By default only its own tokens are taken (signature,
 * audience `sts.amazonaws.com`, expiry on the emulator's clock); with
 * `webIdentityTokens: "any"` any well-formed JWT that has not expired is, as
 * for a CI provider's tokens in a demo. Roles are those declared with
 * `--role`; credentials last what was asked (900–43200 s, default 3600) for
 * `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const state = createState({ roles: ["arn:aws:iam::444455556666:role/Admin"] });
 * const { token } = await (await webIdentityToken(state, { subject: "ci" })).json();
 * const params = new URLSearchParams({
 *   RoleArn: "arn:aws:iam::444455556666:role/Admin", RoleSessionName: "ci", WebIdentityToken: token,
 * });
 * typeof await assumeRoleWithWebIdentity(state, params); // "string": the result's XML
 * ```
 * @module
 */

import {
  base64url,
  base64urlText,
  fromBase64url,
  utf8,
} from "../util/encoding.ts";
import { escapeMarkup } from "../util/markup.ts";
import { assumedRoleArn } from "./assume_role.ts";
import { json } from "./responses.ts";
import { type EmulatorState, issueCredentials } from "./state.ts";
import { type StsFailure, userIdOf } from "./sts_action.ts";

/** The issuer of the emulator's tokens (STS answers it as `Provider`). */
export const EMULATOR_ISSUER = "https://oidc.aws-signin-emulator.invalid";

/** The audience STS takes, and that the emulator's tokens carry by default. */
export const STS_AUDIENCE = "sts.amazonaws.com";

const KEY_ID = "aws-signin-emulator";

const hmacKey = (state: EmulatorState) =>
  crypto.subtle.importKey(
    "raw",
    new Uint8Array(state.webIdentityKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );

/**
 * `POST /_emulator/web-identity-token` with `{"subject", "audience",
 * "ttlSeconds"}` (all optional): `{"token", "expiresAt"}`.
 */
export async function webIdentityToken(
  state: EmulatorState,
  body: Record<string, unknown>,
): Promise<Response> {
  const subject = body.subject ?? "system:serviceaccount:default:demo";
  const audience = body.audience ?? STS_AUDIENCE;
  const ttl = Number(body.ttlSeconds ?? 3600);
  if (typeof subject !== "string" || typeof audience !== "string") {
    throw new Error("subject and audience must be strings");
  }
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) {
    throw new Error("ttlSeconds must be a whole number from 1 to 86400");
  }
  const iat = Math.floor(state.now() / 1000);
  const header = base64urlText(
    JSON.stringify({ alg: "HS256", typ: "JWT", kid: KEY_ID }),
  );
  const payload = base64urlText(JSON.stringify({
    iss: EMULATOR_ISSUER,
    sub: subject,
    aud: audience,
    iat,
    exp: iat + ttl,
    jti: state.token(12),
  }));
  const signature = base64url(
    new Uint8Array(
      await crypto.subtle.sign(
        "HMAC",
        await hmacKey(state),
        utf8(`${header}.${payload}`),
      ),
    ),
  );
  return json({
    token: `${header}.${payload}.${signature}`,
    expiresAt: new Date((iat + ttl) * 1000).toISOString(),
  });
}

const invalidToken = (message: string): StsFailure => ({
  code: "InvalidIdentityToken",
  message,
  status: 400,
});

const invalid = (message: string): StsFailure => ({
  code: "ValidationError",
  message,
  status: 400,
});

type Claims = Record<string, unknown>;

function decodePart(part: string): Claims | undefined {
  try {
    const value: unknown = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(fromBase64url(part)),
    );
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Claims
      : undefined;
  } catch {
    return undefined;
  }
}

/** The token's claims, or why STS refuses it. */
async function checkToken(
  state: EmulatorState,
  token: string,
): Promise<{ claims: Claims } | { failure: StsFailure }> {
  const parts = token.split(".");
  const header = parts.length === 3 ? decodePart(parts[0]!) : undefined;
  const claims = parts.length === 3 ? decodePart(parts[1]!) : undefined;
  if (!header || !claims) {
    return {
      failure: invalidToken(
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
      ),
    };
  }
  if (state.webIdentityTokens === "issued") {
    let given: Uint8Array<ArrayBuffer>;
    try {
      given = fromBase64url(parts[2]!);
    } catch {
      given = new Uint8Array();
    }
    const signed = await crypto.subtle.verify(
      "HMAC",
      await hmacKey(state),
      given,
      utf8(`${parts[0]}.${parts[1]}`),
    );
    if (header.kid !== KEY_ID || claims.iss !== EMULATOR_ISSUER || !signed) {
      return {
        failure: invalidToken(
          "Couldn't retrieve verification key from your identity provider, please reference " +
            "AssumeRoleWithWebIdentity documentation for requirements",
        ),
      };
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(STS_AUDIENCE)) {
      return { failure: invalidToken("Incorrect token audience") };
    }
  }
  const nowS = Math.floor(state.now() / 1000);
  if (typeof claims.exp === "number" && claims.exp <= nowS) {
    return {
      failure: {
        code: "ExpiredTokenException",
        message:
          `Token expired: current date/time ${nowS} must be before the expiration date/time ${claims.exp}`,
        status: 400,
      },
    };
  }
  return { claims };
}

/** `AssumeRoleWithWebIdentity` (its parameters from the query body). */
export async function assumeRoleWithWebIdentity(
  state: EmulatorState,
  p: URLSearchParams,
): Promise<string | StsFailure> {
  const roleArn = p.get("RoleArn") ?? "";
  const session = p.get("RoleSessionName") ?? "";
  const token = p.get("WebIdentityToken");
  if (!/^arn:[\w-]+:iam::\d{12}:role\/.+$/.test(roleArn)) {
    return invalid(
      `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must ` +
        "have length greater than or equal to 20",
    );
  }
  if (session.length < 2 || session.length > 64) {
    return invalid(
      `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: ` +
        "Member must have length less than or equal to 64 and greater than or equal to 2",
    );
  }
  if (!/^[\w+=,.@-]+$/.test(session)) {
    return invalid(
      `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: ` +
        "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  }
  if (token === null || token.length < 4) {
    return invalid(
      "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must " +
        "have length greater than or equal to 4",
    );
  }
  const rawDuration = p.get("DurationSeconds");
  const duration = rawDuration === null ? 3600 : Number(rawDuration);
  if (!Number.isInteger(duration) || duration < 900) {
    return invalid(
      `1 validation error detected: Value '${rawDuration}' at 'durationSeconds' failed to satisfy constraint: ` +
        "Member must have value greater than or equal to 900",
    );
  }
  if (duration > 43_200) {
    return invalid(
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  }
  const checked = await checkToken(state, token);
  if ("failure" in checked) return checked.failure;
  const claims = checked.claims;
  if (!state.roles.has(roleArn)) {
    return {
      code: "AccessDenied",
      message: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
      status: 403,
    };
  }
  const principal = assumedRoleArn(roleArn, session);
  const creds = issueCredentials(state, principal, duration * 1000);
  const expiration = new Date(state.now() + duration * 1000).toISOString()
    .replace(/\.\d{3}Z$/, "Z");
  const text = (v: unknown) => escapeMarkup(typeof v === "string" ? v : "");
  const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  return `    <Credentials>
      <AccessKeyId>${creds.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${escapeMarkup(creds.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${escapeMarkup(creds.sessionToken)}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <SubjectFromWebIdentityToken>${
    text(claims.sub)
  }</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <AssumedRoleId>${escapeMarkup(userIdOf(principal))}</AssumedRoleId>
      <Arn>${escapeMarkup(principal)}</Arn>
    </AssumedRoleUser>
    <Provider>${text(claims.iss)}</Provider>
    <Audience>${text(audience)}</Audience>
`;
}
