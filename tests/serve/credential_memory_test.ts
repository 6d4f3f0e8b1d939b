/**
 * Hardening II, 10 and 13: what a credential server remembers between
 * requests, with an injected clock: a lasting refusal is answered at once
 * until the files change, a failure that may pass starts a jittered back-off
 * that serves still-valid credentials, each situation is warned about once,
 * and long-term keys are named once.
 */
import assert from "node:assert/strict";
import {
  FIRST_BACKOFF_MS,
  MAX_BACKOFF_MS,
  rememberingCredentials,
} from "../../lib/serve/credential_memory.ts";
import { EndpointConnectionError, ServiceError } from "../../lib/errors.ts";
import { LoginRefreshError } from "../../lib/signin/token_errors.ts";
import type { Credentials } from "../../lib/credentials/types.ts";

function world(answers: (() => Credentials | Error)[]) {
  let now = 1_000_000;
  let fingerprint = "a";
  const warnings: string[] = [];
  let calls = 0;
  const lookup = rememberingCredentials({
    lookup: () => {
      const answer = answers[Math.min(calls++, answers.length - 1)]!();
      return answer instanceof Error
        ? Promise.reject(answer)
        : Promise.resolve(answer);
    },
    fingerprint: () => fingerprint,
    now: () => now,
    random: () => 0.5,
    warn: (m) => warnings.push(m),
  });
  return {
    lookup,
    warnings,
    get calls() {
      return calls;
    },
    tick(ms: number) {
      now += ms;
    },
    get now() {
      return now;
    },
    change() {
      fingerprint += "!";
    },
  };
}

const creds = (id: string, expiration?: number): Credentials => ({
  accessKeyId: id,
  secretAccessKey: "s",
  ...(expiration !== undefined ? { expiration } : {}),
  method: "login",
});

Deno.test("a session that ended is answered at once, warned about once, until the files change", async () => {
  const ended = new LoginRefreshError(
    "Your session has expired.",
    "TOKEN_EXPIRED",
  );
  const w = world([() => ended, () => ended, () => creds("ASIANEW", 2e12)]);
  for (let i = 0; i < 5; i++) {
    await assert.rejects(w.lookup(), /Your session has expired\./);
  }
  assert.equal(w.calls, 1, "one lookup for five requests");
  assert.equal(w.warnings.length, 1);
  w.tick(3_600_000);
  await assert.rejects(w.lookup());
  assert.equal(w.calls, 1, "still remembered an hour later");
  w.change(); // a new login
  await assert.rejects(w.lookup()); // the second answer: still ended
  assert.equal(w.calls, 2);
  w.change();
  assert.equal((await w.lookup()).accessKeyId, "ASIANEW");
  assert.equal(w.calls, 3);
});

Deno.test("a refresh that failed for a while serves the valid credentials and retries after a jittered back-off", async () => {
  const w = world([
    () => ({ ...creds("ASIAOLD", 1_000_000 + 240_000), staleReason: "503" }),
    () => ({ ...creds("ASIAOLD", 1_000_000 + 240_000), staleReason: "503" }),
    () => creds("ASIANEW", 1_000_000 + 900_000),
  ]);
  assert.equal((await w.lookup()).accessKeyId, "ASIAOLD");
  for (let i = 0; i < 5; i++) {
    assert.equal((await w.lookup()).accessKeyId, "ASIAOLD");
  }
  assert.equal(w.calls, 1, "no new call during the back-off");
  assert.equal(w.warnings.length, 1);
  assert.match(
    w.warnings[0]!,
    /trying again in 23 s; serving the cached credentials/,
  );
  w.tick(FIRST_BACKOFF_MS * 0.75 + 1);
  assert.equal((await w.lookup()).accessKeyId, "ASIAOLD");
  assert.equal(w.calls, 2, "tried again after the back-off");
  assert.equal(w.warnings.length, 1, "warned once per failure streak");
  w.tick(FIRST_BACKOFF_MS); // the second back-off is twice as long
  await w.lookup();
  assert.equal(w.calls, 2);
  w.tick(FIRST_BACKOFF_MS);
  assert.equal((await w.lookup()).accessKeyId, "ASIANEW");
  assert.equal(w.calls, 3);
});

Deno.test("a failure with nothing valid to serve is answered at once during the back-off; the back-off is capped", async () => {
  const down = new EndpointConnectionError("https://x", "connection refused");
  const w = world([() => down]);
  await assert.rejects(w.lookup(), /Could not connect/);
  await assert.rejects(w.lookup(), /Could not connect/);
  assert.equal(w.calls, 1);
  for (let i = 0; i < 12; i++) {
    w.tick(MAX_BACKOFF_MS);
    await assert.rejects(w.lookup());
  }
  assert.equal(w.calls, 13, "tried again after each (capped) back-off");
  assert.equal(w.warnings.length, 1);
});

Deno.test("a throttled or failing service is a failure that may pass; an invalid grant is lasting", async () => {
  const throttled = new ServiceError({
    code: "TooManyRequestsError",
    message: "slow down",
    status: 429,
    operation: "CreateOAuth2Token",
  });
  const t = world([() => throttled]);
  await assert.rejects(t.lookup());
  t.change();
  await assert.rejects(t.lookup());
  assert.equal(t.calls, 1, "a change of files does not end a back-off");
  const invalid = new ServiceError({
    code: "ValidationException",
    message: "The provided authorization grant is invalid",
    status: 400,
    operation: "CreateOAuth2Token",
  });
  const v = world([() => invalid]);
  await assert.rejects(v.lookup());
  v.tick(MAX_BACKOFF_MS * 10);
  await assert.rejects(v.lookup());
  assert.equal(v.calls, 1);
  assert.match(v.warnings[0]!, /authorization grant is invalid/);
});

Deno.test("long-term keys are warned about once", async () => {
  const w = world([
    () => ({ ...creds("AKIASTATIC"), method: "shared-credentials-file" }),
  ]);
  await w.lookup();
  await w.lookup();
  assert.deepEqual(w.warnings, [
    "The profile's credentials (shared-credentials-file) never expire: clients get long-term keys, not short-lived ones.",
  ]);
});
