/**
 * A cross-process lock on a file, with `Deno.FsFile.tryLock` (an advisory
 * `flock`). The kernel drops the lock when its holder dies, so a killed
 * process never leaves a stale lock; a live but stuck holder is waited for
 * only until the deadline. The clock and the wait between tries come from the
 * caller.
 *
 * A holder that starts something long (a sign-in in the browser) says so
 * with {@linkcode announceOnHeldLocks}: a note beside each lock it holds
 * (`LOCK.note`, a side file so that Windows, whose locks are mandatory, can
 * read it) with what it does and until when. Waiters read it and wait that
 * long, and say what they waited for.
 *
 * @example
 * ```ts
 * const path = `${await Deno.makeTempDir()}/entry.json.lock`;
 * const answer = await withFileLock(path, () => Promise.resolve(42), { now: Date.now });
 * ```
 * @module
 */

import {
  AwsSigninError,
  ConfigurationError,
  InterruptedError,
} from "../errors.ts";
import { realSleep, type Sleep } from "./sleep.ts";

/** Options of {@linkcode withFileLock}. */
export interface LockOptions {
  /** The clock (milliseconds since the epoch). */
  readonly now: () => number;
  /** Waits between tries. Default: real timers. */
  readonly sleep?: Sleep;
  /** Give up after this long. Default 30 s. */
  readonly timeoutMs?: number;
  /** What the holder is doing, for the timeout message. Default "to finish refreshing the login session". */
  readonly purpose?: string;
  readonly signal?: AbortSignal | undefined;
  readonly debug?: (message: string) => void;
  /** Told once when the holder's note says it is doing something long (see {@linkcode announceOnHeldLocks}). */
  readonly onNote?: (note: LockNote) => void;
}

/** What a lock's holder said it is doing, and until when it may take. */
export interface LockNote {
  /** E.g. "to finish signing in again in the browser for profile 'dev'". */
  readonly what: string;
  /** Milliseconds since the epoch. */
  readonly until: number;
}

/** The locks this process holds now (a waiter in the same process is another holder-to-be). */
const held = new Set<string>();

function notePath(lock: string): string {
  return `${lock}.note`;
}

function readNote(lock: string): LockNote | undefined {
  try {
    const info = Deno.lstatSync(notePath(lock));
    if (!info.isFile || info.size > 4096) return undefined;
    const value = JSON.parse(Deno.readTextFileSync(notePath(lock)));
    return typeof value?.what === "string" && Number.isFinite(value?.until)
      ? { what: value.what.slice(0, 300), until: value.until }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tells whoever waits for a lock this process holds what it is doing and
 * until when (a note beside each held lock; removed when the lock goes).
 */
export async function announceOnHeldLocks(note: LockNote): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(note));
  for (const lock of held) {
    // A new file every time (O_EXCL never follows a link someone planted); readers skip a partial one.
    try {
      await Deno.remove(notePath(lock)).catch(() => {});
      const file = await Deno.open(notePath(lock), {
        write: true,
        createNew: true,
        mode: 0o600,
      });
      try {
        await file.write(bytes);
      } finally {
        file.close();
      }
    } catch {
      // A note is a courtesy to waiters: without it they wait as long as they would anyway.
    }
  }
}

/** Another process held the lock for longer than the caller was willing to wait. */
export class LockTimeoutError extends AwsSigninError {
  /** The lock file. */
  readonly path: string;
  constructor(path: string, purpose: string) {
    super(
      `Timed out waiting for another process ${purpose} (lock file "${path}"). ` +
        `Run the command again; if this keeps happening, end the process that holds the lock.`,
    );
    this.name = "LockTimeoutError";
    this.path = path;
  }
}

/** Opens the lock file, creating it (0600) if missing, but never through a link or onto something else. */
async function openLockFile(path: string): Promise<Deno.FsFile> {
  const odd = (why: string) =>
    new ConfigurationError(
      `The lock file "${path}" ${why}, so aws-signin cannot lock it. Remove it and run the command again.`,
    );
  try {
    const info = await Deno.lstat(path);
    if (info.isSymlink) throw odd("is a symbolic link");
    if (!info.isFile) throw odd("is not a regular file");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      if (error instanceof ConfigurationError) throw error;
      throw odd(`cannot be read (${(error as Error).message})`);
    }
  }
  try {
    return await Deno.open(path, {
      read: true,
      write: true,
      create: true,
      mode: 0o600,
    });
  } catch (error) {
    throw odd(`cannot be opened (${(error as Error).message})`);
  }
}

/**
 * Runs `fn` while holding an exclusive lock on `path` (created with mode 0600
 * if missing); `fn` learns whether it had to wait for another holder.
 */
export async function withFileLock<T>(
  path: string,
  fn: (info: { readonly waited: boolean }) => Promise<T>,
  options: LockOptions,
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const file = await openLockFile(path);
  try {
    const patience = options.timeoutMs ?? 30_000;
    let deadline = options.now() + patience;
    let purpose = options.purpose ?? "to finish refreshing the login session";
    let waited = false;
    let noteSeen: number | undefined;
    let lastLook = -Infinity;
    while (held.has(path) || !(await file.tryLock(true))) {
      if (options.signal?.aborted) throw new InterruptedError();
      const now = options.now();
      if (now - lastLook >= 200) {
        lastLook = now;
        const note = readNote(path);
        // A holder busy with something long: wait for it, and for what it does after (our usual patience).
        if (note && note.until > now && note.until !== noteSeen) {
          noteSeen = note.until;
          deadline = Math.max(deadline, note.until + patience);
          purpose = note.what;
          options.onNote?.(note);
          // Whoever waits for a lock this process holds (a role built on this session) waits as long.
          await announceOnHeldLocks(note);
        }
      }
      if (now > deadline) throw new LockTimeoutError(path, purpose);
      if (!waited) {
        options.debug?.(
          `waiting for the lock ${path} (another process holds it)`,
        );
      }
      waited = true;
      await sleep(15 + Math.random() * 20, options.signal);
    }
    held.add(path);
    try {
      return await fn({ waited });
    } finally {
      held.delete(path);
      await Deno.remove(notePath(path)).catch(() => {});
      await file.unlock().catch(() => {});
    }
  } finally {
    file.close();
  }
}
