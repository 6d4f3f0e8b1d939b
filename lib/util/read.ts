/**
 * Reading the small files this tool reads on every call (the shared config
 * files, cache entries): synchronously, as text, with errors that name the
 * file, and never through a link where one must not be.
 *
 * @example
 * ```ts
 * const text = readTextFileSync("/nonexistent/config"); // null: no such file
 * refuseSymlink("/nonexistent/entry.json", "the login cache entry"); // nothing to refuse
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";

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

/**
 * Whether a file may exist, from its folder's listing rather than an attempt
 * to open it: on the `credential_process` path the usual shared credentials
 * file is missing, and the first exception a process throws costs some
 * 0.4 ms (a listing, about 0.1 ms). `true` whenever in doubt: the folder
 * cannot be listed, or the name is not plain ASCII (file systems may store
 * it in another Unicode form).
 */
export function mayExist(path: string): boolean {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const name = path.slice(slash + 1).toLowerCase();
  if (slash < 1 || name === "" || !printableAscii(name)) return true;
  try {
    for (const entry of Deno.readDirSync(path.slice(0, slash))) {
      // Case-insensitive file systems (macOS, Windows) open any case.
      if (entry.name.toLowerCase() === name) return true;
    }
    return false;
  } catch {
    return true;
  }
}

function printableAscii(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** {@linkcode readTextFileSync}, for async callers. */
export function readTextFile(path: string): Promise<string | null> {
  try {
    return Promise.resolve(readTextFileSync(path));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Refuses a path that is a symbolic link (where links are never followed).
 *
 * @throws {ConfigurationError} naming the path.
 */
export function refuseSymlink(path: string, what: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw new ConfigurationError(
      `Cannot use ${what} "${path}": ${(error as Error).message}.`,
    );
  }
  if (info.isSymlink) {
    throw new ConfigurationError(
      `${what[0]!.toUpperCase()}${
        what.slice(1)
      } "${path}" is a symbolic link, and aws-signin never follows links ` +
        `there (a planted link could receive your credentials). Remove it and run the command again.`,
    );
  }
}

/**
 * Whether a path is certainly not a symbolic link, without `lstat` (whose
 * time fields make V8 load the time zone, a cost the hot path avoids): the
 * canonical path of the file is its folder's canonical path and its own
 * name, which is never so for a link. `false` when in doubt (no such file,
 * a name the file system spells otherwise): callers then take the long way.
 */
export function plainEntry(path: string): boolean {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  if (slash < 1) return false;
  try {
    return Deno.realPathSync(path) ===
      Deno.realPathSync(path.slice(0, slash)) + path.slice(slash);
  } catch {
    return false;
  }
}

let uid: number | null | undefined;

/**
 * This process's user id, or `null` where there is none (Windows) or it may
 * not be asked for (without `--allow-sys=uid`: never prompts).
 */
export function processUid(): number | null {
  if (uid === undefined) {
    try {
      uid = Deno.permissions.querySync({ name: "sys", kind: "uid" }).state ===
          "granted"
        ? Deno.uid()
        : null;
    } catch {
      uid = null;
    }
  }
  return uid;
}

/** Whether a file belongs to another user than this process's (`false` when either is unknown). */
export function ownedByAnotherUser(info: Deno.FileInfo): boolean {
  const mine = processUid();
  return info.uid !== null && mine !== null && info.uid !== mine;
}

/** A path's own information (a link is not followed), or `undefined` when there is nothing there. */
export function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}
