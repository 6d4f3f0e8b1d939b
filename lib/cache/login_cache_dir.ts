/**
 * The login cache folder, kept private: created 0700, tightened when it is
 * group- or world-accessible (or a warning when it is not ours to change),
 * and checked by `login` before it asks the user for anything.
 *
 * @example
 * ```ts
 * await checkCacheDirWritable(await Deno.makeTempDir(), (m) => console.warn(m));
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { joinPath } from "../util/path.ts";

/** What a private cache folder is called in messages, and what to do when it cannot be used. */
export interface CacheDirNames {
  /** e.g. "login cache folder". */
  readonly what: string;
  /** The sentence that says what to do when the folder cannot be created. */
  readonly fix: string;
}

const LOGIN_CACHE: CacheDirNames = {
  what: "login cache folder",
  fix: "Set AWS_LOGIN_CACHE_DIRECTORY to a folder you can write to.",
};

/**
 * Makes sure a cache folder exists with mode 0700: created so, or
 * tightened when it is group- or world-accessible and ours (when it is not
 * ours, `warn` says so). The login cache folder by default; the role cache
 * folder follows the same rule.
 *
 * @throws {ConfigurationError} with `names.fix` when it cannot be created.
 */
export async function prepareCacheDir(
  dir: string,
  warn: (message: string) => void,
  names: CacheDirNames = LOGIN_CACHE,
): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await Deno.stat(dir);
    if (!info.isDirectory) throw new Error("it is not a folder");
    if (Deno.build.os === "windows" || info.mode === null) return;
    if ((info.mode & 0o077) !== 0) {
      // Only the owner may change the mode: that is how we learn whether it is ours.
      await Deno.chmod(dir, 0o700).catch(() =>
        warn(
          `The ${names.what} "${dir}" can be read by other users (mode ${
            (info.mode! & 0o777).toString(8)
          }) and belongs to someone else, so aws-signin cannot make it private. Make it mode 700.`,
        )
      );
    }
  } catch (error) {
    throw new ConfigurationError(
      `Cannot use the ${names.what} "${dir}": ${
        (error as Error).message
      }. ${names.fix}`,
    );
  }
}

/**
 * Checks, before a login asks the user for anything, that its cache entry
 * can be saved: the folder exists (or is created) and takes a file.
 *
 * @throws {ConfigurationError} naming `AWS_LOGIN_CACHE_DIRECTORY` when it cannot.
 */
export async function checkCacheDirWritable(
  dir: string,
  warn: (message: string) => void,
): Promise<void> {
  await prepareCacheDir(dir, warn);
  const probe = joinPath(dir, `.aws-signin-probe-${crypto.randomUUID()}`);
  try {
    await Deno.writeTextFile(probe, "", { createNew: true, mode: 0o600 });
  } catch (error) {
    throw new ConfigurationError(
      `Cannot write to the login cache folder "${dir}": ${
        (error as Error).message
      }. Set AWS_LOGIN_CACHE_DIRECTORY to a folder you can write to.`,
    );
  } finally {
    await Deno.remove(probe).catch(() => {});
  }
}
