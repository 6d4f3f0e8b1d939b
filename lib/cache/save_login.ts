/**
 * Saving a login: the cache entry and the profile's settings in the config
 * file. Both are written under their locks (the entry's, which a refresh in
 * flight holds, so a new login is never overwritten by an old session's
 * refresh; and the config file's, so a concurrent `configure set` loses
 * nothing), and the entry is taken back if the config cannot be written, so
 * a failed login leaves nothing behind.
 *
 * @example
 * ```ts
 * const dir = await Deno.makeTempDir();
 * await saveLogin({
 *   configPath: `${dir}/config`,
 *   profile: "dev",
 *   values: { login_session: "arn:aws:iam::111122223333:user/demo" },
 *   cacheFile: `${dir}/cache/entry.json`,
 *   cacheJson: "{}",
 *   now: Date.now,
 * });
 * ```
 * @module
 */

import { configSectionFor, sectionIsProfile } from "../config/profiles.ts";
import { updateConfigText } from "../config/writer.ts";
import { updateFileLocked } from "../util/files.ts";
import { readTextFile } from "../util/read.ts";
import { withFileLock } from "../util/lock.ts";
import { lockFilePath, signInMarkerPath } from "./login_cache.ts";
import { writeCacheFile } from "./login_cache_write.ts";

/** What a login writes. */
export interface LoginToSave {
  readonly configPath: string;
  readonly profile: string;
  /** Settings for the profile's section (`login_session`, and `region` when the user was asked for it). */
  readonly values: Readonly<Record<string, string>>;
  readonly cacheFile: string;
  readonly cacheJson: string;
  readonly now: () => number;
  readonly debug?: (message: string) => void;
}

/**
 * Writes the cache entry, then the config (only if it changes); removes the
 * entry again if the config write fails.
 *
 * @throws {ConfigParseError} before writing anything when the config file cannot be parsed.
 */
export async function saveLogin(login: LoginToSave): Promise<void> {
  const debug = login.debug ?? (() => {});
  const section = configSectionFor(login.profile);
  const newText = (text: string | null) =>
    updateConfigText(
      text,
      { section, alsoMatches: sectionIsProfile(login.profile) },
      login.values,
      login.configPath,
    );
  // Refuse a config file we cannot update before anything is written.
  newText(await readTextFile(login.configPath));
  await withFileLock(lockFilePath(login.cacheFile), async ({ waited }) => {
    if (waited) debug("waited for another process's refresh to finish");
    await writeCacheFile(login.cacheFile, login.cacheJson);
    debug(`wrote the login cache entry ${login.cacheFile}`);
    // A sign-in on purpose ends --auto-login's cool-down after a refused one.
    await Deno.remove(signInMarkerPath(login.cacheFile)).catch(() => {});
    try {
      await updateFileLocked(login.configPath, (text) => {
        const next = newText(text);
        return next === text ? undefined : next;
      }, { newFileMode: 0o600, now: login.now });
    } catch (error) {
      await Deno.remove(login.cacheFile).catch(() => {});
      throw error;
    }
  }, {
    now: login.now,
    timeoutMs: 30_000,
    purpose: "to finish refreshing this login session",
  });
  debug(`updated [${section}] in ${login.configPath}`);
}
