/**
 * `login` in this process with the outside world faked: a stand-in browser
 * function that follows the sign-in URL through the emulator to our
 * callback, a fixed random source and clock, and a sleep that returns at
 * once. The subprocess tests in tests/login_test.ts cover the same command as
 * a user runs it; these show each step can be driven and observed directly.
 */
import assert from "node:assert/strict";
import type { BrowserOpener } from "../../lib/cli/context.ts";
import { type MemoryIo, memoryIo } from "../../lib/cli/io.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import { sha256Hex } from "../../lib/util/encoding.ts";
import { formatExpiresAt } from "../../lib/util/time.ts";
import { cookieJar } from "../../dev/cookie_jar.ts";
import {
  codeFromConfirmationPage,
  listDir,
  readOrNull,
  runInProcess,
  tempHome,
} from "../helpers.ts";

const DEMO = "arn:aws:iam::111122223333:user/demo";
const NOW = Date.parse("2026-01-02T03:04:05Z");
/** All-zero random bytes: the state is the UUID v4 with only its version bits set. */
const zeros = (n: number) => new Uint8Array(n);
const ZERO_STATE = "00000000-0000-4000-8000-000000000000";

/** A browser that follows redirects from the link it is given to the loopback callback; `seen` gets every URL it visits. */
const followingBrowser =
  (seen: string[]): BrowserOpener => async (url: string) => {
    const jar = cookieJar();
    let next = url;
    for (let hop = 0; hop < 5; hop++) {
      seen.push(next);
      const response = await fetch(next, {
        redirect: "manual",
        headers: jar.headers(next),
      });
      jar.take(response);
      await response.body?.cancel();
      const location = response.headers.get("location");
      if (!location) return true;
      next = new URL(location, next).toString();
    }
    throw new Error("too many redirects");
  };

Deno.test("in process: the same-device flow with a stand-in browser, fixed randomness and a fake clock", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    now: () => NOW,
  });
  await using home = await tempHome();
  const opened: string[] = [];
  const result = await runInProcess(
    [
      "login",
      "--profile",
      "dev",
      "--region",
      "eu-west-1",
      "--endpoint-url",
      server.url,
    ],
    {
      env: home.env,
      world: {
        now: () => NOW,
        random: zeros,
        openBrowser: followingBrowser(opened),
      },
    },
  );
  assert.equal(result.code, 0, result.stderr);
  // The browser got a one-time link, which led to the sign-in URL, then to the callback.
  assert.equal(opened.length, 3);
  assert.match(opened[0]!, /^http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]+$/);
  const url = new URL(opened[1]!);
  assert.equal(url.searchParams.get("state"), ZERO_STATE);
  assert.match(
    url.searchParams.get("redirect_uri")!,
    /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/,
  );
  assert.ok(result.stdout.includes(`\n${opened[0]}\n\n`), "the URL is printed");
  assert.ok(
    result.stdout.endsWith(
      `\nUpdated profile dev to use ${DEMO} credentials.\n` +
        `Use "--profile dev" to use the new credentials, such as "aws-signin sts get-caller-identity --profile dev"\n`,
    ),
  );
  assert.equal(
    await Deno.readTextFile(home.config),
    `[profile dev]\nlogin_session = ${DEMO}\n`,
  );
  const entry = JSON.parse(
    await Deno.readTextFile(`${home.cache}/${await sha256Hex(DEMO)}.json`),
  );
  assert.equal(entry.accessToken.expiresAt, formatExpiresAt(NOW + 900_000));
  assert.equal(entry.clientId, "arn:aws:signin:::devtools/same-device");
  assert.equal(entry.signInRegion, "eu-west-1");
});

Deno.test("in process: --timeout is measured with the injected sleep, and nothing is written", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const slept: number[] = [];
  const result = await runInProcess(
    [
      "login",
      "--region",
      "us-east-1",
      "--endpoint-url",
      server.url,
      "--timeout",
      "600",
    ],
    {
      env: home.env,
      world: {
        // The browser never comes back; the 600 s wait passes at once.
        openBrowser: () => Promise.resolve(false),
        sleep: (ms) => {
          slept.push(ms);
          return Promise.resolve();
        },
      },
    },
  );
  assert.equal(result.code, 255);
  assert.deepEqual(slept, [600_000]);
  assert.equal(
    result.stderr,
    "aws-signin: [ERROR]: Timed out after 600 seconds waiting for the sign-in to finish in the browser. " +
      'Run "aws-signin login" again (or "aws-signin login --remote" if the browser is on another device).\n',
  );
  assert.equal(await readOrNull(home.config), null);
  assert.deepEqual(await listDir(home.cache), []);
});

/** An Io whose stdin is answered by the test once it has seen what was printed. */
function answeringIo(
  answer: (stdout: string) => Promise<string | null>,
): MemoryIo {
  const io = memoryIo();
  return {
    ...io,
    get stdout() {
      return io.stdout;
    },
    get stderr() {
      return io.stderr;
    },
    readLine: () => answer(io.stdout),
  };
}

Deno.test("in process: the cross-device flow reads the code the confirmation page shows", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const io = answeringIo(async (stdout) => {
    const url = /http:\/\/127\.0\.0\.1:\d+\/v1\/authorize\?\S+/.exec(stdout);
    assert.ok(url, stdout);
    assert.ok(
      stdout.endsWith(
        "\nEnter the authorization code displayed in your browser: ",
      ),
    );
    return await codeFromConfirmationPage(url[0]);
  });
  const result = await runInProcess(
    [
      "login",
      "--remote",
      "--region",
      "us-east-2",
      "--endpoint-url",
      server.url,
    ],
    { env: home.env, io, world: { random: zeros } },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`state=${ZERO_STATE}&`));
  assert.match(
    result.stdout,
    new RegExp(
      `redirect_uri=${
        encodeURIComponent(`${server.url}/v1/sessions/confirmation`)
      }&`,
    ),
  );
  assert.equal(
    await Deno.readTextFile(home.config),
    `[default]\nlogin_session = ${DEMO}\n`,
  );
  const entry = JSON.parse(
    await Deno.readTextFile(`${home.cache}/${await sha256Hex(DEMO)}.json`),
  );
  assert.equal(entry.clientId, "arn:aws:signin:::devtools/cross-device");
  assert.deepEqual(
    server.emulator.requests.filter((r) => r.operation === "CreateOAuth2Token")
      .map((r) => [r.grantType, r.clientId, r.status]),
    [["authorization_code", "arn:aws:signin:::devtools/cross-device", 200]],
  );
});

Deno.test("in process: a pasted code for another sign-in is refused with the AWS CLI's message", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const other = btoa(`state=11111111-1111-4111-8111-111111111111&code=x`);
  const result = await runInProcess(
    [
      "login",
      "--remote",
      "--region",
      "us-east-1",
      "--endpoint-url",
      server.url,
    ],
    { env: home.env, input: `${other}\n`, world: { random: zeros } },
  );
  assert.equal(result.code, 255);
  assert.equal(
    result.stderr,
    "aws-signin: [ERROR]: Error loading or redeeming a login authorization code: State parameter " +
      `11111111-1111-4111-8111-111111111111 does not match expected value ${ZERO_STATE}.\n`,
  );
  assert.equal(await readOrNull(home.config), null);
});
