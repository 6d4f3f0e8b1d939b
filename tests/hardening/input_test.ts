/**
 * Hardening 8: bounded and checked input: a pasted line is capped, impossible
 * cache times are refused, shell formats refuse values that could break out
 * of the line, `~user/` is not taken literally, and plain-http endpoints off
 * loopback are warned about.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { sha256HexSync } from "../helpers.ts";
import { parseTime } from "../../lib/util/time.ts";
import {
  DEMO_SESSION,
  readOrNull,
  runCliProcess,
  runInProcess,
  tempHome,
} from "../helpers.ts";

Deno.test("a pasted line longer than 16 KB is refused quickly and cleanly", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const started = Date.now();
  const result = await runCliProcess(
    [
      "login",
      "--remote",
      "--region",
      "us-east-1",
      "--endpoint-url",
      server.url,
    ],
    home.env,
    { stdin: `${"A".repeat(8 * 1024 * 1024)}\n` },
  );
  assert.equal(result.code, 255);
  assert.match(
    result.stderr,
    /^aws-signin: \[ERROR\]: The pasted text is longer than 16 KB, so it is not an authorization code\./,
  );
  assert.ok(Date.now() - started < 10_000);
  assert.equal(await readOrNull(home.config), null);
});

Deno.test("impossible dates and times are invalid, valid ones still parse", () => {
  for (
    const bad of [
      "2099-13-45T99:99:99Z",
      "2025-02-30T00:00:00Z",
      "2025-01-01T24:00:00Z",
      "2025-01-01T00:60:00Z",
      "2025-01-01T00:00:00+25:00",
    ]
  ) assert.ok(Number.isNaN(parseTime(bad)), bad);
  assert.equal(
    parseTime("2024-02-29T23:59:59Z"),
    Date.UTC(2024, 1, 29, 23, 59, 59),
  );
  assert.equal(
    parseTime("2025-09-01T18:39:33.250+02:00"),
    Date.UTC(2025, 8, 1, 16, 39, 33, 250),
  );
});

Deno.test("a cache entry with an impossible expiry is an invalid entry, not credentials forever", async () => {
  await using home = await tempHome();
  await Deno.mkdir(home.cache, { recursive: true });
  await Deno.writeTextFile(
    home.config,
    `[default]\nlogin_session = ${DEMO_SESSION}\n`,
  );
  await Deno.writeTextFile(
    `${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`,
    JSON.stringify({
      accessToken: {
        accessKeyId: "ASIAEXAMPLE",
        secretAccessKey: "secret",
        sessionToken: "token",
        accountId: "111122223333",
        expiresAt: "2099-13-45T99:99:99Z",
      },
      clientId: "arn:aws:signin:::devtools/same-device",
      refreshToken: "r",
      dpopKey: "k",
    }),
  );
  const result = await runInProcess(["configure", "export-credentials"], {
    env: home.env,
  });
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /"2099-13-45T99:99:99Z" .* is not a valid time/);
});

Deno.test("shell formats refuse a value outside the characters AWS uses, naming the variable, never the value", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.credentials,
    "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x;touch PWN\n\n" +
      '[fish]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = a"; rm -rf ~; echo "\n\n' +
      "[good]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCY=\n" +
      "aws_session_token = IQoJb3JpZ2luX2VjEB4aCXVzLWVhc3QtMSJHMEUCIQD+/=\n",
  );
  for (
    const format of [
      "env",
      "env-no-export",
      "fish",
      "powershell",
      "windows-cmd",
    ]
  ) {
    for (const profile of ["default", "fish"]) {
      const result = await runInProcess([
        "configure",
        "export-credentials",
        "--profile",
        profile,
        "--format",
        format,
      ], { env: home.env });
      assert.equal(result.code, 253, `${format} ${profile}`);
      assert.equal(result.stdout, "");
      assert.match(
        result.stderr,
        /AWS_SECRET_ACCESS_KEY has characters that AWS credentials never contain/,
      );
      assert.ok(
        !result.stderr.includes("touch") && !result.stderr.includes("rm -rf"),
      );
    }
    const good = await runInProcess([
      "configure",
      "export-credentials",
      "--profile",
      "good",
      "--format",
      format,
    ], { env: home.env });
    assert.equal(good.code, 0, good.stderr);
  }
  // The process format is JSON, which quotes everything: unchanged.
  const json = await runInProcess(["configure", "export-credentials"], {
    env: home.env,
  });
  assert.equal(json.code, 0);
  assert.equal(JSON.parse(json.stdout).SecretAccessKey, "x;touch PWN");
});

Deno.test("~user/ in AWS_LOGIN_CACHE_DIRECTORY is refused with a message instead of being taken literally", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    `[default]\nlogin_session = ${DEMO_SESSION}\n`,
  );
  const result = await runCliProcess(
    ["configure", "export-credentials"],
    { ...home.env, AWS_LOGIN_CACHE_DIRECTORY: "~nobody/cache" },
  );
  assert.equal(result.code, 253, result.stderr);
  assert.match(
    result.stderr,
    /AWS_LOGIN_CACHE_DIRECTORY starts with "~nobody\/": only "~\/" \(your own home folder\) is expanded/,
  );
});

Deno.test("a plain-http endpoint that is not loopback gets a warning; loopback does not", async () => {
  await using home = await tempHome();
  const env = {
    ...home.env,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_REGION: "us-east-1",
  };
  const refuse = () => Promise.reject(new TypeError("no network in this test"));
  const remote = await runInProcess(
    ["sts", "get-caller-identity", "--endpoint-url", "http://sts.example.com"],
    { env, world: { fetch: refuse, sleep: () => Promise.resolve() } },
  );
  assert.match(
    remote.stderr,
    /^aws-signin: \[WARNING\]: The STS endpoint http:\/\/sts\.example\.com is plain HTTP and not on this computer: signed requests and credentials cross the network unencrypted\.\n/,
  );
  const local = await runInProcess(
    ["sts", "get-caller-identity", "--endpoint-url", "http://127.0.0.1:9"],
    { env, world: { fetch: refuse, sleep: () => Promise.resolve() } },
  );
  assert.ok(!local.stderr.includes("WARNING"), local.stderr);
});
