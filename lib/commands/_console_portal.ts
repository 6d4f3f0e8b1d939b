/**
 * The console through the IAM Identity Center access portal: its shortcut
 * link (`{start URL}/#/console?account_id=…&role_name=…&destination=…`)
 * opens the console as the profile's role in the browser, which signs in to
 * the portal if it has no portal session. The link names an account and a
 * role, and is not a credential. What `console` uses with `--via portal`,
 * or when an SSO profile has no usable token.
 *
 * @example
 * ```ts
 * portalConsoleUrl("https://d-1234567890.awsapps.com/start", { accountId: "111122223333", roleName: "Admin" });
 * // "https://d-1234567890.awsapps.com/start/#/console?account_id=111122223333&role_name=Admin"
 * ```
 * @module
 */

import { UsageError } from "../errors.ts";
import type { ResolvedProfile } from "../config/selection.ts";
import { stringSetting } from "../config/selection.ts";
import { SsoTokenLoadError } from "../cache/sso_token_cache.ts";
import { SsoTokenExpiredError, SsoUnauthorizedError } from "../sso/errors.ts";
import { AutoLoginFailedError } from "../credentials/login_again.ts";
import { isRoleProfile } from "../credentials/role_config.ts";
import { shlexQuote } from "../util/shlex.ts";

/** How `console` reaches the console: `--via`. */
export type ConsoleVia = "federation" | "portal";

/**
 * The access portal's shortcut link: the start URL without a trailing `/`
 * or `#…` (however it is written in the config), then
 * `/#/console?account_id=…&role_name=…` and, when given, the console page
 * to land on (`destination`, which names the region).
 *
 * @example
 * ```ts
 * portalConsoleUrl("https://d-1234567890.awsapps.com/start/#/", {
 *   accountId: "111122223333", roleName: "Admin",
 *   destination: "https://us-east-1.console.aws.amazon.com/s3/home?region=us-east-1",
 * });
 * // "https://d-1234567890.awsapps.com/start/#/console?account_id=111122223333&role_name=Admin&destination=https%3A%2F%2F…"
 * ```
 */
export function portalConsoleUrl(
  startUrl: string,
  init: {
    readonly accountId: string;
    readonly roleName: string;
    readonly destination?: string | undefined;
  },
): string {
  const url = new URL(startUrl);
  const path = url.pathname.replace(/\/+$/, "");
  const query = [
    `account_id=${encodeURIComponent(init.accountId)}`,
    `role_name=${encodeURIComponent(init.roleName)}`,
    ...(init.destination !== undefined
      ? [`destination=${encodeURIComponent(init.destination)}`]
      : []),
  ].join("&");
  return `${url.origin}${path}/#/console?${query}`;
}

/**
 * Whether an error means the SSO profile has no usable token (never signed
 * in, signed out, ended, refused, or `--auto-login` could not sign it in):
 * the portal's link still works, through a sign-in in the browser.
 */
export function isTokenProblem(error: unknown): boolean {
  return error instanceof SsoTokenLoadError ||
    error instanceof SsoTokenExpiredError ||
    error instanceof SsoUnauthorizedError ||
    error instanceof AutoLoginFailedError;
}

/**
 * Refuses `--via portal` for a profile the portal cannot open: a role built
 * on an SSO profile (the portal opens the SSO role, not the one assumed on
 * top of it), or a profile that is not an SSO profile.
 *
 * @throws {UsageError} always.
 */
export function refusePortal(profile: ResolvedProfile): never {
  if (isRoleProfile(profile.settings)) {
    const source = stringSetting(profile.settings, "source_profile");
    throw new UsageError(
      `--via portal opens the access portal as an IAM Identity Center role, but profile '${profile.name}' ` +
        `assumes ${stringSetting(profile.settings, "role_arn")} on top of ${
          source === undefined ? "its credential_source" : `profile '${source}'`
        }: use --via federation${
          source === undefined
            ? ""
            : `, or --profile ${shlexQuote(source)} --via portal`
        }.`,
    );
  }
  throw new UsageError(
    `--via portal is for IAM Identity Center profiles (sso_account_id and sso_role_name); profile ` +
      `'${profile.name}' is not one. Use --via federation (the default).`,
  );
}
