/**
 * A cross-process lock on a file beside a cache entry, with
 * `Deno.FsFile.tryLock` (an advisory `flock`). The kernel drops the lock when
 * its holder dies, so a killed process never leaves a stale lock; a live but
 * stuck holder is waited for only until the deadline.
 *
 * @example
 * ```ts
 * await withFileLock(`${cacheFile}.lock`, async () => { ...refresh... });
 * ```
 * @module
 */

import { AwsSigninError, InterruptedError } from "../errors.ts";

/** Options of {@linkcode withFileLock}. */
export interface LockOptions {
  /** Give up after this long. Default 30 s (longer than a refresh with its retries). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
  readonly debug?: (message: string) => void;
}

/** Runs `fn` while holding an exclusive lock on `path` (created with mode 0600 if missing). */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const file = await Deno.open(path, {
    read: true,
    write: true,
    create: true,
    mode: 0o600,
  });
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let waited = false;
    while (!(await file.tryLock(true))) {
      if (options.signal?.aborted) throw new InterruptedError();
      if (Date.now() > deadline) {
        throw new AwsSigninError(
          `Timed out waiting for another process to finish refreshing the login session (lock file "${path}"). ` +
            `Run the command again; if this keeps happening, end the process that holds the lock.`,
        );
      }
      if (!waited) {
        options.debug?.(
          `waiting for the lock ${path} (another process is refreshing)`,
        );
      }
      waited = true;
      await new Promise((r) => setTimeout(r, 15 + Math.random() * 20));
    }
    try {
      return await fn();
    } finally {
      await file.unlock().catch(() => {});
    }
  } finally {
    file.close();
  }
}
