/**
 * Our SSO cache names and bytes against botocore's own code (skipped where
 * Python's botocore is missing): token files written by `SSOTokenLoader`
 * through `JSONFileCache` with the SSO serializer, and ours read back by
 * it; role credentials written by `SSOCredentialFetcher` with its cache
 * key; the registration key by the AWS CLI's expression (its fetcher is not
 * in PyPI botocore). Inputs include non-ASCII text (Python's `ensure_ascii`).
 */
import assert from "node:assert/strict";
import {
  ssoTokenFile,
  ssoTokenJson,
  ssoTokenKey,
  writeSsoCacheFile,
} from "../../lib/cache/sso_token_cache.ts";
import { registrationKey } from "../../lib/cache/sso_registration.ts";
import { ssoRoleCacheKey } from "../../lib/cache/role_cache.ts";
import { ssoRoleCacheJson } from "../../lib/cache/role_cache_write.ts";
import { ROOT } from "../helpers.ts";

const hasBotocore: boolean = (() => {
  try {
    return new Deno.Command("python3", {
      args: [
        "-c",
        "import botocore.tokens, botocore.utils, botocore.credentials",
      ],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
})();

const START = "https://d-1234567890.awsapps.com/start";

const TOKENS = [
  {
    sessionName: "my-sso",
    startUrl: START,
    region: "us-east-1",
    accessToken: "at-2",
    expiresAtMs: Date.UTC(2026, 11, 5, 1, 26, 22, 731),
    clientId: "cid-1",
    clientSecret: "csecret-1",
    registrationExpiresAt: "2027-03-04T17:26:21Z",
    refreshToken: "rt-2",
  },
  {
    startUrl: "https://d-1234567890.awsapps.com/start#/",
    region: "eu-west-1",
    accessToken: 'at/é\u2028"x\\',
    expiresAtMs: Date.UTC(2030, 0, 1),
    clientId: "cid-2",
    clientSecret: "cs",
    registrationExpiresAt: "2030-01-01T00:00:00.000Z",
  },
  {
    sessionName: "séance 🙂",
    startUrl: START,
    region: "ap-south-1",
    accessToken: "a",
    expiresAtMs: 0,
    clientId: "c",
    clientSecret: "s",
    registrationExpiresAt: "2027-03-04T17:26:21Z",
    refreshToken: "r",
  },
];

const ROLES = [
  {
    sessionName: "my-sso",
    startUrl: START,
    accountId: "111122223333",
    roleName: "Admin",
    accessKeyId: "ASIAMOCK3333",
    secretAccessKey: "secret",
    sessionToken: "session-Admin",
    expirationMs: Date.UTC(2999, 11, 4, 18, 27, 28, 999),
  },
  {
    startUrl: START,
    accountId: "444455556666",
    roleName: "ReadOnly é",
    accessKeyId: "ASIAMOCK4444",
    secretAccessKey: "s/+=",
    sessionToken: "t",
    expirationMs: Date.UTC(2999, 0, 1),
  },
];

const REGISTRATIONS = [
  {
    startUrl: START,
    region: "us-east-1",
    scopes: ["sso:account:access"],
    sessionName: "my-sso",
  },
  { startUrl: START, region: "us-east-1", scopes: null, sessionName: null },
  { startUrl: START, region: "us-east-1", scopes: [], sessionName: "my-sso" },
  {
    startUrl: "https://é.example/start",
    region: "eu-west-1",
    scopes: ["a", "b é"],
    sessionName: "s p",
  },
];

Deno.test({
  name:
    "botocore's own code writes the same token and role files, reads ours, and agrees on every key",
  ignore: !hasBotocore,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      // Ours, for botocore to read.
      const oursDir = `${dir}/ours`;
      for (const t of TOKENS) {
        await writeSsoCacheFile(
          ssoTokenFile(oursDir, await ssoTokenKey(t)),
          ssoTokenJson(t),
          () => {},
        );
      }
      const out = await new Deno.Command("python3", {
        args: [`${ROOT}/tests/cache/_botocore_sso.py`],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = out.stdin.getWriter();
      await writer.write(new TextEncoder().encode(JSON.stringify({
        dir,
        tokens: TOKENS,
        ours: TOKENS.map((t) => ({ ...t, dir: oursDir })),
        roles: ROLES,
        registrations: REGISTRATIONS,
      })));
      await writer.close();
      const result = await out.output();
      assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
      const botocore = JSON.parse(new TextDecoder().decode(result.stdout)) as {
        tokens: { key: string; bytes: string }[];
        ours: { accessToken: string; expiresAt: string }[];
        roles: { key: string; bytes: string }[];
        registrations: string[];
      };
      for (const [i, t] of TOKENS.entries()) {
        assert.equal(
          await ssoTokenKey(t),
          botocore.tokens[i]!.key,
          `token key ${i}`,
        );
        assert.equal(
          ssoTokenJson(t),
          botocore.tokens[i]!.bytes,
          `token bytes ${i}`,
        );
        assert.equal(
          botocore.ours[i]!.accessToken,
          t.accessToken,
          `botocore reads our token ${i}`,
        );
      }
      for (const [i, r] of ROLES.entries()) {
        assert.equal(
          await ssoRoleCacheKey(r),
          botocore.roles[i]!.key,
          `role key ${i}`,
        );
        assert.equal(
          ssoRoleCacheJson(r),
          botocore.roles[i]!.bytes,
          `role bytes ${i}`,
        );
      }
      for (const [i, r] of REGISTRATIONS.entries()) {
        assert.equal(
          await registrationKey(r),
          botocore.registrations[i],
          `registration key ${i}`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
