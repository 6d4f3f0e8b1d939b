/**
 * The authorization URL (protocol.md §1): six parameters percent-encoded as
 * botocore does, then `code_challenge` appended as is.
 *
 * @example
 * ```ts
 * authorizeUrl("https://us-east-1.signin.aws.amazon.com", {
 *   clientId: SAME_DEVICE_CLIENT_ID,
 *   state: "00000000-0000-4000-8000-000000000000",
 *   challenge: "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs",
 *   redirectUri: "http://127.0.0.1:54321/oauth/callback",
 * });
 * ```
 * @module
 */

import { percentEncode } from "../util/encoding.ts";

/** The same-device (browser on this machine) client. */
export const SAME_DEVICE_CLIENT_ID = "arn:aws:signin:::devtools/same-device";
/** The cross-device (`--remote`) client. */
export const CROSS_DEVICE_CLIENT_ID = "arn:aws:signin:::devtools/cross-device";

/** Builds `{base}/v1/authorize?...` with the parameters in the AWS CLI's order. */
export function authorizeUrl(
  base: string,
  init: {
    clientId: string;
    state: string;
    challenge: string;
    redirectUri: string;
  },
): string {
  const params: [string, string][] = [
    ["response_type", "code"],
    ["client_id", init.clientId],
    ["state", init.state],
    ["code_challenge_method", "SHA-256"],
    ["scope", "openid"],
    ["redirect_uri", init.redirectUri],
  ];
  const query = params.map(([k, v]) =>
    `${percentEncode(k)}=${percentEncode(v)}`
  ).join("&");
  return `${base}/v1/authorize?${query}&code_challenge=${init.challenge}`;
}
