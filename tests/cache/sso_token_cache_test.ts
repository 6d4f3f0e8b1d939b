/**
 * The SSO token cache (protocol-sso.md §3.1, §3.3, §3.5): file names by
 * session or start URL, the AWS CLI's exact bytes, a reader that takes what
 * the JS and Go SDKs write, botocore's error texts, and 0600 atomic writes in
 * a 0700 folder that never go through a link.
 */
import assert from "node:assert/strict";
import {
  prepareSsoCacheDir,
  readSsoCacheJson,
  readSsoToken,
  ssoCacheDir,
  ssoTokenFile,
  ssoTokenJson,
  ssoTokenKey,
  SsoTokenLoadError,
  ssoTokenLockPath,
  writeSsoCacheFile,
} from "../../lib/cache/sso_token_cache.ts";
import { pyJsonDumps } from "../../lib/util/py_json.ts";

const START = "https://d-1234567890.awsapps.com/start";

Deno.test("file names: sha1 of the session name, or of the start URL exactly as configured", async () => {
  assert.equal(
    await ssoTokenKey({ sessionName: "my-sso", startUrl: START }),
    "0ad374308c5a4e22f723adf10145eafad7c4031c",
  );
  assert.equal(
    await ssoTokenKey({ sessionName: "admin", startUrl: START }),
    "d033e22ae348aeb5660fc2140aec35850c4da997",
  );
  const legacy = await ssoTokenKey({ startUrl: START });
  assert.match(legacy, /^[0-9a-f]{40}$/);
  // `…/start`, `…/start/` and `…/start#/` are three different files.
  const keys = new Set([
    legacy,
    await ssoTokenKey({ startUrl: `${START}/` }),
    await ssoTokenKey({ startUrl: `${START}#/` }),
  ]);
  assert.equal(keys.size, 3);
  assert.equal(
    ssoCacheDir({ HOME: "/home/alice" }),
    "/home/alice/.aws/sso/cache",
  );
  // No variable moves it (unlike AWS_LOGIN_CACHE_DIRECTORY).
  assert.equal(
    ssoCacheDir({ HOME: "/h", AWS_LOGIN_CACHE_DIRECTORY: "/x" }),
    "/h/.aws/sso/cache",
  );
  assert.equal(ssoTokenFile("/d", "abc"), "/d/abc.json");
  assert.equal(ssoTokenLockPath("/d/abc.json"), "/d/abc.json.lock");
});

Deno.test("the AWS CLI's exact bytes: key order, separators, whole-second Z times, no final newline", () => {
  const json = ssoTokenJson({
    startUrl: START,
    region: "us-east-1",
    accessToken: "at-2",
    expiresAtMs: Date.UTC(2026, 11, 5, 1, 26, 22, 999),
    clientId: "cid-1",
    clientSecret: "csecret-1",
    registrationExpiresAt: "2027-03-04T17:26:21Z",
    refreshToken: "rt-2",
  });
  assert.equal(
    json,
    '{"startUrl": "https://d-1234567890.awsapps.com/start", "region": "us-east-1", "accessToken": "at-2", ' +
      '"expiresAt": "2026-12-05T01:26:22Z", "clientId": "cid-1", "clientSecret": "csecret-1", ' +
      '"registrationExpiresAt": "2027-03-04T17:26:21Z", "refreshToken": "rt-2"}',
  );
  // Without a refresh token the key is absent; a registration time given in milliseconds is formatted;
  // a cached registration time in another tool's form is copied as it is.
  assert.equal(
    ssoTokenJson({
      startUrl: "https://é.example/start",
      region: "eu-west-1",
      accessToken: "a",
      expiresAtMs: 0,
      clientId: "c",
      clientSecret: "s",
      registrationExpiresAt: Date.UTC(2027, 0, 1, 0, 0, 0, 500),
    }),
    '{"startUrl": "https://\\u00e9.example/start", "region": "eu-west-1", "accessToken": "a", ' +
      '"expiresAt": "1970-01-01T00:00:00Z", "clientId": "c", "clientSecret": "s", ' +
      '"registrationExpiresAt": "2027-01-01T00:00:00Z"}',
  );
  assert.match(
    ssoTokenJson({
      startUrl: START,
      region: "r",
      accessToken: "a",
      expiresAtMs: 0,
      clientId: "c",
      clientSecret: "s",
      registrationExpiresAt: "2027-03-04T17:26:21.123Z",
    }),
    /"registrationExpiresAt": "2027-03-04T17:26:21.123Z"}$/,
  );
});

Deno.test("reader: the CLI's, the JS SDK's pretty millisecond form, Go's alphabetical form with a newline, extra keys", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/t.json`;
    const forms = [
      '{"startUrl": "u", "region": "us-east-1", "accessToken": "at", "expiresAt": "2026-12-05T01:26:22Z", ' +
      '"clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2027-03-04T17:26:21Z", "refreshToken": "r"}',
      JSON.stringify(
        {
          startUrl: "u",
          region: "us-east-1",
          accessToken: "at",
          expiresAt: "2026-12-05T01:26:22.000Z",
          clientId: "c",
          clientSecret: "s",
          registrationExpiresAt: "2027-03-04T17:26:21Z",
          refreshToken: "r",
          extraKey: { nested: true },
        },
        null,
        2,
      ),
      '{"accessToken":"at","clientId":"c","clientSecret":"s","expiresAt":"2026-12-05T01:26:22Z",' +
      '"refreshToken":"r","region":"us-east-1","registrationExpiresAt":"2027-03-04T17:26:21Z","startUrl":"u"}\n',
    ];
    for (const text of forms) {
      await Deno.writeTextFile(file, text);
      const token = readSsoToken(file, { startUrl: "u", sessionName: "s1" });
      assert.equal(token.accessToken, "at");
      assert.equal(token.expiresAtMs, Date.UTC(2026, 11, 5, 1, 26, 22));
      assert.equal(token.refreshToken, "r");
      assert.equal(token.clientId, "c");
      assert.equal(token.clientSecret, "s");
      assert.equal(token.registrationExpiresAt, "2027-03-04T17:26:21Z");
      assert.equal(
        token.registrationExpiresAtMs,
        Date.UTC(2027, 2, 4, 17, 26, 21),
      );
      assert.equal(token.region, "us-east-1");
      assert.equal(token.startUrl, "u");
    }
    // Only accessToken and expiresAt are required (a legacy token).
    await Deno.writeTextFile(
      file,
      '{"accessToken": "at", "expiresAt": "2026-12-05T01:26:22+01:00"}',
    );
    const bare = readSsoToken(file, { startUrl: START });
    assert.equal(bare.expiresAtMs, Date.UTC(2026, 11, 5, 0, 26, 22));
    assert.equal(bare.refreshToken, undefined);
    assert.equal(bare.clientId, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reader errors: botocore's texts (a session's invalid token still names the start URL)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/t.json`;
    assert.throws(
      () => readSsoToken(file, { startUrl: START, sessionName: "my-sso" }),
      {
        name: "SsoTokenLoadError",
        message: "Error loading SSO Token: Token for my-sso does not exist",
        kind: "other",
      },
    );
    assert.throws(() => readSsoToken(file, { startUrl: START }), {
      message: `Error loading SSO Token: Token for ${START} does not exist`,
    });
    for (
      const text of [
        "not json",
        "[]",
        '{"expiresAt": "2026-12-05T01:26:22Z"}',
        '{"accessToken": "at"}',
        '{"accessToken": "at", "expiresAt": "soon"}',
        '{"accessToken": 5, "expiresAt": "2026-12-05T01:26:22Z"}',
      ]
    ) {
      await Deno.writeTextFile(file, text);
      assert.throws(
        () => readSsoToken(file, { startUrl: START, sessionName: "my-sso" }),
        (e: unknown) =>
          e instanceof SsoTokenLoadError && !e.missing &&
          e.message ===
            `Error loading SSO Token: Token for ${START} is invalid`,
        text,
      );
    }
    for (const text of ["not json", "[1]", "null"]) {
      await Deno.writeTextFile(file, text);
      assert.equal(readSsoCacheJson(file), undefined, text);
    }
    await Deno.writeTextFile(file, '{"accessToken": "x", "region": "r"}');
    assert.deepEqual(readSsoCacheJson(file), { accessToken: "x", region: "r" });
    assert.equal(readSsoCacheJson(`${dir}/none.json`), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writes: a 0700 folder, a 0600 file replaced atomically, never through a link", async () => {
  if (Deno.build.os === "windows") return;
  const home = await Deno.makeTempDir();
  try {
    const dir = ssoCacheDir({ HOME: home });
    const file = ssoTokenFile(
      dir,
      await ssoTokenKey({ sessionName: "my-sso", startUrl: START }),
    );
    const warnings: string[] = [];
    await writeSsoCacheFile(
      file,
      pyJsonDumps({ accessToken: "a" }),
      (m) => warnings.push(m),
    );
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.equal(await Deno.readTextFile(file), '{"accessToken": "a"}');
    // A folder the AWS CLI made (0755) is made private; a looser existing file gets 0600.
    await Deno.chmod(dir, 0o755);
    await Deno.chmod(file, 0o644);
    await writeSsoCacheFile(file, "{}", (m) => warnings.push(m));
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    await prepareSsoCacheDir(dir, (m) => warnings.push(m));
    assert.deepEqual(warnings, []);
    // A planted link is refused and its target untouched; reading through one is refused too.
    const target = `${home}/elsewhere.json`;
    await Deno.writeTextFile(target, "old");
    const link = `${dir}/link.json`;
    await Deno.symlink(target, link);
    await assert.rejects(
      () => writeSsoCacheFile(link, "{}", () => {}),
      /symbolic link/,
    );
    assert.equal(await Deno.readTextFile(target), "old");
    assert.throws(
      () => readSsoToken(link, { startUrl: START }),
      /symbolic link/,
    );
    assert.equal(readSsoCacheJson(link), undefined);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
