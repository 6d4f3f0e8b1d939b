/**
 * Real-browser tests: headless Chromium (Debian's /usr/bin/chromium, driven
 * by playwright-core) clicks through the emulator's pages and lands on our
 * callback page. Screenshots of every page a user sees are saved under
 * test-output/browser/.
 *
 *   deno task test:browser
 */
import assert from "node:assert/strict";
import { sha256Hex } from "../../lib/util/encoding.ts";
import { shlexQuote } from "../../lib/util/shlex.ts";
import {
  recordingBrowser,
  screenshot,
  waitForFile,
  withBrowser,
} from "./_chromium.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import { readOrNull, ROOT, tempHome } from "../helpers.ts";
import { spawnCli } from "../../dev/interactive.ts";

const ALICE = "arn:aws:iam::111122223333:user/alice";
const BOB = "arn:aws:sts::444455556666:assumed-role/Admin/bob";

const options = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name:
    "same-device: the picker page, approve, and our success page; the login finishes",
  ...options,
  async fn() {
    await using server = await startEmulator({ principals: [ALICE, BOB] });
    await using home = await tempHome();
    const record = `${home.dir}/url.txt`;
    const login = spawnCli([
      "login",
      "--profile",
      "dev",
      "--region",
      "us-east-1",
      "--endpoint-url",
      server.url,
    ], {
      ...home.env,
      ...recordingBrowser(record),
    });
    const url = await waitForFile(record);
    await withBrowser(async (page) => {
      await page.goto(url);
      assert.equal(await page.title(), "Allow access to your console session");
      assert.match(
        await page.textContent("main") ?? "",
        /user\/alice[\s\S]*assumed-role\/Admin\/bob/,
      );
      await screenshot(page, "picker");
      await page.check(`input[value="${BOB}"]`);
      await page.click("#approve");
      await page.waitForURL(/127\.0\.0\.1:\d+\/oauth\/callback/);
      await page.getByText("Signed in").waitFor();
      const text = await page.textContent("main") ?? "";
      assert.match(
        text,
        /Your terminal is finishing the login for profile dev\./,
      );
      assert.match(text, /You can close this tab/);
      await screenshot(page, "success");
    });
    const result = await login.finish();
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /Updated profile dev to use arn:aws:sts::444455556666:assumed-role\/Admin\/bob credentials\./,
    );
    assert.equal(
      await Deno.readTextFile(home.config),
      `[profile dev]\nlogin_session = ${BOB}\n`,
    );
    const cache = JSON.parse(
      await Deno.readTextFile(`${home.cache}/${await sha256Hex(BOB)}.json`),
    );
    assert.equal(cache.accessToken.accountId, "444455556666");
  },
});

Deno.test({
  name: "same-device: deny shows our failure page and the login exits 255",
  ...options,
  async fn() {
    await using server = await startEmulator();
    await using home = await tempHome();
    const record = `${home.dir}/url.txt`;
    const login = spawnCli([
      "login",
      "--region",
      "us-east-1",
      "--endpoint-url",
      server.url,
    ], {
      ...home.env,
      ...recordingBrowser(record),
    });
    const url = await waitForFile(record);
    await withBrowser(async (page) => {
      await page.goto(url);
      await page.click("#deny");
      await page.getByText("Sign-in was not completed").waitFor();
      const text = await page.textContent("main") ?? "";
      assert.match(
        text,
        /The authentication redirect failed with the following error: access_denied\./,
      );
      assert.match(
        text,
        /Nothing was saved\. To try again, run aws-signin login in your terminal\./,
      );
      await screenshot(page, "failure");
    });
    const result = await login.finish();
    assert.equal(result.code, 255);
    assert.match(result.stderr, /The sign-in page returned "access_denied"/);
    assert.equal(await readOrNull(home.config), null);
  },
});

Deno.test({
  name:
    "cross-device: approve in the browser, read the code from the confirmation page, type it into the login",
  ...options,
  async fn() {
    await using server = await startEmulator({ principals: [ALICE] });
    await using home = await tempHome();
    const login = spawnCli([
      "login",
      "--remote",
      "--profile",
      "remote",
      "--region",
      "eu-west-1",
      "--endpoint-url",
      server.url,
    ], home.env);
    const [url] = await login.waitForStdout(
      /http:\/\/127\.0\.0\.1:\d+\/v1\/authorize\?\S+/,
    );
    await login.waitForStdout(
      /Enter the authorization code displayed in your browser: $/,
    );
    let code = "";
    await withBrowser(async (page) => {
      await page.goto(url);
      await page.click("#approve");
      await page.waitForURL(/\/v1\/sessions\/confirmation/);
      code = (await page.textContent("#code"))?.trim() ?? "";
      assert.match(
        await page.textContent("h1") ?? "",
        /Copy this code to your terminal/,
      );
      await screenshot(page, "confirmation");
    });
    assert.match(code, /^[A-Za-z0-9+/=]+$/);
    await login.write(`${code}\n`);
    const result = await login.finish();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      await Deno.readTextFile(home.config),
      `[profile remote]\nlogin_session = ${ALICE}\n`,
    );
  },
});

Deno.test({
  name: "an invalid sign-in link shows the emulator's error page",
  ...options,
  async fn() {
    await using server = await startEmulator();
    await withBrowser(async (page) => {
      const response = await page.goto(
        `${server.url}/v1/authorize?response_type=token`,
      );
      assert.equal(response?.status(), 400);
      await page.getByText("This sign-in request is not valid").waitFor();
      await screenshot(page, "invalid-request");
    });
  },
});

Deno.test({
  name:
    "console: Chromium opens the federated sign-in URL of a role profile and lands on the emulator's console as the role",
  ...options,
  async fn() {
    const ADMIN = "arn:aws:iam::444455556666:role/Admin";
    await using server = await startEmulator({
      autoApprove: true,
      roles: [ADMIN],
      region: "eu-west-1",
    });
    await using home = await tempHome();
    const login = spawnCli(
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
        ...home.env,
        BROWSER: `${shlexQuote(Deno.execPath())} run --quiet -A ${
          shlexQuote(`${ROOT}/tests/flow/_browser.ts`)
        } approve %s`,
      },
    );
    assert.equal((await login.finish()).code, 0);
    await Deno.writeTextFile(
      home.config,
      `${await Deno.readTextFile(
        home.config,
      )}region = eu-west-1\n\n[profile admin]\nrole_arn = ${ADMIN}\n` +
        "source_profile = dev\nrole_session_name = alice\nregion = eu-west-1\n",
    );
    const record = `${home.dir}/console-url`;
    const consoleRun = spawnCli([
      "console",
      "--profile",
      "admin",
      "--destination",
      "ec2",
    ], {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      AWS_ENDPOINT_URL_STS: server.url,
      ...recordingBrowser(record),
    });
    // The browser is given a one-time local link (the sign-in URL is a credential); console waits for it.
    const url = await waitForFile(record);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/start\//);
    await withBrowser(async (page) => {
      await page.goto(url);
      const result = await consoleRun.finish();
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await page.textContent("#role"), "Admin");
      assert.equal(await page.textContent("#account"), "444455556666");
      assert.equal(await page.textContent("#region"), "eu-west-1");
      assert.equal(await page.textContent("#issuer"), "aws-signin");
      assert.match(
        (await page.textContent("#destination")) ?? "",
        /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/ec2\/home\?region=eu-west-1$/,
      );
      await screenshot(page, "console-role");
    });
  },
});
