/**
 * The lock's notes: a waiter waits as long as the holder said it may take,
 * and a process that waits while holding other locks passes the note on to
 * whoever waits for those (a role waiter behind a session's sign-in).
 */
import assert from "node:assert/strict";
import { withFileLock } from "../../lib/util/lock.ts";

function script(...args: string[]) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${import.meta.dirname}/_lock_script.ts`, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

async function until(child: Deno.ChildProcess, line: string): Promise<void> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes(line)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`never said "${line}": ${seen}`);
    seen += value;
  }
  // Keep draining so the child never blocks on a full pipe.
  void (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
}

Deno.test("a note on a lock is passed on to the locks its waiter holds, and their waiters wait that long", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const session = `${dir}/session.lock`;
    const role = `${dir}/role.lock`;
    // The sign-in: holds the session's lock for 2.5 s, and says so.
    const signIn = script("hold", session, "2500");
    await until(signIn, "held");
    // A role refresh: holds the role's lock and waits for the session (patience 300 ms, extended by the note).
    const roleRefresh = script("chain", role, session);
    await until(roleRefresh, "outer");
    // A second caller of the role: waits on the role's lock with the same short patience.
    const started = Date.now();
    const notes: string[] = [];
    await withFileLock(role, () => Promise.resolve(), {
      now: Date.now,
      timeoutMs: 300,
      onNote: (note) => notes.push(note.what),
    });
    assert.ok(Date.now() - started > 1_000, "it waited for the sign-in");
    assert.deepEqual(notes, ["to finish a long thing"]);
    assert.ok((await roleRefresh.status).success);
    assert.ok((await signIn.status).success);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
