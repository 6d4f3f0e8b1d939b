/**
 * The cross-device flow (`--remote`, protocol.md §3): the sign-in URL is
 * printed for any device, and the code the confirmation page shows is read
 * back from stdin. The pasted text is standard base64 (characters outside the
 * alphabet ignored, as Python's non-strict decoder does) of
 * `state=...&code=...`.
 *
 * @example
 * ```ts
 * parsePastedCode("c3RhdGU9MDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAwJmNvZGU9QVVUSENPREUxMjM=");
 * // { state: "00000000-0000-4000-8000-000000000000", code: "AUTHCODE123" }
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";
import { loginCommand } from "../config/selection.ts";
import { InputTooLongError } from "../cli/io.ts";
import { waitFor } from "../cli/prompts.ts";
import { authorizeUrl, CROSS_DEVICE_CLIENT_ID } from "../signin/authorize.ts";
import { CODE_ERROR } from "../signin/token_errors.ts";
import { safeText } from "../util/safe_text.ts";
import type {
  AuthorizationCode,
  AuthorizationRequest,
  FlowContext,
} from "./authorization.ts";

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

/** Runs the cross-device flow and returns the authorization code. */
export async function crossDeviceFlow(
  ctx: FlowContext,
  request: AuthorizationRequest,
): Promise<AuthorizationCode> {
  const retry = loginCommand(request.profile);
  const clientId = CROSS_DEVICE_CLIENT_ID;
  const redirectUri = `${request.base}/v1/sessions/confirmation`;
  const url = authorizeUrl(request.base, {
    clientId,
    state: request.state,
    challenge: request.challenge,
    redirectUri,
  });
  await ctx.io.out(
    `Browser will not be automatically opened.\nPlease visit the following URL:\n\n${url}\n`,
  );
  await ctx.io.out(
    "\nEnter the authorization code displayed in your browser: ",
  );
  const line = await waitFor(
    ctx,
    ctx.io.readLine(),
    request.timeoutSeconds,
    `Timed out after ${request.timeoutSeconds} seconds waiting for the authorization code. Run "${retry} --remote" again.`,
  ).catch((error) => {
    if (!(error instanceof InputTooLongError)) throw error;
    throw new AwsSigninError(
      `The pasted text is longer than ${
        error.limit / 1024
      } KB, so it is not an authorization code. Run "${retry} --remote" again and paste only the code your ` +
        "browser shows.",
    );
  });
  if (line === null || line.trim() === "") {
    throw new AwsSigninError(
      `Login canceled: no authorization code was entered. Run "${retry} --remote" again and paste the code ` +
        `your browser shows.`,
    );
  }
  const pasted = parsePastedCode(line);
  if (pasted.state !== request.state) {
    throw new AwsSigninError(
      `${CODE_ERROR}: State parameter ${
        safeText(pasted.state)
      } does not match expected value ${request.state}.`,
    );
  }
  return { code: pasted.code, clientId, redirectUri };
}
