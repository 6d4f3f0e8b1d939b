/**
 * Small byte helpers over the runtime's own base64/hex and WebCrypto.
 *
 * @example
 * ```ts
 * await sha256Hex("arn:aws:iam::0123456789012:user/Admin");
 * // "36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726"
 * ```
 * @module
 */

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Unpadded base64url. */
export function base64url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

/** Decodes unpadded (or padded) base64url; throws on any other character. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.fromBase64(text, { alphabet: "base64url" });
}

/** Unpadded base64url of a string's UTF-8 bytes. */
export function base64urlText(text: string): string {
  return base64url(utf8(text));
}

/** SHA-256 of bytes or of a string's UTF-8 bytes. */
export async function sha256(
  data: Uint8Array<ArrayBuffer> | string,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = typeof data === "string" ? utf8(data) : data;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** Lowercase hex SHA-256. */
export async function sha256Hex(
  data: Uint8Array<ArrayBuffer> | string,
): Promise<string> {
  return (await sha256(data)).toHex();
}

/**
 * Lowercase hex SHA-1 of a string's UTF-8 bytes: the file names of the
 * AWS CLI's SSO and role caches (not a security use).
 *
 * @example
 * ```ts
 * await sha1Hex("my-sso"); // "0ad374308c5a4e22f723adf10145eafad7c4031c"
 * ```
 */
export async function sha1Hex(text: string): Promise<string> {
  return new Uint8Array(await crypto.subtle.digest("SHA-1", utf8(text)))
    .toHex();
}

/** HMAC-SHA256. */
export async function hmacSha256(
  key: Uint8Array<ArrayBuffer>,
  data: string,
): Promise<Uint8Array<ArrayBuffer>> {
  const k = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, utf8(data)));
}

/** Random bytes from a source (injected in tests, WebCrypto otherwise). */
export type RandomSource = (length: number) => Uint8Array;

/** Cryptographically strong random bytes. */
export function secureRandom(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A lowercase, hyphenated UUID v4 from a random source. */
export function uuidV4(random: RandomSource = secureRandom): string {
  const b = random(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toHex();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${
    h.slice(16, 20)
  }-${h.slice(20)}`;
}

/** Uniform characters from an alphabet (rejection sampling, no modulo bias). */
export function randomString(
  length: number,
  alphabet: string,
  random: RandomSource = secureRandom,
): string {
  const limit = 256 - (256 % alphabet.length);
  let out = "";
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * RFC 3986 encoding (botocore's `percent_encode`): everything but
 * `A-Z a-z 0-9 - _ . ~` as uppercase `%XX` of the UTF-8 bytes.
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Compares two strings in time that depends only on their length. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}
