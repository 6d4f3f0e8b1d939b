/**
 * Waiting, as something a caller can replace (tests pass a fake clock's
 * sleep, so timeouts and backoffs take no real time).
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await realSleep(10, controller.signal);
 * ```
 * @module
 */

/** Waits `ms` milliseconds; an aborted signal ends the wait early (without an error). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A {@linkcode Sleep} on real timers; the timer never outlives the wait. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
