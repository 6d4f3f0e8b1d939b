/**
 * Replacing files safely (reading them: `read.ts`): atomically (a
 * temporary file renamed over the target), with the right mode from the
 * start, through symbolic links where the user put them (dotfile managers
 * link `~/.aws/config`) and never where they must not be (the login cache),
 * and, for read-modify-write, under a lock beside the file so concurrent
 * writers lose nothing.
 *
 * @example
 * ```ts
 * const path = await Deno.makeTempFile();
 * import { readTextFile } from "./read.ts";
 * const text = await readTextFile(path); // null when missing
 * await writeFileAtomic(path, text ?? "", { newFileMode: 0o600 });
 * await updateFileLocked(path, (old) => `${old ?? ""}more\n`, { now: Date.now });
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { type LockOptions, withFileLock } from "./lock.ts";
import { dirName, joinPath } from "./path.ts";
import { readTextFile, refuseSymlink } from "./read.ts";

/** Options for {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode for a file that does not exist yet (an existing file keeps its mode). Default 0o600. */
  readonly newFileMode?: number;
  /** Mode the file always gets, whatever it had before (the login cache: 0o600). */
  readonly mode?: number;
  /** Mode for folders that have to be created. Default 0o700. */
  readonly dirMode?: number;
  /**
   * Refuse a target that is a symbolic link instead of writing through it
   * (the login cache: a planted link must not receive secrets).
   */
  readonly noFollow?: boolean;
  /** Called after the temporary file is complete and before it replaces the target (tests use it to crash there). */
  readonly beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** Follows symbolic links to the file they finally point at (which may not exist yet). */
async function resolveLinks(path: string): Promise<string> {
  let current = path;
  for (let hops = 0; hops < 40; hops++) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(current);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return current;
      throw error;
    }
    if (!info.isSymlink) return current;
    const target = await Deno.readLink(current);
    const absolute = target.startsWith("/") || /^[A-Za-z]:[\\/]/.test(target);
    current = absolute ? target : joinPath(dirName(current), target);
  }
  throw new ConfigurationError(
    `Cannot write "${path}": too many symbolic links.`,
  );
}

// Our temporary files: `.NAME.aws-signin-XXXXXXXX.tmp`. One older than this was left by a crash.
const TEMP_MAX_AGE_MS = 5 * 60_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Removes our own temporary files for `base` in `dir` that a crash left behind (best effort). */
async function removeStaleTemps(dir: string, base: string): Promise<void> {
  const ours = new RegExp(
    `^\\.${escapeRegExp(base)}\\.aws-signin-[0-9a-f]{8}\\.tmp$`,
  );
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !ours.test(entry.name)) continue;
      const path = joinPath(dir, entry.name);
      const info = await Deno.lstat(path);
      if (info.mtime && Date.now() - info.mtime.getTime() > TEMP_MAX_AGE_MS) {
        await Deno.remove(path).catch(() => {});
      }
    }
  } catch {
    // Cleaning up is a courtesy; the write itself reports real problems.
  }
}

/**
 * Replaces a file's contents so that a crash at any point leaves either the
 * old file or the new one: the data goes to a temporary file in the same
 * folder (with the final mode from the start), is flushed to disk, and is then
 * renamed over the target. A symbolic link is written through (the file it
 * points at changes and the link stays a link) unless `noFollow` refuses it.
 * Our own temporary files that a crash left beside the file are removed.
 *
 * @returns the real path that was written.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<string> {
  if (options.noFollow) refuseSymlink(path, "the file");
  const target = options.noFollow ? path : await resolveLinks(path);
  const dir = dirName(target);
  let mode = options.mode ?? options.newFileMode ?? 0o600;
  try {
    const info = await Deno.stat(target);
    if (info.isDirectory) {
      throw new ConfigurationError(
        `Cannot write "${target}": it is a folder, not a file.`,
      );
    }
    if (info.mode !== null && options.mode === undefined) {
      mode = info.mode & 0o7777;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    await Deno.mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  }
  const base = target.slice(dir.length + 1);
  await removeStaleTemps(dir, base);
  const temp = joinPath(
    dir,
    `.${base}.aws-signin-${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  const bytes = typeof data === "string"
    ? new TextEncoder().encode(data)
    : data;
  try {
    const file = await Deno.open(temp, { write: true, createNew: true, mode });
    try {
      if (Deno.build.os !== "windows") await Deno.chmod(temp, mode); // the umask must not change it
      let written = 0;
      while (written < bytes.length) {
        written += await file.write(bytes.subarray(written));
      }
      await file.sync();
    } finally {
      file.close();
    }
    await options.beforeRename?.(temp);
    await Deno.rename(temp, target);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(
      `Cannot write "${target}": ${(error as Error).message}.`,
      { cause: error },
    );
  }
  return target;
}

/** The lock file that serializes read-modify-write of a shared file: `.NAME.lock` beside it. */
export function fileLockPath(path: string): string {
  const dir = dirName(path);
  return joinPath(dir, `.${path.slice(dir.length + 1)}.lock`);
}

/**
 * Reads a file, computes its new text and writes it atomically, all while
 * holding an exclusive lock beside the file, so that concurrent writers (our
 * own, in other processes) each see the others' changes. `update` returns
 * `undefined` to leave the file as it is.
 *
 * @returns what `update` returned.
 */
export async function updateFileLocked(
  path: string,
  update: (text: string | null) => string | undefined,
  options: AtomicWriteOptions & Omit<LockOptions, "purpose">,
): Promise<string | undefined> {
  const dir = dirName(path);
  try {
    await Deno.mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  } catch (error) {
    throw new ConfigurationError(
      `Cannot create the folder "${dir}": ${(error as Error).message}.`,
      { cause: error },
    );
  }
  return await withFileLock(fileLockPath(path), async () => {
    const next = update(await readTextFile(path));
    if (next !== undefined) await writeFileAtomic(path, next, options);
    return next;
  }, {
    timeoutMs: 10_000,
    ...options,
    purpose: `to finish writing "${path}"`,
  });
}
