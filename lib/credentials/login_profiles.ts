/**
 * Which profiles rest on a session aws-signin signs in: the profiles with
 * `login_session`, the IAM Identity Center profiles (`sso_account_id` or
 * `sso_role_name`), and the role profiles whose chain of `source_profile`s
 * ends at one of them. What `status --all` lists and what `doctor` follows,
 * the cache files a profile's credentials come from, and the command that
 * signs it in again.
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
  loginCommand,
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
import {
  isSsoProfile,
  type SsoCredentialConfig,
  ssoCredentialConfig,
  ssoLoginCommand,
} from "../config/sso_config.ts";
import type { Env } from "../util/env.ts";
import { isRoleProfile, roleChain } from "./role_config.ts";
import { ssoRoleFile } from "./sso_role.ts";
import { ssoTokenFileOf } from "./sso_state.ts";

/** Whether aws-signin signs this (non-role) profile in: a login session, or IAM Identity Center. */
function signsIn(profile: ResolvedProfile): boolean {
  return stringSetting(profile.settings, "login_session") !== undefined ||
    isSsoProfile(profile.settings);
}

/**
 * The login (or IAM Identity Center) profile a role profile's chain ends at:
 * its name, `undefined` when the chain ends elsewhere (keys,
 * `credential_source`), or `null` when the chain is broken (a missing
 * source, a loop).
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
  return signsIn(base) ? source : undefined;
}

/**
 * Every profile with a `login_session`, every IAM Identity Center profile,
 * and every role profile built on one of them (or whose chain is broken, so
 * that what is wrong with it is shown), in the files' order.
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
      isRoleProfile(p.settings) ? sessionBase(p) !== undefined : signsIn(p)
    );
}

/** The role profiles whose chain ends at the login (or IAM Identity Center) profile `login`. */
export function rolesBuiltOn(login: ResolvedProfile): ResolvedProfile[] {
  return [...login.shared.configProfiles.keys()]
    .map((name) => resolveProfile(login.shared, { name, source: "flag" }))
    .filter((p) => isRoleProfile(p.settings) && sessionBase(p) === login.name);
}

/**
 * The cache files a profile's credentials come from: the role cache entry of
 * each role of its chain and the login cache entry its chain ends at, or the
 * IAM Identity Center token and role credentials files (what a long-running
 * server watches to learn that the user did something, e.g. a new login, an
 * `sso login`, or a role assumed with an MFA code at a terminal).
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
  const sso = ssoConfigOf(base);
  if (sso) {
    files.push(
      await ssoTokenFileOf(sso, { env }),
      await ssoRoleFile(sso, { env }),
    );
  }
  const session = stringSetting(base.settings, "login_session");
  if (session !== undefined) {
    files.push(await cacheFilePath(loginCacheDir(env), session));
  }
  return files;
}

/** An SSO profile's checked settings, or `undefined` (not an SSO profile, or one whose settings are wrong). */
function ssoConfigOf(
  profile: ResolvedProfile,
): SsoCredentialConfig | undefined {
  try {
    return ssoCredentialConfig(profile);
  } catch {
    return undefined;
  }
}

/** The non-role profile a profile's credentials rest on: itself, or the end of its role chain (if any). */
function baseOf(profile: ResolvedProfile): ResolvedProfile | undefined {
  if (!isRoleProfile(profile.settings)) return profile;
  const source = sessionBase(profile);
  return source
    ? resolveProfile(profile.shared, { name: source, source: "flag" })
    : undefined;
}

/**
 * The command that signs a profile's credentials in again: `aws-signin sso
 * login --sso-session S` (or `--profile P` for a legacy profile) when they
 * rest on IAM Identity Center, directly or through roles; else `aws-signin
 * login` for the profile.
 *
 * @example
 * ```ts
 * import type { ResolvedProfile } from "../config/selection.ts";
 * declare const dev: ResolvedProfile;
 * signInCommandOf(dev); // "aws-signin sso login --sso-session my-sso"
 * ```
 */
export function signInCommandOf(profile: ResolvedProfile): string {
  const base = baseOf(profile);
  const sso = base && ssoConfigOf(base);
  if (sso) {
    return ssoLoginCommand(
      sso.sessionName !== undefined
        ? { sessionName: sso.sessionName }
        : { profile: sso.profile },
    );
  }
  return loginCommand(profile.name);
}
