/**
 * Reading small text files, and replacing files safely (atomically, with
 * the right mode from the start, through symbolic links).
 *
 * @example
 * ```ts
 * const path = await Deno.makeTempFile();
 * const text = await readTextFile(path); // null when missing
 * await writeFileAtomic(path, text ?? "", { newFileMode: 0o600 });
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { dirName, joinPath } from "./path.ts";

/**
 * Reads a UTF-8 text file, synchronously: these files are small, and the
 * `credential_process` path has no time to spare.
 *
 * @returns the text, or `null` when the file does not exist.
 * @throws {ConfigurationError} when it exists but cannot be read or is not UTF-8.
 */
export function readTextFileSync(path: string): string | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (error instanceof Deno.errors.IsADirectory) {
      throw new ConfigurationError(
        `Cannot read "${path}": it is a folder, not a file.`,
      );
    }
    throw new ConfigurationError(
      `Cannot read "${path}": ${(error as Error).message}.`,
      { cause: error },
    );
  }
  // Invalid UTF-8 decodes to U+FFFD; tell it apart from a real U+FFFD in the file.
  if (text.includes("\uFFFD")) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(Deno.readFileSync(path));
    } catch {
      throw new ConfigurationError(
        `Cannot read "${path}": it is not UTF-8 text. Save it as UTF-8 and run the command again.`,
      );
    }
  }
  return text;
}

/** {@linkcode readTextFileSync}, for async callers. */
export function readTextFile(path: string): Promise<string | null> {
  try {
    return Promise.resolve(readTextFileSync(path));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Options for {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode for a file that does not exist yet (an existing file keeps its mode). Default 0o600. */
  readonly newFileMode?: number;
  /** Mode the file always gets, whatever it had before (the login cache: 0o600). */
  readonly mode?: number;
  /** Mode for folders that have to be created. Default 0o700. */
  readonly dirMode?: number;
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

/**
 * Replaces a file's contents so that a crash at any point leaves either the
 * old file or the new one: the data goes to a temporary file in the same
 * folder (with the final mode from the start), is flushed to disk, and is then
 * renamed over the target. A symbolic link is written through: the file it
 * points at changes and the link stays a link.
 *
 * @returns the real path that was written.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<string> {
  const target = await resolveLinks(path);
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
