/**
 * `aws-signin emulator` and IAM Identity Center: its `--sso-*` options reach
 * the instance (start URLs, user, accounts and roles, lifetimes, page size,
 * rotation), bad values are usage errors, and a person at a terminal is told
 * the endpoint variables and a ready-to-paste `[sso-session]` and profile
 * (stdout stays the one URL line that scripts read).
 */
import assert from "node:assert/strict";
import { memoryIo } from "../../lib/cli/io.ts";
import { runInProcess } from "../helpers.ts";
import { control, deviceLogin, portal } from "./_sso.ts";

/** Runs the emulator in this process until the test is done with it. */
async function withEmulator(
  args: string[],
  terminal: boolean,
  fn: (url: string, stderr: () => string) => void | Promise<void>,
): Promise<void> {
  const io = memoryIo("", terminal);
  const stop = new AbortController();
  const running = runInProcess(["emulator", "--port", "0", ...args], {
    io,
    signal: stop.signal,
  });
  const deadline = Date.now() + 10_000;
  while (!io.stdout.includes("\n")) {
    if (Date.now() > deadline) {
      throw new Error(`no URL line: ${io.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    assert.match(io.stdout, /^http:\/\/127\.0\.0\.1:\d+\n$/);
    await fn(io.stdout.trim(), () => io.stderr);
  } finally {
    stop.abort();
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
  }
}

Deno.test("--sso-* options set up the instance", async () => {
  await withEmulator(
    [
      "--sso-start-url",
      "https://my-portal.awsapps.com/start",
      "--sso-user",
      "alice",
      "--sso-account",
      "123456789012:Only Account:only@example.com",
      "--sso-role",
      "123456789012:Dev",
      "--sso-role",
      "210987654321:Ops",
      "--sso-session-ttl",
      "7200",
      "--sso-access-ttl",
      "600",
      "--sso-legacy-ttl",
      "1200",
      "--sso-registration-ttl",
      "86400",
      "--sso-role-ttl",
      "900",
      "--sso-device-ttl",
      "120",
      "--sso-device-interval",
      "2",
      "--sso-page-size",
      "1",
      "--sso-rotation",
      "none",
    ],
    false,
    async (url) => {
      assert.deepEqual((await control(url, "sso/settings")).json, {
        sessionTtl: 7200,
        accessTokenTtl: 600,
        legacyTokenTtl: 1200,
        registrationTtl: 86400,
        roleTtl: 900,
        deviceCodeTtl: 120,
        deviceInterval: 2,
        pageSize: 1,
        rotation: "none",
      });
      const client = await fetch(`${url}/client/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientName: "x", clientType: "public" }),
      }).then((r) => r.json());
      const device = await fetch(`${url}/device_authorization`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ...client,
          startUrl: "https://my-portal.awsapps.com/start/",
        }),
      }).then((r) => r.json());
      assert.equal(device.interval, 2);
      assert.equal(device.expiresIn, 120);
      await control(url, "sso/device", {});
      const token = await fetch(`${url}/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ...client,
          grantType: "urn:ietf:params:oauth:grant-type:device_code",
          deviceCode: device.deviceCode,
        }),
      }).then((r) => r.json());
      assert.equal(token.expiresIn, 1200);
      const accounts = await portal(
        url,
        "GET",
        "/assignment/accounts",
        token.accessToken,
      );
      assert.deepEqual(accounts.json.accountList, [
        {
          accountId: "123456789012",
          accountName: "Only Account",
          emailAddress: "only@example.com",
        },
      ]);
      const all = await portal(
        url,
        "GET",
        `/assignment/accounts?next_token=${accounts.json.nextToken}`,
        token.accessToken,
      );
      assert.deepEqual(all.json.accountList, [{ accountId: "210987654321" }]);
      const creds = await portal(
        url,
        "GET",
        "/federation/credentials?role_name=Ops&account_id=210987654321",
        token.accessToken,
      );
      assert.equal(creds.status, 200, creds.text);
      assert.ok(creds.json.roleCredentials.expiration - Date.now() <= 900_000);
    },
  );
});

Deno.test("the defaults: two accounts with two roles each, the example start URL", async () => {
  await withEmulator([], false, async (url) => {
    const { tokens } = await deviceLogin(url);
    const accounts = await portal(
      url,
      "GET",
      "/assignment/accounts",
      tokens.accessToken,
    );
    assert.equal(accounts.json.accountList.length, 2);
  });
});

Deno.test("bad --sso-* values are usage errors", async () => {
  const cases: [string[], RegExp][] = [
    [["--sso-account", "12345"], /--sso-account.*ACCOUNT_ID/],
    [["--sso-role", "123456789012"], /--sso-role.*ACCOUNT_ID:ROLE_NAME/],
    [["--sso-role", "123456789012:bad role"], /--sso-role/],
    [
      ["--sso-start-url", "http://x.awsapps.com/start"],
      /--sso-start-url.*https/,
    ],
    [["--sso-page-size", "0"], /--sso-page-size/],
    [["--sso-page-size", "101"], /--sso-page-size/],
    [["--sso-session-ttl", "7776001"], /--sso-session-ttl/],
    [["--sso-rotation", "sometimes"], /sso-rotation/],
  ];
  for (const [args, message] of cases) {
    const result = await runInProcess(["emulator", "--port", "0", ...args]);
    assert.equal(result.code, 252, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stdout, "");
  }
});

Deno.test("at a terminal it says how to point the tools at it, ready to paste; in a pipe it says nothing", async () => {
  await withEmulator(
    ["--sso-region", "eu-west-1"],
    true,
    (url, stderr) => {
      const text = stderr();
      for (
        const name of [
          "AWS_ENDPOINT_URL_SIGNIN",
          "AWS_ENDPOINT_URL_STS",
          "AWS_ENDPOINT_URL_SSO_OIDC",
          "AWS_ENDPOINT_URL_SSO",
        ]
      ) {
        assert.ok(text.includes(`${name}=${url}`), `${name} in ${text}`);
      }
      assert.ok(
        text.includes(
          "[sso-session emulator]\nsso_start_url = https://d-1234567890.awsapps.com/start\n" +
            "sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n",
        ),
        text,
      );
      assert.ok(
        text.includes(
          "[profile emulator-sso]\nsso_session = emulator\nsso_account_id = 111122223333\n" +
            "sso_role_name = Admin\nregion = us-east-1\n",
        ),
        text,
      );
      assert.match(text, /aws-signin sso login --profile emulator-sso/);
    },
  );
  await withEmulator([], false, (_url, stderr) => {
    assert.equal(stderr(), "");
  });
});
