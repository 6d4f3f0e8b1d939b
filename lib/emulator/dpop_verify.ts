/**
 * Server-side DPoP proof checks, as strict as a client bug deserves: a
 * compact JWS with `typ` `dpop+jwt`, `alg` ES256, a P-256 public `jwk`, a raw
 * r‖s signature that verifies, `htm` POST, `htu` equal to the request URL,
 * `iat` within five minutes, and a `jti` not seen before.
 *
 * @example
 * ```ts
 * declare const proof: string;
 * const result = await verifyDpopProof(proof, {
 *   htu: "http://127.0.0.1:8080/v1/token",
 *   now: Date.now(),
 *   seenJti: () => false,
 * });
 * if (result.ok) result.thumbprint; // RFC 7638, for binding the refresh token
 * else result.reason; // why it was refused
 * ```
 * @module
 */

import { fromBase64url, utf8 } from "../util/encoding.ts";
import { type EcPublicJwk, jwkThumbprint } from "../signin/dpop.ts";

/** The outcome of a check. */
export type DpopVerification =
  | {
    readonly ok: true;
    readonly thumbprint: string;
    readonly jti: string;
    readonly iat: number;
  }
  | {
    readonly ok: false;
    readonly reason: string;
    /** Set when the only thing wrong is an `iat` too far from the server's clock. */
    readonly skewed?: boolean;
  };

/** What the proof must match. */
export interface DpopExpectations {
  /** The URL of this request (scheme, host, port, path; no query). */
  readonly htu: string;
  /** The server's clock, milliseconds since the epoch. */
  readonly now: number;
  /** Whether a `jti` was already used. */
  readonly seenJti: (jti: string) => boolean;
  /** Allowed clock difference in seconds (default 300). */
  readonly maxSkewSeconds?: number;
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(fromBase64url(segment)),
    );
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

function normalizeUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return undefined;
  }
}

/** Checks a DPoP proof for a `POST` to `expect.htu`. */
export async function verifyDpopProof(
  proof: string | null,
  expect: DpopExpectations,
): Promise<DpopVerification> {
  const fail = (reason: string): DpopVerification => ({ ok: false, reason });
  if (!proof) return fail("the DPoP header is missing");
  const parts = proof.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) {
    return fail("the DPoP proof is not a compact JWS");
  }
  const header = decodeJson(parts[0]!);
  const payload = decodeJson(parts[1]!);
  if (!header || !payload) {
    return fail("the DPoP proof's header or payload is not JSON");
  }
  if (header.typ !== "dpop+jwt") {
    return fail('the DPoP proof\'s "typ" is not "dpop+jwt"');
  }
  if (header.alg !== "ES256") {
    return fail('the DPoP proof\'s "alg" is not "ES256"');
  }
  const jwk = header.jwk as Record<string, unknown> | undefined;
  if (
    !jwk || typeof jwk !== "object" || jwk.kty !== "EC" ||
    jwk.crv !== "P-256" ||
    typeof jwk.x !== "string" || typeof jwk.y !== "string"
  ) {
    return fail('the DPoP proof\'s "jwk" is not a P-256 public key');
  }
  if ("d" in jwk) return fail('the DPoP proof\'s "jwk" contains a private key');
  let x: Uint8Array, y: Uint8Array, sig: Uint8Array;
  try {
    x = fromBase64url(jwk.x);
    y = fromBase64url(jwk.y);
    sig = fromBase64url(parts[2]!);
  } catch {
    return fail("the DPoP proof has invalid base64url");
  }
  if (x.length !== 32 || y.length !== 32) {
    return fail('the DPoP proof\'s "jwk" coordinates are not 32 bytes');
  }
  if (sig.length !== 64) {
    return fail("the DPoP signature is not a 64-byte raw r||s value");
  }
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      "jwk",
      { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y },
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
  } catch {
    return fail('the DPoP proof\'s "jwk" is not a point on P-256');
  }
  const valid = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    sig as Uint8Array<ArrayBuffer>,
    utf8(`${parts[0]}.${parts[1]}`),
  );
  if (!valid) return fail("the DPoP signature does not verify");
  if (payload.htm !== "POST") {
    return fail('the DPoP proof\'s "htm" is not "POST"');
  }
  if (
    typeof payload.htu !== "string" ||
    normalizeUrl(payload.htu) !== normalizeUrl(expect.htu)
  ) {
    return fail(`the DPoP proof's "htu" is not ${expect.htu}`);
  }
  const iat = payload.iat;
  if (typeof iat !== "number" || !Number.isInteger(iat)) {
    return fail('the DPoP proof\'s "iat" is not an integer');
  }
  const skew = expect.maxSkewSeconds ?? 300;
  if (Math.abs(iat - expect.now / 1000) > skew) {
    return {
      ok: false,
      reason:
        `the DPoP proof's "iat" is more than ${skew} seconds from the server's clock`,
      skewed: true,
    };
  }
  const jti = payload.jti;
  if (typeof jti !== "string" || jti === "") {
    return fail('the DPoP proof\'s "jti" is missing');
  }
  if (expect.seenJti(jti)) {
    return fail('the DPoP proof\'s "jti" was already used');
  }
  const thumbprint = await jwkThumbprint(
    { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y } as EcPublicJwk,
  );
  return { ok: true, thumbprint, jti, iat };
}
