/**
 * The same-device flow (protocol.md §2): a one-time callback server on
 * 127.0.0.1, a one-time local link to the sign-in URL printed and opened in
 * a browser (the URL itself never goes on a command line), and a wait (with
 * a spinner on terminals) for that browser to come back with a code.
 *
 * @example
 * ```ts
 * import type { FlowContext } from "./authorization.ts";
 * declare const ctx: FlowContext;
 * const { code, redirectUri } = await sameDeviceFlow(ctx, {
 *   base: "http://127.0.0.1:8099", state: crypto.randomUUID(), challenge: "x".repeat(43),
 *   profile: "dev", timeoutSeconds: 600,
 * }, { noBrowser: false });
 * ```
 * @module
 */

import { SignInRefusedError } from "../errors.ts";
import { loginCommand } from "../config/selection.ts";
import { waitFor } from "../cli/prompts.ts";
import { startSpinner } from "../cli/spinner.ts";
import { authorizeUrl, SAME_DEVICE_CLIENT_ID } from "../signin/authorize.ts";
import { CODE_ERROR } from "../signin/token_errors.ts";
import { safeText } from "../util/safe_text.ts";
import type {
  AuthorizationCode,
  AuthorizationRequest,
  FlowContext,
} from "./authorization.ts";
import { sshWithoutDisplay } from "../util/desktop.ts";
import { startCallbackServer } from "./callback_server.ts";
import { linkOpenedTwice } from "./handoff.ts";

/** Options of the same-device flow. */
export interface SameDeviceOptions {
  /** The callback port (default: any free one). */
  readonly callbackPort?: number | undefined;
  /** Where the callback server listens (default 127.0.0.1). */
  readonly callbackHost?: string | undefined;
  /** Print the URL without trying to open a browser. */
  readonly noBrowser: boolean;
}

/** Runs the same-device flow and returns the authorization code. */
export async function sameDeviceFlow(
  ctx: FlowContext,
  request: AuthorizationRequest,
  options: SameDeviceOptions,
): Promise<AuthorizationCode> {
  const retry = loginCommand(request.profile);
  const clientId = SAME_DEVICE_CLIENT_ID;
  await using server = await startCallbackServer({
    ...(options.callbackPort ? { port: options.callbackPort } : {}),
    ...(options.callbackHost ? { hostname: options.callbackHost } : {}),
    expectedState: request.state,
    profile: request.profile,
    retryCommand: retry,
  });
  const redirectUri = server.redirectUri;
  // The browser and the terminal get a one-time local link to the sign-in URL, never the URL itself: a
  // browser's arguments are public, and whoever opened the URL could finish this login with their account.
  const link = server.handoff(
    authorizeUrl(request.base, {
      clientId,
      state: request.state,
      challenge: request.challenge,
      redirectUri,
    }),
    request.timeoutSeconds + 60,
  );
  const url = link.url;
  ctx.debug(
    `callback server listening on ${
      options.callbackHost ?? "127.0.0.1"
    }:${server.port}`,
  );
  if (options.noBrowser) {
    await ctx.io.out(
      `Open the following URL in a browser on this device.\n` +
        `If you are unable to open the URL on this device, run this command again with the '--remote' option.\n\n` +
        `${url}\n\n`,
    );
  } else if (sshWithoutDisplay(ctx.env)) {
    await ctx.io.out(
      `This is an SSH session without a display, so no browser will be opened. Run this command again with the ` +
        `'--remote' option, or forward the callback port (ssh -L ${server.port}:127.0.0.1:${server.port}) and ` +
        `open the following URL on your own computer.\n\n${url}\n\n`,
    );
  } else {
    await ctx.io.out(
      `Attempting to open your default browser. If the browser does not open, open the following URL.\n` +
        `If you are unable to open the URL on this device, run this command again with the '--remote' option.\n\n` +
        `${url}\n\n`,
    );
    const opened = await ctx.openBrowser(url, {
      env: ctx.env,
      debug: (m) => ctx.debug(m),
      opened: link.wasOpened,
    });
    if (!opened) {
      ctx.debug(
        "no browser could be opened; waiting for the URL to be opened by hand",
      );
    }
  }
  const spinner = startSpinner(
    ctx.io,
    "Waiting for the browser",
    ctx.now,
    ctx.env.TERM === "dumb",
  );
  let result;
  try {
    result = await waitFor(
      ctx,
      server.result,
      request.timeoutSeconds,
      `Timed out after ${request.timeoutSeconds} seconds waiting for the sign-in to finish in the browser. ` +
        `Run "${retry}" again (or "${retry} --remote" if the browser is on another device).`,
    );
  } finally {
    await spinner.stop();
  }
  if (result.kind === "reused") {
    throw linkOpenedTwice(retry);
  }
  if (result.kind === "error") {
    throw new SignInRefusedError(
      `${CODE_ERROR}: Failed to retrieve an authorization code. The sign-in page returned "${
        safeText(result.error)
      }". ` +
        `Run "${retry}" to try again.`,
    );
  }
  return { code: result.code, clientId, redirectUri };
}
