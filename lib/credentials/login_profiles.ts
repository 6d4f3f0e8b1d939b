/**
 * Which profiles rest on a login session: the profiles with `login_session`,
 * and the role profiles whose chain of `source_profile`s ends at one. What
 * `status --all` lists and what `doctor` follows, and the cache files a
 * profile's credentials come from.
 *
 * @example
 * ```ts
 * import type { ProfileFiles } from "../config/selection.ts";
 * declare const shared: ProfileFiles;
 * loginProfiles(shared).map((p) => p.name); // ["dev", "admin"]
 * ```
 * @module
 */

import {
  type ProfileFiles,
  type ResolvedProfile,
  resolveProfile,
  stringSetting,
} from "../config/selection.ts";
import { cacheFilePath, loginCacheDir } from "../cache/login_cache.ts";
import {
  roleCacheDir,
  roleCacheFile,
  roleCacheKey,
} from "../cache/role_cache.ts";
import type { Env } from "../util/env.ts";
import { isRoleProfile, roleChain } from "./role_config.ts";

/**
 * The login profile a role profile's chain ends at: its name, `undefined`
 * when the chain ends elsewhere (keys, `credential_source`), or `null` when
 * the chain is broken (a missing source, a loop).
 */
export function sessionBase(
  profile: ResolvedProfile,
): string | undefined | null {
  let chain;
  try {
    chain = roleChain(profile, 0);
  } catch {
    return null;
  }
  const source = chain[chain.length - 1]!.sourceProfile;
  if (source === undefined) return undefined;
  const base = resolveProfile(profile.shared, { name: source, source: "flag" });
  return stringSetting(base.settings, "login_session") !== undefined
    ? source
    : undefined;
}

/**
 * Every profile with a `login_session`, and every role profile built on one
 * (or whose chain is broken, so that what is wrong with it is shown), in the
 * files' order.
 */
export function loginProfiles(shared: ProfileFiles): ResolvedProfile[] {
  const names = [
    ...new Set([
      ...shared.configProfiles.keys(),
      ...shared.credentialProfiles.keys(),
    ]),
  ];
  return names.map((name) => resolveProfile(shared, { name, source: "flag" }))
    .filter((p) =>
      stringSetting(p.settings, "login_session") !== undefined ||
      (isRoleProfile(p.settings) && sessionBase(p) !== undefined)
    );
}

/** The role profiles whose chain ends at the login profile `login`. */
export function rolesBuiltOn(login: ResolvedProfile): ResolvedProfile[] {
  return [...login.shared.configProfiles.keys()]
    .map((name) => resolveProfile(login.shared, { name, source: "flag" }))
    .filter((p) => isRoleProfile(p.settings) && sessionBase(p) === login.name);
}

/**
 * The cache files a profile's credentials come from: the role cache entry of
 * each role of its chain and the login cache entry its chain ends at (what a
 * long-running server watches to learn that the user did something, e.g. a
 * new login, or a role assumed with an MFA code at a terminal).
 */
export async function cacheFilesOf(
  profile: ResolvedProfile,
  env: Env,
): Promise<string[]> {
  const files: string[] = [];
  let base = profile;
  if (isRoleProfile(profile.settings)) {
    let chain;
    try {
      chain = roleChain(profile, 0);
    } catch {
      return files;
    }
    const dir = roleCacheDir(env);
    for (const role of chain) {
      files.push(roleCacheFile(dir, await roleCacheKey(role.args)));
    }
    const source = chain[chain.length - 1]!.sourceProfile;
    if (source === undefined) return files;
    base = resolveProfile(profile.shared, { name: source, source: "flag" });
  }
  const session = stringSetting(base.settings, "login_session");
  if (session !== undefined) {
    files.push(await cacheFilePath(loginCacheDir(env), session));
  }
  return files;
}
