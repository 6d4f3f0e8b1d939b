/**
 * Profiles that assume a role (`role_arn` with `source_profile` or
 * `credential_source`), resolved as botocore's `AssumeRoleProvider` does,
 * sharing the AWS CLI's role cache. This module is the fast part: it checks
 * the profile chain (names, existence, loops) and answers from a fresh cache
 * entry; the source credentials and the STS call are loaded only when the
 * role must be assumed again.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * declare const ctx: ProviderContext;
 * const creds = await assumeRoleCredentials(ctx, { profileCredentials: () => Promise.resolve(undefined) });
 * ```
 * @module
 */

import {
  readRoleCache,
  roleCacheDir,
  roleCacheFile,
  roleCacheKey,
} from "../cache/role_cache.ts";
import {
  fromCache,
  ROLE_EXPIRY_WINDOW_MS,
  roleChain,
  type RoleDeps,
} from "./role_config.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** The credentials of a role profile: from the AWS CLI's role cache when fresh, else by assuming the role. */
export async function assumeRoleCredentials(
  ctx: ProviderContext,
  deps: RoleDeps,
): Promise<Credentials> {
  const chain = roleChain(ctx.profile, ctx.now());
  const top = chain[0]!;
  const file = roleCacheFile(
    roleCacheDir(ctx.env),
    await roleCacheKey(top.args),
  );
  ctx.debug(
    `profile '${ctx.profile.name}' assumes ${top.roleArn} with ${
      chain.map((c) =>
        c.sourceProfile
          ? `source_profile ${c.sourceProfile}`
          : `credential_source ${c.credentialSource}`
      )
        .join(", then ")
    }; role cache ${file}`,
  );
  const cached = readRoleCache(file);
  if (cached && cached.expiresAtMs - ctx.now() > ROLE_EXPIRY_WINDOW_MS) {
    ctx.debug(
      `role cache entry valid for ${
        Math.round((cached.expiresAtMs - ctx.now()) / 1000)
      } s; no AssumeRole call`,
    );
    return fromCache(cached);
  }
  ctx.debug(
    cached
      ? `role cache entry has ${
        Math.round((cached.expiresAtMs - ctx.now()) / 1000)
      } s left: assuming the role again`
      : "no role cache entry: assuming the role",
  );
  const { refreshRoleChain } = await import("./role_refresh.ts");
  return await refreshRoleChain(chain, ctx, deps);
}
