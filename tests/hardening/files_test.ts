/**
 * Hardening 6–7: cache entries and lock files are never followed through
 * symbolic links, odd lock paths give a clear error, a loose cache folder is
 * tightened; stale temporary files are cleaned up, a refresh whose result
 * cannot be saved still prints it, and a login with nowhere to save checks
 * that before opening the browser.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { sha256HexSync } from "../helpers.ts";
import {
  ageEntry,
  baseEnv,
  cliCommand,
  DEMO_SESSION,
  loginThrough,
  readOrNull,
  runCliProcess,
  runProcess,
  standInBrowser,
  tempHome,
} from "../helpers.ts";

const ENTRY_NAME = `${sha256HexSync(DEMO_SESSION)}.json`;

Deno.test("a cache entry that is a symbolic link is refused, and its target is not written", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await Deno.mkdir(home.cache, { recursive: true, mode: 0o700 });
  const outside = `${home.dir}/outside.json`;
  await Deno.writeTextFile(outside, "{}");
  await Deno.symlink(outside, `${home.cache}/${ENTRY_NAME}`);
  const login = await runCliProcess(
    ["login", "--profile", "dev", "--region", "us-east-1"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      BROWSER: standInBrowser("approve"),
    },
  );
  assert.equal(login.code, 253, login.stderr);
  assert.match(login.stderr, /is a symbolic link/);
  assert.ok(login.stderr.includes(`${home.cache}/${ENTRY_NAME}`));
  assert.equal(await Deno.readTextFile(outside), "{}");
  assert.equal((await Deno.stat(outside)).mode! & 0o777, 0o644);
  assert.equal(await readOrNull(home.config), null, "nothing written");
  await Deno.writeTextFile(
    home.config,
    `[profile dev]\nlogin_session = ${DEMO_SESSION}\n`,
  );
  const read = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    home.env,
  );
  assert.equal(read.code, 253, read.stderr);
  assert.match(read.stderr, /is a symbolic link/);
});

Deno.test("a dangling .lock symlink or a folder in its place is a clear error, and nothing is created", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loginThrough(server.url, home);
  await ageEntry(file, 60);
  const env = { ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url };
  const target = `${home.dir}/created-by-lock`;
  await Deno.remove(`${file}.lock`).catch(() => {}); // login left its lock file
  await Deno.symlink(target, `${file}.lock`);
  const dangling = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    env,
  );
  assert.equal(dangling.code, 253, dangling.stderr);
  assert.match(dangling.stderr, /lock file .* is a symbolic link/);
  assert.equal(await readOrNull(target), null);
  await Deno.remove(`${file}.lock`);
  await Deno.mkdir(`${file}.lock`);
  const folder = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    env,
  );
  assert.equal(folder.code, 253, folder.stderr);
  assert.match(folder.stderr, /lock file .* is not a regular file/);
});

Deno.test("a group- or world-readable cache folder we own is tightened to 0700", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await Deno.mkdir(home.cache, { recursive: true });
  await Deno.chmod(home.cache, 0o755);
  await loginThrough(server.url, home);
  assert.equal((await Deno.stat(home.cache)).mode! & 0o777, 0o700);
});

Deno.test("our stale temporary files beside a file are removed on the next write; fresh ones are left", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(home.config, "[default]\nregion = us-east-1\n");
  const stale = `${home.dir}/.aws/.config.aws-signin-deadbeef.tmp`;
  const fresh = `${home.dir}/.aws/.config.aws-signin-cafef00d.tmp`;
  const other = `${home.dir}/.aws/.config.someone-else.tmp`;
  for (const f of [stale, fresh, other]) {
    await Deno.writeTextFile(f, "secret", { mode: 0o600 });
  }
  const old = new Date(Date.now() - 60 * 60_000);
  await Deno.utime(stale, old, old);
  await Deno.utime(other, old, old);
  const result = await runCliProcess(
    ["configure", "set", "output", "json"],
    home.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await readOrNull(stale), null, "stale temp file removed");
  assert.equal(await readOrNull(fresh), "secret", "a fresh one may be in use");
  assert.equal(await readOrNull(other), "secret", "not ours");
});

Deno.test({
  name:
    "a refresh that cannot be saved (file size limit) still prints the new credentials, with a warning",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    const file = await loginThrough(server.url, home);
    const before = await ageEntry(file, 60);
    const { cmd, args } = cliCommand([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ]);
    const quote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;
    // Writes over 1 KiB fail with EFBIG (the signal that would kill us is ignored).
    const result = await runProcess("/bin/sh", [
      "-c",
      `trap '' XFSZ; ulimit -f 2; exec ${[cmd, ...args].map(quote).join(" ")}`,
    ], { ...baseEnv(), ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url });
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout);
    assert.notEqual(
      printed.AccessKeyId,
      JSON.parse(before).accessToken.accessKeyId,
      "the refreshed credentials",
    );
    assert.match(
      result.stderr,
      /^aws-signin: \[WARNING\]: The refreshed credentials could not be saved to the login cache \(Cannot write /,
    );
    assert.equal(await Deno.readTextFile(file), before, "entry unchanged");
  },
});

Deno.test("login with no usable cache folder fails before the browser opens, naming AWS_LOGIN_CACHE_DIRECTORY", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const record = `${home.dir}/url.txt`;
  const blocker = `${home.dir}/a-file`;
  await Deno.writeTextFile(blocker, "");
  const cases: Record<string, string>[] = [
    // No HOME and no AWS_LOGIN_CACHE_DIRECTORY.
    {
      AWS_CONFIG_FILE: home.config,
      AWS_SHARED_CREDENTIALS_FILE: home.credentials,
    },
    // A cache folder that cannot be created.
    { ...home.env, AWS_LOGIN_CACHE_DIRECTORY: `${blocker}/cache` },
  ];
  for (const env of cases) {
    const result = await runCliProcess(
      [
        "login",
        "--region",
        "us-east-1",
        "--endpoint-url",
        server.url,
        "--timeout",
        "5",
      ],
      { ...env, BROWSER: standInBrowser("record"), BROWSER_RECORD: record },
    );
    assert.equal(result.code, 253, result.stderr);
    assert.match(result.stderr, /AWS_LOGIN_CACHE_DIRECTORY/);
    assert.equal(result.stdout, "", "no URL was shown");
    assert.equal(await readOrNull(record), null, "no browser was opened");
  }
  assert.deepEqual(server.emulator.requests, []);
  assert.equal(await readOrNull(home.config), null);
});
