/**
 * PKCE and state for the authorization request (protocol.md §1): a
 * 64-character verifier from the unreserved characters, its SHA-256 as
 * unpadded base64url, and a UUID v4 state.
 *
 * @example
 * ```ts
 * await codeChallenge("a".repeat(64)); // "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs"
 * ```
 * @module
 */

import {
  base64url,
  type RandomSource,
  randomString,
  secureRandom,
  sha256,
} from "../util/encoding.ts";

const UNRESERVED =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/** A fresh 64-character code verifier. */
export function codeVerifier(random: RandomSource = secureRandom): string {
  return randomString(64, UNRESERVED, random);
}

/** The S256 challenge of a verifier: unpadded base64url of its SHA-256 (43 characters). */
export async function codeChallenge(verifier: string): Promise<string> {
  return base64url(await sha256(verifier));
}

/** Whether a string is a valid verifier for the service (43–128 unreserved characters). */
export function isValidVerifier(verifier: string): boolean {
  return /^[A-Za-z0-9\-._~]{43,128}$/.test(verifier);
}
