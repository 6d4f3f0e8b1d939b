/**
 * The code pasted in the cross-device flow (`--remote`, protocol.md §3):
 * standard base64 (characters outside the alphabet ignored, as Python's
 * non-strict decoder does) of `state=...&code=...`.
 *
 * @example
 * ```ts
 * decodePastedCode("c3RhdGU9...", expectedState); // the authorization code
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";

/** What the pasted text holds. */
export function parsePastedCode(text: string): { state: string; code: string } {
  const cleaned = text.replace(/[^A-Za-z0-9+/]/g, "");
  let decoded: string;
  try {
    if (cleaned === "" || cleaned.length % 4 === 1) throw new Error();
    const padded = cleaned + "=".repeat((4 - (cleaned.length % 4)) % 4);
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.fromBase64(padded),
    );
  } catch {
    throw new AwsSigninError(
      "Failed to decode the verification code. Copy the whole code from the browser page and run the command again.",
    );
  }
  const params = new URLSearchParams(decoded);
  const state = params.get("state");
  const code = params.get("code");
  if (!state || !code) {
    throw new AwsSigninError(
      "Failed to retrieve an auth_code or state from the verification code. " +
        "Copy the whole code from the browser page and run the command again.",
    );
  }
  return { state, code };
}
