/**
 * A process that takes part in the lock tests: `hold LOCK MS` takes LOCK,
 * says "held" and leaves a note that it works until now + MS, then lets go
 * after MS; `chain OUTER INNER` takes OUTER, then waits (with a patience of
 * 300 ms) for INNER, says "got" and lets both go.
 */
import { announceOnHeldLocks, withFileLock } from "../../lib/util/lock.ts";

const [mode, a, b] = Deno.args;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
if (mode === "hold") {
  await withFileLock(a!, async () => {
    await announceOnHeldLocks({
      what: "to finish a long thing",
      until: Date.now() + Number(b),
    });
    Deno.stdout.writeSync(new TextEncoder().encode("held\n"));
    await sleep(Number(b));
  }, { now: Date.now });
} else {
  await withFileLock(a!, async () => {
    Deno.stdout.writeSync(new TextEncoder().encode("outer\n"));
    await withFileLock(b!, () => {
      Deno.stdout.writeSync(new TextEncoder().encode("got\n"));
      return Promise.resolve();
    }, { now: Date.now, timeoutMs: 300 });
  }, { now: Date.now });
}
