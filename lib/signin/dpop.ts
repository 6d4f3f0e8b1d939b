/**
 * DPoP (RFC 9449) as AWS Sign-In uses it (protocol.md §5 and §7): one P-256
 * key per login, stored in the login cache as a SEC1 `EC PRIVATE KEY` PEM, and
 * a compact ES256 JWS on every `CreateOAuth2Token` call.
 *
 * @example
 * ```ts
 * const key = await generateDpopKey();
 * const pem = toSec1Pem(key.jwk);               // for the cache
 * const proof = await dpopProof(key, "https://us-east-1.signin.aws.amazon.com/v1/token");
 * ```
 * @module
 */

import {
  base64url,
  base64urlText,
  fromBase64url,
  type RandomSource,
  secureRandom,
  sha256,
  utf8,
  uuidV4,
} from "../util/encoding.ts";

/** The public half of a P-256 key as a JWK. */
export interface EcPublicJwk {
  readonly kty: "EC";
  readonly crv: "P-256";
  readonly x: string;
  readonly y: string;
}

/** A private P-256 JWK. */
export interface EcPrivateJwk extends EcPublicJwk {
  readonly d: string;
}

/** A DPoP key ready to sign. */
export interface DpopKey {
  readonly jwk: EcPrivateJwk;
  readonly privateKey: CryptoKey;
}

/** A PEM that is not a P-256 private key in SEC1 or PKCS#8 form. */
export class InvalidDpopKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidDpopKeyError";
  }
}

async function importPrivate(jwk: EcPrivateJwk): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "jwk",
    { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, d: jwk.d },
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
}

/** Generates a fresh P-256 key. */
export async function generateDpopKey(): Promise<DpopKey> {
  const pair = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    ["sign", "verify"],
  );
  const exported = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const jwk: EcPrivateJwk = {
    kty: "EC",
    crv: "P-256",
    x: exported.x!,
    y: exported.y!,
    d: exported.d!,
  };
  return { jwk, privateKey: await importPrivate(jwk) };
}

// SEC1 ECPrivateKey for P-256 with the curve parameter and the public key:
// SEQUENCE { INTEGER 1, OCTET STRING d, [0] OID prime256v1, [1] BIT STRING 04||x||y }
const SEC1_PREFIX = [0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
const SEC1_MIDDLE = [
  0xa0,
  0x0a,
  0x06,
  0x08,
  0x2a,
  0x86,
  0x48,
  0xce,
  0x3d,
  0x03,
  0x01,
  0x07,
  0xa1,
  0x44,
  0x03,
  0x42,
  0x00,
  0x04,
];

function pad32(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 32) return bytes;
  const out = new Uint8Array(32);
  out.set(
    bytes.subarray(Math.max(0, bytes.length - 32)),
    Math.max(0, 32 - bytes.length),
  );
  return out;
}

/**
 * The key as the AWS CLI writes it: a SEC1 `EC PRIVATE KEY` PEM (121-byte
 * DER, base64 wrapped at 64 columns, `\n` line ends, final `\n`).
 */
export function toSec1Pem(jwk: EcPrivateJwk): string {
  const der = new Uint8Array([
    ...SEC1_PREFIX,
    ...pad32(fromBase64url(jwk.d)),
    ...SEC1_MIDDLE,
    ...pad32(fromBase64url(jwk.x)),
    ...pad32(fromBase64url(jwk.y)),
  ]);
  const b64 = der.toBase64().replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN EC PRIVATE KEY-----\n${b64}\n-----END EC PRIVATE KEY-----\n`;
}

/**
 * Reads a P-256 private key from a PEM in SEC1 (`EC PRIVATE KEY`) or PKCS#8
 * (`PRIVATE KEY`) form, as botocore and the JS SDK accept.
 *
 * @throws {InvalidDpopKeyError} for anything else.
 */
export async function dpopKeyFromPem(pem: string): Promise<DpopKey> {
  if (!/-----BEGIN (EC )?PRIVATE KEY-----/.test(pem)) {
    throw new InvalidDpopKeyError(
      "the DPoP key is not an EC PRIVATE KEY or PRIVATE KEY PEM",
    );
  }
  // node:crypto reads both forms and derives the public key when SEC1 omits it.
  const { createPrivateKey } = await import("node:crypto");
  let exported: JsonWebKey;
  try {
    exported = createPrivateKey({ key: pem, format: "pem" }).export({
      format: "jwk",
    }) as JsonWebKey;
  } catch (error) {
    throw new InvalidDpopKeyError(
      `the DPoP key cannot be read (${(error as Error).message})`,
    );
  }
  if (
    exported.kty !== "EC" || exported.crv !== "P-256" || !exported.d ||
    !exported.x || !exported.y
  ) {
    throw new InvalidDpopKeyError("the DPoP key is not a P-256 private key");
  }
  const jwk: EcPrivateJwk = {
    kty: "EC",
    crv: "P-256",
    x: exported.x,
    y: exported.y,
    d: exported.d,
  };
  return { jwk, privateKey: await importPrivate(jwk) };
}

/** The public JWK in botocore's member order (`kty, x, y, crv`). */
export function publicJwk(jwk: EcPublicJwk): EcPublicJwk {
  return { kty: "EC", x: jwk.x, y: jwk.y, crv: "P-256" } as EcPublicJwk;
}

/** The RFC 7638 SHA-256 thumbprint of a P-256 public key (unpadded base64url). */
export async function jwkThumbprint(jwk: EcPublicJwk): Promise<string> {
  return base64url(
    await sha256(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`),
  );
}

/** The JWS header and payload of a proof, before signing (botocore's serialization). */
export function dpopSigningInput(
  jwk: EcPublicJwk,
  htu: string,
  iat: number,
  jti: string,
): string {
  const header = JSON.stringify({
    typ: "dpop+jwt",
    alg: "ES256",
    jwk: publicJwk(jwk),
  });
  const payload = JSON.stringify({ htm: "POST", htu, iat, jti });
  return `${base64urlText(header)}.${base64urlText(payload)}`;
}

/**
 * A DPoP proof for a `POST` to `htu` (the full token URL, no query).
 *
 * @param options.now Milliseconds since the epoch for `iat` (whole seconds are used).
 */
export async function dpopProof(
  key: DpopKey,
  htu: string,
  options: { now?: number; random?: RandomSource } = {},
): Promise<string> {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const input = dpopSigningInput(
    key.jwk,
    htu,
    iat,
    uuidV4(options.random ?? secureRandom),
  );
  // WebCrypto's ECDSA signature is already raw r||s (IEEE P1363), as DPoP needs.
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key.privateKey,
    utf8(input),
  );
  return `${input}.${base64url(new Uint8Array(signature))}`;
}
