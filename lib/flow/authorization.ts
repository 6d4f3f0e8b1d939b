/**
 * What both sign-in flows take and give: the authorization request they
 * show to the user, and the authorization code they bring back.
 *
 * @example
 * ```ts
 * const request: AuthorizationRequest = {
 *   base: "https://us-east-1.signin.aws.amazon.com",
 *   state: "00000000-0000-4000-8000-000000000000",
 *   challenge: "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs",
 *   profile: "dev",
 *   timeoutSeconds: 600,
 * };
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";

/** The outcome of a flow: the code to redeem, with the client and redirect URI it was issued for. */
export interface AuthorizationCode {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
}

/** The authorization request a flow sends the user to. */
export interface AuthorizationRequest {
  /** The authorize base (scheme and host of the Sign-In endpoint). */
  readonly base: string;
  /** The random state the callback must bring back. */
  readonly state: string;
  /** The PKCE challenge. */
  readonly challenge: string;
  /** The profile being signed in (for pages and messages). */
  readonly profile: string;
  /** How long to wait for the user. */
  readonly timeoutSeconds: number;
}

/** What a flow uses of the command's context. */
export type FlowContext = Pick<
  Context,
  "io" | "env" | "now" | "signal" | "sleep" | "openBrowser" | "debug"
>;
