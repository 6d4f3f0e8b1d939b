/**
 * Credentials of an IAM Identity Center profile (`sso_account_id` +
 * `sso_role_name`, with an `[sso-session]` or the legacy start URL), as the
 * AWS CLI's SSO provider gets them: the role credentials cached in
 * `~/.aws/cli/cache` under botocore's key are used while 15 minutes or more
 * are left, with no token read and no network; otherwise the refresh module
 * is loaded (the token, refreshed if due, then `GetRoleCredentials`, under
 * locks shared with every aws-signin process).
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * import type { SsoCredentialConfig } from "../config/sso_config.ts";
 * declare const ctx: ProviderContext, config: SsoCredentialConfig;
 * const creds = await ssoCredentials(config, ctx);
 * ```
 * @module
 */

import type { SsoCredentialConfig } from "../config/sso_config.ts";
import { readRoleCache } from "../cache/role_cache.ts";
import { ROLE_EXPIRY_WINDOW_MS } from "./role_config.ts";
import { fromSsoRoleCache, ssoRoleFile } from "./sso_role.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** The profile's role credentials: cached while fresh, else fetched with its token. */
export async function ssoCredentials(
  config: SsoCredentialConfig,
  ctx: ProviderContext,
): Promise<Credentials> {
  const file = await ssoRoleFile(config, ctx);
  const cached = readRoleCache(file);
  if (cached && cached.expiresAtMs - ctx.now() >= ROLE_EXPIRY_WINDOW_MS) {
    ctx.debug(
      `SSO role credentials of ${config.roleName} in ${config.accountId} from the cache ${file}`,
    );
    return fromSsoRoleCache(cached, config);
  }
  const { ssoRoleCredentials } = await import("./sso_role_fetch.ts");
  return await ssoRoleCredentials(config, file, ctx);
}
