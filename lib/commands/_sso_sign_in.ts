/**
 * What `sso login` and `configure sso` share: choosing the flow (a session
 * signs in with the authorization code unless told otherwise; a legacy
 * profile, or a place where no browser can open, with the device code,
 * said on stderr), running the sign-in, and saving the token under the same
 * lock a refresh takes (a sign-in on purpose also ends `--auto-login`'s
 * cool-down).
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import type { ResolvedProfile } from "../config/selection.ts";
 * import type { SsoLoginConfig } from "../config/sso_config.ts";
 * declare const ctx: Context, profile: ResolvedProfile, config: SsoLoginConfig;
 * const result = await signInAndSave(ctx, { config, profile, useDeviceCode: false, noBrowser: false });
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import { ConfigurationError } from "../errors.ts";
import type { ResolvedProfile } from "../config/selection.ts";
import type { SsoLoginConfig } from "../config/sso_config.ts";
import {
  ssoTokenJson,
  ssoTokenLockPath,
  writeSsoCacheFile,
} from "../cache/sso_token_cache.ts";
import { signInMarkerPath } from "../cache/login_cache.ts";
import {
  AUTH_CODE_WAIT_SECONDS,
  ssoSignIn,
  type SsoSignInResult,
} from "../flow/sso_sign_in.ts";
import { browserAvailability } from "../util/desktop.ts";
import { withFileLock } from "../util/lock.ts";
import { callWorld } from "./_credentials.ts";

/** Signs in to IAM Identity Center and saves the token; returns what was saved. */
export async function signInAndSave(
  ctx: Context,
  init: {
    readonly config: SsoLoginConfig;
    /** The command's profile (its endpoints and CA bundle apply). */
    readonly profile: ResolvedProfile;
    readonly useDeviceCode: boolean;
    readonly noBrowser: boolean;
    /** Refuse the automatic device code where no browser can open. */
    readonly noDeviceCode?: boolean;
    readonly redirectPort?: number | undefined;
  },
): Promise<SsoSignInResult> {
  const { config } = init;
  let flow: "auth" | "device" =
    config.sessionName === undefined || init.useDeviceCode ? "device" : "auth";
  const browser = browserAvailability(ctx.env);
  if (flow === "auth" && init.redirectPort === undefined && !browser.ok) {
    if (init.noDeviceCode) {
      throw new ConfigurationError(
        `No browser can open here (${browser.why}), and --no-device-code refuses the device code. Forward a ` +
          "port (ssh -L 8400:127.0.0.1:8400) and add --redirect-port 8400 --no-browser, or leave out " +
          "--no-device-code.",
      );
    }
    flow = "device";
    await ctx.io.err(
      `No browser can open here (${browser.why}): signing in with a device code instead (confirm it in a ` +
        `browser on any device${
          init.noDeviceCode === undefined
            ? ""
            : "; --no-device-code refuses this"
        }).\n`,
    );
  }
  const result = await ssoSignIn(ctx, {
    config,
    profile: init.profile,
    flow,
    // Where no browser can open, the URL (and code) is printed, not "Attempting to open your default browser".
    noBrowser: init.noBrowser || !browser.ok,
    fetch: callWorld(ctx, init.profile).fetch,
    redirectPort: init.redirectPort,
    timeoutSeconds: AUTH_CODE_WAIT_SECONDS,
    ...(ctx.connection?.readTimeoutMs !== undefined
      ? { callTimeoutMs: ctx.connection.readTimeoutMs }
      : {}),
  });
  await withFileLock(ssoTokenLockPath(result.tokenFile), async () => {
    await writeSsoCacheFile(
      result.tokenFile,
      ssoTokenJson(result.token),
      (m) => ctx.warn(m),
    );
    // A sign-in on purpose ends --auto-login's cool-down.
    await Deno.remove(signInMarkerPath(result.tokenFile)).catch(() => {});
  }, {
    now: ctx.now,
    sleep: ctx.sleep,
    purpose: "to finish refreshing this IAM Identity Center token",
  });
  ctx.debug(`wrote the SSO token ${result.tokenFile}`);
  return result;
}
