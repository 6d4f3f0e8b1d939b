/**
 * An IAM Identity Center profile's role credentials from the portal
 * (`GetRoleCredentials`), with its token (refreshed as needed by
 * `sso_refresh.ts`), cached as the AWS CLI caches them in `~/.aws/cli/cache`
 * under the role file's lock; a process that waited uses what the holder
 * cached. A token the portal refuses (the session was ended) is signed in
 * again with `--auto-login`, once for every waiting process.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * import type { SsoCredentialConfig } from "../config/sso_config.ts";
 * declare const ctx: ProviderContext, config: SsoCredentialConfig, file: string;
 * const creds = await ssoRoleCredentials(config, file, ctx);
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";
import type { SsoCredentialConfig } from "../config/sso_config.ts";
import { readRoleCache } from "../cache/role_cache.ts";
import { writeSsoRoleCache } from "../cache/role_cache_write.ts";
import { prepareCacheDir } from "../cache/login_cache_dir.ts";
import { getRoleCredentials } from "../sso/portal_client.ts";
import { SsoUnauthorizedError } from "../sso/errors.ts";
import { LockTimeoutError, withFileLock } from "../util/lock.ts";
import { dirName } from "../util/path.ts";
import { waitingFor } from "./login_again.ts";
import { ROLE_EXPIRY_WINDOW_MS } from "./role_config.ts";
import {
  asIs,
  ssoAccessToken,
  ssoClient,
  tokenAfterRefusal,
} from "./sso_refresh.ts";
import { fromSsoRoleCache } from "./sso_role.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/**
 * The profile's role credentials from `GetRoleCredentials` (its token
 * refreshed as needed), cached as the AWS CLI caches them, under the role
 * file's lock; a process that waited uses what the holder cached.
 */
export async function ssoRoleCredentials(
  config: SsoCredentialConfig,
  file: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const fresh = () => {
    const cached = readRoleCache(file);
    return cached && cached.expiresAtMs - ctx.now() >= ROLE_EXPIRY_WINDOW_MS
      ? cached
      : undefined;
  };
  await prepareCacheDir(dirName(file), ctx.warn, {
    what: "role cache folder",
    fix:
      "Make the folder yours and writable (it is the AWS CLI's ~/.aws/cli/cache), or remove it.",
  });
  try {
    return await withFileLock(`${file}.lock`, async () => {
      const cached = fresh();
      if (cached) {
        ctx.debug(
          "another process fetched the SSO role credentials while we waited; using them",
        );
        return fromSsoRoleCache(cached, config);
      }
      const role = await roleCredentials(config, ctx);
      await writeSsoRoleCache(file, { ...role, accountId: config.accountId })
        .catch((error) =>
          ctx.warn(
            `The SSO role credentials could not be cached (${
              (error as Error).message
            }); they are used all the same.`,
          )
        );
      ctx.debug(
        `GetRoleCredentials for ${config.roleName} in ${config.accountId}; wrote ${file}`,
      );
      return {
        accessKeyId: role.accessKeyId,
        secretAccessKey: role.secretAccessKey,
        sessionToken: role.sessionToken,
        // As the AWS CLI keeps it: whole seconds (the file's time).
        expiration: Math.floor(role.expirationMs / 1000) * 1000,
        accountId: config.accountId,
        method: "sso",
      };
    }, {
      now: ctx.now,
      sleep: ctx.sleep,
      signal: ctx.signal,
      timeoutMs: ctx.autoLogin ? ctx.autoLogin.timeoutMs + 60_000 : 60_000,
      purpose:
        `to finish getting the role credentials of profile '${config.profile}'`,
      debug: ctx.debug,
      onNote: (note) => ctx.warn(waitingFor(note, ctx.now())),
    });
  } catch (error) {
    const cached = readRoleCache(file);
    if (
      error instanceof LockTimeoutError && cached &&
      cached.expiresAtMs > ctx.now()
    ) {
      return {
        ...fromSsoRoleCache(cached, config),
        staleReason: "another process held the role's lock too long",
      };
    }
    throw error;
  }
}

/** `GetRoleCredentials` with a valid token; a token the portal refuses is signed in again with --auto-login. */
async function roleCredentials(
  config: SsoCredentialConfig,
  ctx: ProviderContext,
) {
  const portal = ssoClient("sso", config, ctx);
  const request = (accessToken: string) =>
    getRoleCredentials(portal, {
      accessToken,
      roleName: config.roleName,
      accountId: config.accountId,
    });
  const accessToken = await ssoAccessToken(config, ctx);
  try {
    return await request(accessToken);
  } catch (error) {
    if (!(error instanceof SsoUnauthorizedError)) {
      throw error instanceof AwsSigninError ? asIs(error) : error;
    }
    // The session was ended (logged out elsewhere, revoked): a fresh token, then the call again.
    return await request(
      await tokenAfterRefusal(config, ctx, accessToken, error),
    );
  }
}
