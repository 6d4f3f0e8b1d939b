/**
 * Waiting, as something a caller can replace (tests pass a fake clock's
 * sleep, so timeouts and backoffs take no real time), and the limit of a
 * timer: a delay above 2^31 - 1 ms fires at once, so every timer is armed
 * through {@linkcode timerMs}.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await realSleep(10, controller.signal);
 * setTimeout(() => {}, timerMs(3_000_000_000)); // 2^31 - 1 ms, not at once
 * ```
 * @module
 */

/** The longest delay a timer takes: 2^31 - 1 ms (about 24.8 days). A longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The longest timeout in whole seconds that a timer can wait for: 2147483 (about 24 days). */
export const MAX_TIMER_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** `ms` as a timer takes it: from 0 to {@linkcode MAX_TIMER_MS} (not a number: 0). */
export function timerMs(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/** Waits `ms` milliseconds; an aborted signal ends the wait early (without an error). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * A {@linkcode Sleep} on real timers; the timer never outlives the wait. A
 * wait longer than a timer takes is made of several timers, so it is as long
 * as asked (`Infinity`: until the signal is aborted).
 */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    let left = Number.isNaN(ms) ? 0 : ms;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      const step = timerMs(left);
      left -= step;
      timer = setTimeout(left > 0 ? arm : done, step);
    };
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
    arm();
  });
}
