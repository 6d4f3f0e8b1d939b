/**
 * The AWS CLI's role cache entries: every `Expiration` form the tools write is
 * read, an unusable entry is a miss (as in botocore), and ours are written in
 * botocore's layout.
 */
import assert from "node:assert/strict";
import {
  parseRoleExpiration,
  readRoleCache,
} from "../../lib/cache/role_cache.ts";
import {
  botocoreTime,
  writeRoleCache,
} from "../../lib/cache/role_cache_write.ts";

Deno.test("Expiration in botocore's, RFC 3339 and offset forms", () => {
  const t = Date.UTC(2026, 10, 26, 13, 27, 17);
  for (
    const text of [
      "2026-11-26T13:27:17UTC",
      "2026-11-26T13:27:17Z",
      "2026-11-26T13:27:17+00:00",
      "2026-11-26T14:27:17+01:00",
      "2026-11-26T13:27:17.000Z",
    ]
  ) assert.equal(parseRoleExpiration(text), t, text);
  assert.equal(botocoreTime(t + 999), "2026-11-26T13:27:17UTC");
  assert.ok(Number.isNaN(parseRoleExpiration("tomorrow")));
});

Deno.test("an unusable entry is a miss; ours round-trips in botocore's layout", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/key.json`;
    for (
      const text of ["not json", "{}", '{"Credentials": {"AccessKeyId": "A"}}']
    ) {
      await Deno.writeTextFile(file, text);
      assert.equal(readRoleCache(file), undefined, text);
    }
    assert.equal(readRoleCache(`${dir}/none.json`), undefined);
    const expiresAtMs = Date.UTC(2030, 0, 1, 0, 0, 0);
    await writeRoleCache(file, {
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
      expiresAtMs,
      accountId: "444455556666",
      assumedRoleId: "AROAEXAMPLE:alice",
      arn: "arn:aws:sts::444455556666:assumed-role/Admin/alice",
      requestId: "r-1",
    });
    assert.equal(
      await Deno.readTextFile(file),
      '{"Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "token", ' +
        '"Expiration": "2030-01-01T00:00:00UTC", "AccountId": "444455556666"}, "AssumedRoleUser": ' +
        '{"AssumedRoleId": "AROAEXAMPLE:alice", "Arn": "arn:aws:sts::444455556666:assumed-role/Admin/alice"}, ' +
        '"ResponseMetadata": {"RequestId": "r-1", "HTTPStatusCode": 200, "RetryAttempts": 0}}',
    );
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.deepEqual(readRoleCache(file), {
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "token",
      expiresAtMs,
      accountId: "444455556666",
      arn: "arn:aws:sts::444455556666:assumed-role/Admin/alice",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
