/**
 * AWS Signature Version 4 for requests with a body (STS's query protocol):
 * the canonical request, the string to sign, the signing key and the
 * `Authorization` header. The emulator uses the same functions to verify.
 *
 * @example
 * ```ts
 * const headers = await signRequest({
 *   method: "POST",
 *   url: new URL("https://sts.us-east-1.amazonaws.com/"),
 *   headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
 *   body: "Action=GetCallerIdentity&Version=2011-06-15",
 *   region: "us-east-1",
 *   service: "sts",
 *   credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI" },
 *   now: Date.now(),
 * });
 * ```
 * @module
 */

import {
  hmacSha256,
  percentEncode as uriEncode,
  sha256Hex,
  utf8,
} from "../util/encoding.ts";

/** Credentials to sign with. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** A request to sign. */
export interface SignInput {
  readonly method: string;
  readonly url: URL;
  /** Headers to send (any case); all but the unsignable ones are signed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: SigningCredentials;
  /** Milliseconds since the epoch. */
  readonly now: number;
}

// Headers that proxies and clients change; AWS SDKs never sign them.
const UNSIGNABLE = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id",
]);

/** `20250901T183933Z` */
export function amzDate(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, "").replace(
    /\.\d{3}/,
    "",
  );
}

/**
 * The canonical URI: the (already percent-encoded) path encoded once more,
 * slashes kept, as every service but S3 expects.
 */
export function canonicalUri(pathname: string): string {
  if (pathname === "") return "/";
  return uriEncode(pathname).replaceAll("%2F", "/");
}

/** The canonical query string: pairs encoded, sorted by name then value. */
export function canonicalQuery(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((
      [ak, av],
      [bk, bv],
    ) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

function normalizeValue(value: string): string {
  return value.trim().replace(/\s+/g, " ");
}

/** What {@linkcode canonicalRequest} is built from. */
export interface CanonicalRequestInput {
  readonly method: string;
  readonly url: URL;
  /** The request's headers (any case). */
  readonly headers: Readonly<Record<string, string>>;
  /** The lowercased names of the signed headers, sorted. */
  readonly signedHeaders: readonly string[];
  readonly body: string;
}

/** The canonical request over the signed headers. */
export async function canonicalRequest(
  input: CanonicalRequestInput,
): Promise<string> {
  const lower = new Map(
    Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const canonicalHeaders = input.signedHeaders.map((h) =>
    `${h}:${normalizeValue(lower.get(h) ?? "")}\n`
  ).join("");
  return [
    input.method.toUpperCase(),
    canonicalUri(input.url.pathname),
    canonicalQuery(input.url.searchParams),
    canonicalHeaders,
    input.signedHeaders.join(";"),
    await sha256Hex(input.body),
  ].join("\n");
}

/** The SigV4 signing key for a day, region and service. */
export async function signingKey(
  secret: string,
  day: string,
  region: string,
  service: string,
): Promise<Uint8Array> {
  let key = await hmacSha256(utf8(`AWS4${secret}`), day);
  key = await hmacSha256(key, region);
  key = await hmacSha256(key, service);
  return await hmacSha256(key, "aws4_request");
}

/** What {@linkcode signature} signs, and with what. */
export interface SignatureInput {
  /** The secret access key. */
  readonly secret: string;
  /** The `x-amz-date` (`20250901T183933Z`). */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly canonicalRequest: string;
}

/** The hex signature of a canonical request. */
export async function signature(input: SignatureInput): Promise<string> {
  const { secret, date, region, service } = input;
  const day = date.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${date}\n${scope}\n${await sha256Hex(
    input.canonicalRequest,
  )}`;
  const key = await signingKey(secret, day, region, service);
  return (await hmacSha256(key as Uint8Array<ArrayBuffer>, stringToSign))
    .toHex();
}

/**
 * Signs a request.
 *
 * @returns the headers to send: the input headers plus `host`, `x-amz-date`,
 * `x-amz-security-token` (with a session token) and `authorization`.
 */
export async function signRequest(
  input: SignInput,
): Promise<Record<string, string>> {
  const date = amzDate(input.now);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers)) {
    headers[k.toLowerCase()] = v;
  }
  headers["host"] = input.url.host;
  headers["x-amz-date"] = date;
  if (input.credentials.sessionToken) {
    headers["x-amz-security-token"] = input.credentials.sessionToken;
  }
  const signed = Object.keys(headers).filter((h) => !UNSIGNABLE.has(h)).sort();
  const canonical = await canonicalRequest({
    method: input.method,
    url: input.url,
    headers,
    signedHeaders: signed,
    body: input.body,
  });
  const sig = await signature({
    secret: input.credentials.secretAccessKey,
    date,
    region: input.region,
    service: input.service,
    canonicalRequest: canonical,
  });
  headers["authorization"] =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${
      date.slice(0, 8)
    }/${input.region}/${input.service}/aws4_request, SignedHeaders=${
      signed.join(";")
    }, Signature=${sig}`;
  return headers;
}

/** The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header. */
export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly day: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses a SigV4 `Authorization` header; `undefined` when it is not one. */
export function parseAuthorization(
  header: string,
): ParsedAuthorization | undefined {
  const m =
    /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9\-;]+),\s*Signature=([0-9a-f]{64})$/
      .exec(header.trim());
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    day: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(";"),
    signature: m[6]!,
  };
}
