/**
 * `--auto-login` for IAM Identity Center profiles: a session whose token
 * ended (or is missing, or was refused) is signed in again in the browser
 * (the authorization code flow; a legacy profile: the device code), on
 * behalf of a command that needed credentials. Everything it says goes to
 * stderr (a `credential_process`'s stdout is the tool's), it never reads
 * stdin, and it waits a bounded time.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * declare const ctx: Context;
 * declare const request: Parameters<typeof ssoSignInAgain>[2];
 * const { tokenJson } = await ssoSignInAgain(ctx, { timeoutMs: 120_000 }, request);
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import { ssoTokenJson } from "../cache/sso_token_cache.ts";
import type { AutoLogin } from "../credentials/types.ts";
import { ssoSignIn } from "./sso_sign_in.ts";

/** The request an {@linkcode AutoLogin} gets when an SSO session has to be signed in again. */
type SsoSignInRequest = Parameters<NonNullable<AutoLogin["ssoSignIn"]>>[0];

/** Signs the session in again and returns the token file's JSON (the caller holds its lock and writes it). */
export async function ssoSignInAgain(
  ctx: Context,
  options: {
    readonly timeoutMs: number;
    readonly onSignIn?: (active: boolean) => void;
  },
  request: SsoSignInRequest,
): Promise<{ readonly tokenJson: string; readonly accessToken: string }> {
  const { config } = request;
  const what = config.sessionName !== undefined
    ? `The IAM Identity Center session '${config.sessionName}'`
    : `The IAM Identity Center sign-in of profile '${config.profile}'`;
  ctx.warn(
    `${what} ${request.reason}: signing in again in your browser (--auto-login; waiting up to ${
      Math.round(options.timeoutMs / 1000)
    } s).`,
  );
  options.onSignIn?.(true);
  try {
    const result = await ssoSignIn(ctx, {
      config,
      profile: request.profile,
      flow: config.sessionName !== undefined ? "auth" : "device",
      noBrowser: false,
      fetch: request.fetch,
      timeoutSeconds: Math.max(1, Math.round(options.timeoutMs / 1000)),
      // stdout is the credentials' (credential_process).
      out: (text) => ctx.io.err(text),
    });
    ctx.warn(`Signed in again: ${what} has a fresh token.`);
    return {
      tokenJson: ssoTokenJson(result.token),
      accessToken: result.token.accessToken,
    };
  } finally {
    options.onSignIn?.(false);
  }
}
