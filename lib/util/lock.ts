/**
 * A cross-process lock on a file, with `Deno.FsFile.tryLock` (an advisory
 * `flock`). The kernel drops the lock when its holder dies, so a killed
 * process never leaves a stale lock; a live but stuck holder is waited for
 * only until the deadline. The clock and the wait between tries come from the
 * caller.
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
    const deadline = options.now() + (options.timeoutMs ?? 30_000);
    let waited = false;
    while (!(await file.tryLock(true))) {
      if (options.signal?.aborted) throw new InterruptedError();
      if (options.now() > deadline) {
        throw new LockTimeoutError(
          path,
          options.purpose ?? "to finish refreshing the login session",
        );
      }
      if (!waited) {
        options.debug?.(
          `waiting for the lock ${path} (another process holds it)`,
        );
      }
      waited = true;
      await sleep(15 + Math.random() * 20, options.signal);
    }
    try {
      return await fn({ waited });
    } finally {
      await file.unlock().catch(() => {});
    }
  } finally {
    file.close();
  }
}
