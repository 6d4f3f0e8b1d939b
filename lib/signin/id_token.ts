/**
 * The ID token of a login (protocol.md §6): its `sub` claim is the login
 * session (the `login_session` value and the cache key), and the account id is
 * the fifth field of that ARN. The signature is not verified, as the AWS CLI
 * does not verify it either.
 *
 * @example
 * ```ts
 * import { base64urlText } from "../util/encoding.ts";
 * const payload = base64urlText(JSON.stringify({ sub: "arn:aws:iam::111122223333:user/demo" }));
 * const { loginSession, accountId } = readIdToken(`e30.${payload}.sig`);
 * // "arn:aws:iam::111122223333:user/demo", "111122223333"
 * ```
 * @module
 */

import { fromBase64url } from "../util/encoding.ts";
import { hasControlCharacters } from "../util/safe_text.ts";

/** The token is not a JWT with a usable `sub`. */
export class InvalidIdTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidIdTokenError";
  }
}

/** The account id of an ARN (`arn:partition:service:region:ACCOUNT:resource`). */
export function accountIdOf(arn: string): string {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") {
    throw new InvalidIdTokenError(
      `Invalid JWT token - "sub" is not an ARN with an account id`,
    );
  }
  return parts[4]!;
}

/** Reads `sub` (the login session) and the account id from an ID token. */
export function readIdToken(
  idToken: string,
): { loginSession: string; accountId: string } {
  const parts = idToken.split(".");
  if (parts.length !== 3) {
    throw new InvalidIdTokenError("Invalid JWT token - cannot extract payload");
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(parts[1]!)));
  } catch {
    throw new InvalidIdTokenError("Invalid JWT token - cannot extract payload");
  }
  const sub = (claims as { sub?: unknown } | null)?.sub;
  if (typeof sub !== "string" || sub === "") {
    throw new InvalidIdTokenError("Invalid JWT token - missing sub");
  }
  // It becomes a line of the config file and a cache file name: an ARN, on one line, nothing else.
  if (!/^arn:[^\s[\]]+$/.test(sub) || hasControlCharacters(sub)) {
    throw new InvalidIdTokenError(
      'Invalid JWT token - "sub" is not a session ARN',
    );
  }
  return { loginSession: sub, accountId: accountIdOf(sub) };
}
