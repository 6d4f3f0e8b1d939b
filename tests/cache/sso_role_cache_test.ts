/**
 * Role credentials from IAM Identity Center in the AWS CLI's role cache
 * (protocol-sso.md §3.4): botocore's key with compact separators, the
 * `{"ProviderType": "sso", ...}` bytes with the portal's milliseconds
 * truncated, and the role cache reader taking these files too.
 */
import assert from "node:assert/strict";
import { readRoleCache, ssoRoleCacheKey } from "../../lib/cache/role_cache.ts";
import {
  ssoRoleCacheJson,
  writeSsoRoleCache,
} from "../../lib/cache/role_cache_write.ts";

Deno.test("the key: sessionName for a session, startUrl for a legacy profile, compact sorted JSON", async () => {
  assert.equal(
    await ssoRoleCacheKey({
      accountId: "111122223333",
      roleName: "Admin",
      sessionName: "my-sso",
      startUrl: "https://d-1234567890.awsapps.com/start",
    }),
    "360f093cdc0bddf23eecc38b9cb6222fca5a195a",
  );
  assert.equal(
    await ssoRoleCacheKey({
      accountId: "444455556666",
      roleName: "ReadOnly",
      startUrl: "https://d-1234567890.awsapps.com/start",
    }),
    "fbab8bacba02ba61431923ebd0f9cdf7da8e9ed0",
  );
});

Deno.test("the bytes: ProviderType first, Expiration from epoch milliseconds truncated to the second", () => {
  assert.equal(
    ssoRoleCacheJson({
      accessKeyId: "ASIAMOCK3333",
      secretAccessKey: "secret",
      sessionToken: "session-Admin",
      expirationMs: Date.UTC(2026, 11, 4, 18, 27, 28, 999),
      accountId: "111122223333",
    }),
    '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAMOCK3333", "SecretAccessKey": "secret", ' +
      '"SessionToken": "session-Admin", "Expiration": "2026-12-04T18:27:28Z", "AccountId": "111122223333"}}',
  );
});

Deno.test("written 0600 and read back by the role cache reader, with its provider type", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file =
      `${dir}/cli/cache/360f093cdc0bddf23eecc38b9cb6222fca5a195a.json`;
    const expirationMs = Date.UTC(2030, 0, 1, 0, 0, 0);
    await writeSsoRoleCache(file, {
      accessKeyId: "ASIAMOCK3333",
      secretAccessKey: "secret",
      sessionToken: "session-Admin",
      expirationMs,
      accountId: "111122223333",
    });
    if (Deno.build.os !== "windows") {
      assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    }
    assert.deepEqual(readRoleCache(file), {
      accessKeyId: "ASIAMOCK3333",
      secretAccessKey: "secret",
      sessionToken: "session-Admin",
      expiresAtMs: expirationMs,
      accountId: "111122223333",
      providerType: "sso",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
