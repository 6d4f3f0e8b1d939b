/**
 * Where an IAM Identity Center profile's role credentials are cached (the
 * AWS CLI's file in `~/.aws/cli/cache`) and the credentials such an entry
 * holds, for the provider, its refresh and the hot path.
 *
 * @example
 * ```ts
 * import type { SsoCredentialConfig } from "../config/sso_config.ts";
 * declare const config: SsoCredentialConfig;
 * const file = await ssoRoleFile(config, { env: { HOME: "/home/me" } });
 * ```
 * @module
 */

import type { SsoCredentialConfig } from "../config/sso_config.ts";
import {
  type CachedRole,
  roleCacheDir,
  roleCacheFile,
  ssoRoleCacheKey,
  ssoRoleCacheKeySync,
} from "../cache/role_cache.ts";
import type { Env } from "../util/env.ts";
import type { Credentials } from "./types.ts";

/** The role credentials file of an SSO profile (`~/.aws/cli/cache/<botocore's key>.json`). */
export async function ssoRoleFile(
  config: SsoCredentialConfig,
  ctx: { readonly env: Env },
): Promise<string> {
  return roleCacheFile(
    roleCacheDir(ctx.env),
    await ssoRoleCacheKey({
      accountId: config.accountId,
      roleName: config.roleName,
      startUrl: config.startUrl,
      ...(config.sessionName !== undefined
        ? { sessionName: config.sessionName }
        : {}),
    }),
  );
}

/** {@linkcode ssoRoleFile}, synchronously (the hot path's own SHA-1). */
export function ssoRoleFileSync(
  config: SsoCredentialConfig,
  env: Env,
): string {
  return roleCacheFile(
    roleCacheDir(env),
    ssoRoleCacheKeySync({
      accountId: config.accountId,
      roleName: config.roleName,
      startUrl: config.startUrl,
      ...(config.sessionName !== undefined
        ? { sessionName: config.sessionName }
        : {}),
    }),
  );
}

/** Credentials from a cached SSO role entry. */
export function fromSsoRoleCache(
  entry: CachedRole,
  config: SsoCredentialConfig,
): Credentials {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration: entry.expiresAtMs,
    accountId: entry.accountId ?? config.accountId,
    method: "sso",
  };
}
