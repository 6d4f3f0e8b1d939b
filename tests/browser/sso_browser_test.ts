/**
 * IAM Identity Center in a real browser (S24): headless Chromium opens the
 * one-time link `sso login` hands it, goes through the emulator's consent
 * page (authorization code) or device page (device code), approves, and the
 * login finishes with the token saved.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { readOrNull, tempHome } from "../helpers.ts";
import { spawnCli } from "../../dev/interactive.ts";
import {
  recordingBrowser,
  screenshot,
  waitForFile,
  withBrowser,
} from "./_chromium.ts";

const options = { sanitizeOps: false, sanitizeResources: false };
const CONFIG =
  "[profile dev]\nsso_session = my-sso\nsso_account_id = 111122223333\nsso_role_name = Admin\n\n" +
  "[sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n" +
  "sso_registration_scopes = sso:account:access\n";
// sha1("my-sso"): the token file every AWS tool reads.
const TOKEN = "0ad374308c5a4e22f723adf10145eafad7c4031c.json";

for (const flow of ["authorization code", "device code"] as const) {
  Deno.test({
    name:
      `sso login (${flow}): Chromium opens the one-time link, approves on the emulator's page, and the token is saved`,
    ...options,
    async fn() {
      await using server = await startEmulator();
      await using home = await tempHome();
      await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
      await Deno.writeTextFile(home.config, CONFIG);
      const record = `${home.dir}/url.txt`;
      const login = spawnCli([
        "sso",
        "login",
        "--profile",
        "dev",
        ...(flow === "device code" ? ["--use-device-code"] : []),
      ], {
        ...home.env,
        AWS_ENDPOINT_URL_SSO_OIDC: server.url,
        AWS_ENDPOINT_URL_SSO: server.url,
        // A desktop: the browser opens (the stand-in hands the link to this test).
        DISPLAY: ":0",
        ...recordingBrowser(record),
      });
      try {
        const link = await waitForFile(record);
        assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]+$/);
        await withBrowser(async (page) => {
          await page.goto(link);
          if (flow === "device code") {
            assert.match(
              (await page.inputValue("#user-code")) ?? "",
              /^[A-Z]{4}-[A-Z]{4}$/,
            );
          }
          await screenshot(page, `sso-${flow.replace(" ", "-")}-page`);
          await page.click("#approve");
          if (flow === "authorization code") {
            await page.waitForSelector("text=Signed in");
          } else {
            await page.waitForSelector("#result");
          }
          await screenshot(page, `sso-${flow.replace(" ", "-")}-done`);
        });
      } finally {
        const result = await login.finish();
        assert.equal(result.code, 0, result.stderr);
        assert.match(
          result.stdout,
          /\nSuccessfully logged into Start URL: https:\/\/d-1234567890\.awsapps\.com\/start\n$/,
        );
      }
      const token = JSON.parse(
        (await readOrNull(`${home.dir}/.aws/sso/cache/${TOKEN}`))!,
      );
      assert.equal(token.startUrl, "https://d-1234567890.awsapps.com/start");
      assert.ok(token.accessToken);
      assert.ok(token.refreshToken, "a session with scopes can refresh");
    },
  });
}
