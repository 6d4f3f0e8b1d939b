/**
 * What `logout` and `sso logout` share: finding the role credentials cached
 * (`~/.aws/cli/cache`) for role profiles whose chain rests on the sessions
 * being ended, and removing them, each under its lock, so that logging out
 * ends the access of roles assumed from a session too.
 *
 * @example
 * ```ts
 * import type { SharedConfig } from "../config/profiles.ts";
 * declare const shared: SharedConfig;
 * const files = await roleEntriesBuiltOn(shared, (p) => p.name === "dev", "/home/me/.aws/cli/cache");
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { SharedConfig } from "../config/profiles.ts";
import { type ResolvedProfile, resolveProfile } from "../config/selection.ts";
import { roleCacheFile, roleCacheKey } from "../cache/role_cache.ts";
import { isRoleProfile, roleChain } from "../credentials/role_config.ts";
import { withFileLock } from "../util/lock.ts";

/** Removes a file; false when it was not there. */
export async function removeIfExists(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The role cache entries of every role profile whose chain of source
 * profiles ends at a profile `base` accepts (one with a given login session,
 * an IAM Identity Center profile), every level of the chain included, with
 * the profiles they serve.
 */
export async function roleEntriesBuiltOn(
  shared: SharedConfig,
  base: (profile: ResolvedProfile) => boolean,
  dir: string,
): Promise<Map<string, string[]>> {
  const files = new Map<string, string[]>();
  const names = new Set([
    ...shared.configProfiles.keys(),
    ...shared.credentialProfiles.keys(),
  ]);
  for (const name of names) {
    const profile = resolveProfile(shared, { name, source: "flag" });
    if (!isRoleProfile(profile.settings)) continue;
    let chain;
    try {
      chain = roleChain(profile, 0);
    } catch {
      continue; // a broken chain assumes nothing
    }
    const last = chain[chain.length - 1]!.sourceProfile;
    if (last === undefined) continue;
    if (!base(resolveProfile(shared, { name: last, source: "flag" }))) continue;
    for (const config of chain) {
      const file = roleCacheFile(dir, await roleCacheKey(config.args));
      files.set(file, [...(files.get(file) ?? []), name]);
    }
  }
  return files;
}

/** Removes the role cache entries (each under its lock, so an AssumeRole in flight cannot bring it back); returns the profiles whose entries went. */
export async function removeRoleEntries(
  files: ReadonlyMap<string, readonly string[]>,
  ctx: Context,
): Promise<{ count: number; profiles: string[] }> {
  let count = 0;
  const profiles = new Set<string>();
  for (const [file, names] of files) {
    try {
      await Deno.lstat(file);
    } catch {
      continue;
    }
    const removed = await withFileLock(
      `${file}.lock`,
      () => removeIfExists(file),
      {
        now: ctx.now,
        sleep: ctx.sleep,
        timeoutMs: 60_000,
        purpose: "to finish assuming the role",
      },
    );
    if (removed) {
      count++;
      for (const n of names) profiles.add(n);
      ctx.debug(`removed the role cache entry ${file}`);
    }
  }
  return { count, profiles: [...profiles].sort() };
}

/** "Removed N cached role credentials assumed from … (profiles …)." or nothing. */
export function roleMessage(
  removed: { count: number; profiles: string[] },
  from: string,
): string {
  if (removed.count === 0) return "";
  return `Removed ${removed.count} cached role credential${
    removed.count === 1 ? "" : "s"
  } assumed from ${from} (profile${removed.profiles.length === 1 ? "" : "s"} ${
    removed.profiles.join(", ")
  }). Tools that already loaded them may use them until they expire.\n`;
}
