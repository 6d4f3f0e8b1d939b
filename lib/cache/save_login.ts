/**
 * Saving a login: the cache entry and the profile's settings in the config
 * file, both prepared before either is written, and the entry taken back if
 * the config cannot be written, so a failed login leaves nothing behind.
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
 * });
 * ```
 * @module
 */

import { configSectionFor, sectionIsProfile } from "../config/profiles.ts";
import { updateConfigText } from "../config/writer.ts";
import { readTextFile, writeFileAtomic } from "../util/files.ts";
import { writeCacheFile } from "./login_cache_write.ts";

/** What a login writes. */
export interface LoginToSave {
  readonly configPath: string;
  readonly profile: string;
  /** Settings for the profile's section (`login_session`, and `region` when the user was asked for it). */
  readonly values: Readonly<Record<string, string>>;
  readonly cacheFile: string;
  readonly cacheJson: string;
  readonly debug?: (message: string) => void;
}

/** Writes the cache entry, then the config (only if it changes); removes the entry again if the config write fails. */
export async function saveLogin(login: LoginToSave): Promise<void> {
  const debug = login.debug ?? (() => {});
  const configText = await readTextFile(login.configPath);
  const section = configSectionFor(login.profile);
  const newConfig = updateConfigText(
    configText,
    { section, alsoMatches: sectionIsProfile(login.profile) },
    login.values,
    login.configPath,
  );
  await writeCacheFile(login.cacheFile, login.cacheJson);
  debug(`wrote the login cache entry ${login.cacheFile}`);
  if (newConfig === configText) return;
  try {
    await writeFileAtomic(login.configPath, newConfig, { newFileMode: 0o600 });
  } catch (error) {
    await Deno.remove(login.cacheFile).catch(() => {});
    throw error;
  }
  debug(`updated [${section}] in ${login.configPath}`);
}
