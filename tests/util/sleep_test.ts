/**
 * Timers take at most 2^31 - 1 ms (about 24.8 days) and fire at once for a
 * longer delay: the helper that arms them clamps the delay, and a sleep
 * longer than that still waits (in steps) instead of ending at once.
 */
import assert from "node:assert/strict";
import { MAX_TIMER_MS, realSleep, timerMs } from "../../lib/util/sleep.ts";

Deno.test("the timer helpers: a delay is at most 2^31 - 1 ms, and a longer sleep does not end at once", async () => {
  assert.equal(MAX_TIMER_MS, 2 ** 31 - 1);
  assert.equal(timerMs(3_000_000_000), MAX_TIMER_MS);
  assert.equal(timerMs(Infinity), MAX_TIMER_MS);
  assert.equal(timerMs(-5), 0);
  assert.equal(timerMs(Number.NaN), 0);
  assert.equal(timerMs(1500), 1500);
  const controller = new AbortController();
  let ended = false;
  const sleeping = realSleep(3_000_000_000, controller.signal).then(() =>
    ended = true
  );
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(ended, false, "a sleep of 35 days did not end at once");
  controller.abort();
  await sleeping;
  assert.equal(ended, true);
});
