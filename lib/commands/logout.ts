/**
 * `aws-signin logout`: the AWS CLI's `aws logout` (protocol.md §10). Removes
 * the cached credentials of the profile's login session (or, with `--all`,
 * every login cache entry), and, beyond the AWS CLI, the cached credentials
 * of the roles assumed from it (`~/.aws/cli/cache`), so that logging out ends
 * access. The config keeps its `login_session`; nothing is revoked on the
 * server.
 *
 * @example
 * ```sh
 * aws-signin logout --profile dev
 * aws-signin logout --all
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { joinPath } from "../util/path.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import {
  cacheFilePath,
  lockFilePath,
  loginCacheDir,
  signInMarkerPath,
} from "../cache/login_cache.ts";
import { roleCacheDir } from "../cache/role_cache.ts";
import type { SharedConfig } from "../config/profiles.ts";
import { withFileLock } from "../util/lock.ts";
import {
  removeIfExists,
  removeRoleEntries,
  roleEntriesBuiltOn,
  roleMessage,
} from "./_role_sweep.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "logout",
  summary: "Remove the cached login credentials of a profile (or all of them).",
  description:
    'Deletes the login cache entry of the profile\'s login session, exactly as "aws logout" does. The profile ' +
    'keeps its login_session setting, so "aws-signin login" signs it in again. Tools that already loaded the ' +
    "credentials may keep using them until they expire (at most 15 minutes).\n\n" +
    "With --all, every file in the login cache folder that is a login cache entry is removed; other files are " +
    "left alone.\n\n" +
    "Unlike the AWS CLI, logout also ends the access of roles assumed from the session: the role credentials " +
    "cached in ~/.aws/cli/cache for every role profile whose chain ends at the session (with --all: at any " +
    "login session) are removed too, and the message says how many. Role credentials assumed from other " +
    "sources stay.",
  flags: {
    profile: PROFILE_FLAG,
    all: {
      type: "boolean",
      help: "Remove every cached login session, not just the profile's.",
    },
  },
  positionals: [],
  examples: [
    "aws-signin logout",
    "aws-signin logout --profile dev",
    "aws-signin logout --all",
  ],
};

/**
 * Removes a cache entry while holding its lock, so a refresh in flight
 * finishes first and cannot bring the entry back. The lock file stays: a
 * process waiting on it must keep waiting on the same file.
 */
async function removeEntry(path: string, ctx: Context): Promise<boolean> {
  try {
    await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
  return await withFileLock(lockFilePath(path), async ({ waited }) => {
    if (waited) ctx.debug("waited for a refresh in flight to finish");
    await Deno.remove(signInMarkerPath(path)).catch(() => {});
    return await removeIfExists(path);
  }, {
    now: ctx.now,
    sleep: ctx.sleep,
    timeoutMs: 30_000,
    purpose: "to finish refreshing the login session",
  });
}

function isLoginCacheEntry(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    const at = (value as { accessToken?: unknown } | null)?.accessToken;
    return at !== null && typeof at === "object" && !Array.isArray(at) &&
      "accessKeyId" in at;
  } catch {
    return false;
  }
}

/** Runs `logout`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const dir = loginCacheDir(ctx.env);
  if (args.bool("all")) {
    let removed = 0;
    let entries: Deno.DirEntry[] = [];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isFile || entry.name.endsWith(".lock")) continue;
      const path = joinPath(dir, entry.name);
      let text: string;
      try {
        text = await Deno.readTextFile(path);
      } catch {
        continue;
      }
      if (!isLoginCacheEntry(text)) continue;
      if (await removeEntry(path, ctx)) removed++;
      ctx.debug(`removed ${path}`);
    }
    await ctx.io.out(
      removed > 0
        ? `Removed ${removed} cached login credential${
          removed === 1 ? "" : "s"
        }. Note, any local developer tools ` +
          "that have already loaded access tokens may continue to use them until their expiration. Access tokens " +
          "expire in 15 minutes.\n"
        : "No cached login session tokens found.\n",
    );
    let shared: SharedConfig;
    try {
      shared = await loadSharedConfig(ctx.env);
    } catch (error) {
      ctx.warn(
        `Cached role credentials were not removed: ${(error as Error).message}`,
      );
      return 0;
    }
    const roles = await removeRoleEntries(
      await roleEntriesBuiltOn(
        shared,
        (base) => stringSetting(base.settings, "login_session") !== undefined,
        roleCacheDir(ctx.env),
      ),
      ctx,
    );
    await ctx.io.out(roleMessage(roles, "login sessions"));
    return 0;
  }
  const shared = await loadSharedConfig(ctx.env);
  const resolved = resolveProfile(
    shared,
    selectProfile(args.string("profile"), ctx.env),
  );
  const profile = resolved.name;
  const session = stringSetting(resolved.settings, "login_session");
  if (!session) {
    await ctx.io.err(
      `warning: no login session found for profile '${profile}'\n`,
    );
    return 0;
  }
  const path = await cacheFilePath(dir, session);
  const removed = await removeEntry(path, ctx);
  ctx.debug(removed ? `removed ${path}` : `${path} did not exist`);
  await ctx.io.out(
    `Removed cached login credentials for profile '${profile}'. Note, any local developer tools that have ` +
      "already loaded the access token may continue to use it until its expiration. Access tokens expire in 15 " +
      "minutes.\n",
  );
  const roles = await removeRoleEntries(
    await roleEntriesBuiltOn(
      shared,
      (base) => stringSetting(base.settings, "login_session") === session,
      roleCacheDir(ctx.env),
    ),
    ctx,
  );
  await ctx.io.out(roleMessage(roles, "this session"));
  return 0;
}
