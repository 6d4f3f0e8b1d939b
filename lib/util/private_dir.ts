/**
 * A private folder (0700) of this process in the temp folder, named
 * `<prefix><pid>-<random>`, with a marker file the process holds locked for
 * as long as it runs; and the sweep of such folders that processes left
 * behind when they could not remove them (SIGKILL, out of memory, power
 * loss).
 *
 * The sweep removes a folder only when everything says it is a dead run's of
 * ours: its name, a real folder (never a link, which is not followed), owned
 * by the current user, its process gone, and its marker (when there is one)
 * locked by nobody. Anything else in the temp folder is left alone.
 *
 * @example
 * ```ts
 * await using dir = await makePrivateDir("aws-signin-exec-");
 * const tempDir = dir.path.slice(0, dir.path.lastIndexOf("/"));
 * await sweepPrivateDirs("aws-signin-exec-", tempDir); // [] unless a run was killed
 * ```
 * @module
 */

import { joinPath } from "./path.ts";

/** The marker file in each folder, locked by its owner while it runs. */
const MARKER = ".owner";

/** A private folder; disposing of it removes it. */
export interface PrivateDir extends AsyncDisposable {
  /** The folder's path. */
  readonly path: string;
}

/**
 * Makes a private folder in the temp folder (`TMPDIR`), owned by this
 * process (its pid in the name, its lock on the marker).
 */
export async function makePrivateDir(prefix: string): Promise<PrivateDir> {
  const path = await Deno.makeTempDir({ prefix: `${prefix}${Deno.pid}-` });
  let marker: Deno.FsFile | undefined;
  const remove = async () => {
    // The lock first (a file open on Windows cannot be removed); the pid in the name keeps sweeps away meanwhile.
    marker?.close();
    marker = undefined;
    await Deno.remove(path, { recursive: true }).catch(() => {});
  };
  try {
    if (Deno.build.os !== "windows") await Deno.chmod(path, 0o700);
    marker = await Deno.open(joinPath(path, MARKER), {
      createNew: true,
      write: true,
      mode: 0o600,
    });
    await marker.lock(true);
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, [Symbol.asyncDispose]: remove };
}

/**
 * Whether process `pid` exists (one of another user counts), asked with
 * signal 0, which sends nothing; undefined where this cannot be told
 * (Windows takes no signal 0: its folders are never swept).
 */
function processExists(pid: number): boolean | undefined {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false; // ESRCH
    return error instanceof Deno.errors.PermissionDenied ? true : undefined;
  }
}

/** Whether nobody holds the folder's marker locked (true when it has none). */
async function markerFree(dir: string, uid: number | null): Promise<boolean> {
  const path = joinPath(dir, MARKER);
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    // Its owner ended before it made the marker: nothing else was written yet.
    return error instanceof Deno.errors.NotFound;
  }
  if (!info.isFile || (uid !== null && info.uid !== uid)) return false;
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(path, { read: true, write: true });
    return await file.tryLock(true);
  } catch {
    return false;
  } finally {
    file?.close();
  }
}

/**
 * Removes the folders `prefix<pid>-<random>` in `dir` whose process has
 * ended; errors leave a folder where it is.
 *
 * @returns the folders removed.
 */
export async function sweepPrivateDirs(
  prefix: string,
  dir: string,
): Promise<string[]> {
  const name = new RegExp(
    `^${
      prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    }(\\d{1,10})-[0-9A-Za-z]+$`,
  );
  const uid = Deno.uid();
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const pid = Number(name.exec(entry.name)?.[1]);
    if (!(pid > 0) || pid === Deno.pid) continue;
    const path = joinPath(dir, entry.name);
    try {
      const info = await Deno.lstat(path);
      if (!info.isDirectory || info.isSymlink) continue;
      if (uid !== null && info.uid !== uid) continue;
      if (processExists(pid) !== false) continue;
      if (!(await markerFree(path, uid))) continue;
      await Deno.remove(path, { recursive: true });
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }
  return removed;
}
