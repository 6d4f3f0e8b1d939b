/**
 * `--auto-login` (aws/aws-cli#10004): a login session that ended (revoked
 * at the emulator) or was logged out is signed in again in the browser, and
 * the command carries on: stdout stays the credentials', stderr says why;
 * many processes at once make one sign-in; the browser signing in to
 * another session saves nothing; without a browser, today's error and one
 * line of why; role profiles, `serve` across the sign-in, the timeout, and
 * `status`.
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  DEMO_SESSION,
  eventually,
  loginThrough,
  readOrNull,
  runCliProcess,
  sha256HexSync,
  standInBrowser,
  tempHome,
} from "../helpers.ts";
import {
  ageMarker,
  browserOpenings,
  codeExchanges,
  endedSession,
  env,
  revoke,
} from "./_auto_login.ts";
import { ADMIN } from "../roles/_setup.ts";

Deno.test("a session that ended is signed in again: export-credentials prints fresh keys, and says why on stderr only", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const { home, file, old } = await endedSession(server);
  await using _home = home;
  const before = codeExchanges(server);
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev", "--auto-login"],
    env(home, server),
  );
  assert.equal(result.code, 0, result.stderr);
  const creds = JSON.parse(result.stdout);
  assert.match(creds.AccessKeyId, /^ASIA/);
  assert.notEqual(creds.AccessKeyId, old);
  assert.match(
    result.stderr,
    /^aws-signin: \[WARNING\]: The login session of profile 'dev' has ended: signing in again in your browser \(--auto-login; waiting up to 50 s\)\.\n/,
  );
  assert.match(
    result.stderr,
    /\nhttp:\/\/127\.0\.0\.1:\d+\/start\/[\w-]+\n/,
    "the one-time link is printed",
  );
  assert.equal(await browserOpenings(home), 1);
  assert.equal(codeExchanges(server) - before, 1);
  const entry = JSON.parse(await Deno.readTextFile(file));
  assert.equal(entry.accessToken.accessKeyId, creds.AccessKeyId);
  assert.equal(entry.signInRegion, "us-east-1");
  // Nothing else changed, and the session carries on.
  const again = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    env(home, server),
  );
  assert.equal(JSON.parse(again.stdout).AccessKeyId, creds.AccessKeyId);
});

Deno.test("logged out, with AWS_SIGNIN_AUTO_LOGIN=true: sts signs in again; without the opt-in nothing changes", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await loginThrough(server.url, home);
  await runCliProcess(["logout", "--profile", "dev"], home.env);
  const off = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "dev", "--region", "us-east-1"],
    env(home, server),
  );
  assert.equal(off.code, 255);
  assert.match(off.stderr, /Unable to load a existing login session/);
  assert.equal(await browserOpenings(home), 0);
  const on = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "dev", "--region", "us-east-1"],
    env(home, server, { AWS_SIGNIN_AUTO_LOGIN: "true" }),
  );
  assert.equal(on.code, 0, on.stderr);
  assert.equal(JSON.parse(on.stdout).Arn, DEMO_SESSION);
  assert.match(
    on.stderr,
    /The login session of profile 'dev' was logged out \(it has no login cache entry\): signing in again/,
  );
  assert.equal(await browserOpenings(home), 1);
});

Deno.test("8 processes at once: one browser, one code exchange, 8 answers with the same keys", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const { home } = await endedSession(server);
  await using _home = home;
  const before = codeExchanges(server);
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      runCliProcess(
        ["configure", "export-credentials", "--profile", "dev", "--auto-login"],
        env(home, server, { BROWSER_DELAY_MS: "500" }),
      )),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const keys = new Set(results.map((r) => JSON.parse(r.stdout).AccessKeyId));
  assert.equal(keys.size, 1);
  assert.equal(await browserOpenings(home), 1);
  assert.equal(codeExchanges(server) - before, 1);
});

Deno.test("the browser signs in to another session: nothing is saved, and the error says to run login in a terminal", async () => {
  const other = "arn:aws:iam::111122223333:user/someone-else";
  await using server = await startEmulator({
    autoApprove: true,
    principals: [other],
  });
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  const config =
    `[profile dev]\nlogin_session = ${DEMO_SESSION}\nregion = us-east-1\n`;
  await Deno.writeTextFile(home.config, config);
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev", "--auto-login"],
    env(home, server),
  );
  assert.equal(result.code, 255);
  assert.equal(result.stdout, "");
  assert.match(
    result.stderr,
    /\naws-signin: \[ERROR\]: The browser signed in to session arn:aws:iam::111122223333:user\/someone-else, not to arn:aws:iam::111122223333:user\/demo, the session of profile 'dev', so nothing was saved: aws-signin never switches a profile's session on its own\. To use the other session, run 'aws-signin login --profile dev' in a terminal\.\n$/,
  );
  assert.equal(await Deno.readTextFile(home.config), config);
  assert.equal(
    await readOrNull(`${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`),
    null,
  );
  assert.equal(
    await readOrNull(`${home.cache}/${sha256HexSync(other)}.json`),
    null,
  );
});

Deno.test("without a way to open a browser: today's error, plus one line saying why no sign-in was started", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const { home } = await endedSession(server);
  await using _home = home;
  const noBrowser = {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
    SSH_CONNECTION: "192.0.2.9 50000 192.0.2.2 22",
  };
  const today = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    noBrowser,
  );
  await revoke(server.url);
  const auto = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev", "--auto-login"],
    noBrowser,
  );
  assert.equal(auto.code, today.code);
  assert.equal(
    auto.stderr,
    `${today.stderr}No sign-in was started (--auto-login): this is an SSH session without a display (SSH_CONNECTION ` +
      "is set, DISPLAY is not) and BROWSER is not set. Run 'aws-signin login --profile dev' where a browser can " +
      "open, or 'aws-signin login --profile dev --remote'.\n",
  );
});

Deno.test("a role profile built on the session is covered; a sign-in that times out says so, and cools down", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    roles: [ADMIN],
  });
  const { home, file } = await endedSession(server);
  await using _home = home;
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(
      home.config,
    )}\n[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n`,
  );
  const slow = await runCliProcess(
    [
      "configure",
      "export-credentials",
      "--profile",
      "admin",
      "--auto-login",
      "--auto-login-timeout",
      "2",
    ],
    env(home, server, {
      BROWSER: standInBrowser("record"),
      BROWSER_RECORD: `${home.dir}/url`,
    }),
  );
  assert.equal(slow.code, 255);
  assert.match(
    slow.stderr,
    /aws-signin: \[ERROR\]: Timed out after 2 seconds waiting for the sign-in to finish in the browser\./,
  );
  // Right after, no other browser is opened (the next caller would open one per try).
  const soon = await runCliProcess(
    ["configure", "export-credentials", "--profile", "admin", "--auto-login"],
    env(home, server),
  );
  assert.equal(soon.code, 255);
  assert.match(
    soon.stderr,
    /No sign-in was started \(--auto-login\): the last sign-in in the browser for this session timed out just now, and no other is opened for 2 minutes\. Run 'aws-signin login --profile dev' to sign in now\.\n$/,
  );
  assert.equal(await browserOpenings(home), 1);
  // Once the cool-down is over, the role profile signs its session in again.
  await ageMarker(file, 3 * 60_000);
  const role = await runCliProcess(
    ["configure", "export-credentials", "--profile", "admin", "--auto-login"],
    env(home, server),
  );
  assert.equal(role.code, 0, role.stderr);
  assert.equal(await browserOpenings(home), 2);
  assert.equal(await readOrNull(`${file}.sign-in`), null);
  assert.match(JSON.parse(role.stdout).AccessKeyId, /^ASIA/);
  assert.match(
    role.stderr,
    /The login session of profile 'dev' has ended: signing in again/,
  );
});

Deno.test("serve --auto-login keeps serving across the sign-in: requests meanwhile get a 500 that says why, then fresh keys", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const { home, old } = await endedSession(server);
  await using _home = home;
  const proc = spawnCli(
    ["serve", "--profile", "dev", "--auto-login"],
    env(home, server, { BROWSER_DELAY_MS: "2000" }),
  );
  try {
    const [, url, token] = await proc.waitForStdout(
      /FULL_URI=(\S+)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)\n/,
    );
    const auth = { authorization: token! };
    const first = fetch(url!, { headers: auth });
    await new Promise((r) => setTimeout(r, 500));
    const meanwhile = await fetch(url!, { headers: auth });
    assert.equal(meanwhile.status, 500);
    assert.match(
      (await meanwhile.json()).Message,
      /Sign-in for profile 'dev' is waiting in the browser \(--auto-login\); try again when it is done\./,
    );
    const answered = await first;
    assert.equal(answered.status, 200);
    const key = (await answered.json()).AccessKeyId;
    assert.notEqual(key, old);
    assert.ok(
      await eventually(async () => {
        const r = await fetch(url!, { headers: auth });
        return r.status === 200 && (await r.json()).AccessKeyId === key;
      }),
    );
  } finally {
    proc.kill("SIGTERM");
    const result = await proc.finish();
    assert.equal(result.code, 0, result.stderr);
  }
});

Deno.test("status says whether auto sign-in would start", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await loginThrough(server.url, home);
  await runCliProcess(["logout", "--profile", "dev"], home.env);
  const off = await runCliProcess(
    ["status", "--profile", "dev"],
    env(home, server),
  );
  assert.match(
    off.stdout,
    /\n +auto sign-in +off \(--auto-login or AWS_SIGNIN_AUTO_LOGIN=true signs the session in again on next use\)\n/,
  );
  const on = await runCliProcess(
    ["status", "--profile", "dev"],
    env(home, server, { AWS_SIGNIN_AUTO_LOGIN: "1" }),
  );
  assert.match(
    on.stdout,
    /\n +auto sign-in +on: the next use opens a browser here to sign in again\n/,
  );
  const { BROWSER: _, ...headless } = env(home, server, {
    AWS_SIGNIN_AUTO_LOGIN: "1",
    CI: "true",
  });
  const json = JSON.parse(
    (await runCliProcess(
      ["status", "--profile", "dev", "--output", "json"],
      headless,
    )).stdout,
  );
  assert.deepEqual(json.profiles[0].autoSignIn, {
    enabled: true,
    possible: false,
    why: "this looks like CI (CI is set) and BROWSER is not set",
  });
});
