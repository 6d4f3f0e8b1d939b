/**
 * `aws-signin console` on IAM Identity Center profiles against the
 * emulator: federation with the `GetRoleCredentials` keys (the partition
 * from `sso_region`, so no STS call), the access portal's shortcut link
 * with `--via portal` (not a credential; no network), the portal link when
 * there is no usable token (said why), a role built on an SSO profile
 * (chained: `--duration` is not sent), and what `--via portal` refuses.
 * Each says on stderr which way it opens the console, and why.
 */
import assert from "node:assert/strict";
import { runCliProcess } from "../helpers.ts";
import { ssoCalls, ssoLogin, ssoSetUp, START_URL } from "./_sso.ts";

/** Opens the printed sign-in URL as a browser would, and reads the emulator's console page. */
async function land(url: string): Promise<Record<string, string>> {
  const response = await fetch(url);
  assert.equal(response.status, 200, await response.clone().text());
  const page = await response.text();
  const field = (id: string) =>
    new RegExp(`id="${id}">(?:<code>)?([^<]*)`).exec(page)?.[1] ?? "";
  return {
    role: field("role"),
    account: field("account"),
    region: field("region"),
    duration: field("duration"),
  };
}

Deno.test("an SSO profile: its GetRoleCredentials keys are federated into the console, without asking STS for the partition", async () => {
  await using s = await ssoSetUp();
  await ssoLogin(s.env);
  const before = s.server.emulator.requests.length;
  const result = await runCliProcess(
    ["console", "--profile", "dev", "--print", "--duration", "7200"],
    s.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /^Profile 'dev' is an IAM Identity Center profile: the console opens through federation with its role credentials \(GetRoleCredentials; no portal session is needed in the browser\); --via portal opens the access portal's shortcut link instead\.$/m,
  );
  assert.match(result.stderr, /it is a credential/);
  const url = new URL(result.stdout.trim());
  assert.equal(url.origin, s.server.url);
  assert.equal(url.searchParams.get("Action"), "login");
  const page = await land(url.href);
  assert.match(page.role!, /^AWSReservedSSO_Admin_[0-9a-f]{16}$/);
  assert.equal(page.account, "111122223333");
  assert.equal(page.region, "us-east-1");
  assert.equal(page.duration, "7200 seconds");
  assert.deepEqual(
    s.server.emulator.requests.slice(before)
      .filter((r) => r.operation !== "ConsoleLogin")
      .map((r) => `${r.operation}/${r.status}`),
    ["GetRoleCredentials/200", "GetSigninToken/200"],
  );
});

Deno.test("--via portal: the access portal's shortcut link for the account and role (not a credential, no network)", async () => {
  await using s = await ssoSetUp();
  for (
    const [profile, account, role] of [
      ["dev", "111122223333", "Admin"],
      ["legacy", "444455556666", "ReadOnly"],
    ]
  ) {
    const result = await runCliProcess(
      [
        "console",
        "--profile",
        profile!,
        "--via",
        "portal",
        "--print",
        "--destination",
        "s3",
      ],
      s.env,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `${START_URL}/#/console?account_id=${account}&role_name=${role}&destination=${
        encodeURIComponent(
          "https://us-east-1.console.aws.amazon.com/s3/home?region=us-east-1",
        )
      }\n`,
    );
    assert.match(
      result.stderr,
      /the access portal's shortcut link \(--via portal\).*it is not a credential/s,
    );
  }
  assert.deepEqual(s.server.emulator.requests, [], "no call at all");
  // A start URL written with "#/" or a trailing "/" gives the same link.
  const config = await Deno.readTextFile(s.home.config);
  await Deno.writeTextFile(
    s.home.config,
    config.replace(
      `sso_start_url = ${START_URL}\nsso_region`,
      `sso_start_url = ${START_URL}/#/\nsso_region`,
    ),
  );
  const hashed = await runCliProcess(
    ["console", "--profile", "dev", "--via", "portal", "--print"],
    s.env,
  );
  assert.equal(hashed.code, 0, hashed.stderr);
  assert.match(
    hashed.stdout,
    new RegExp(
      `^${
        START_URL.replaceAll(".", "\\.")
      }/#/console\\?account_id=111122223333&role_name=Admin&destination=`,
    ),
  );
});

Deno.test("no usable IAM Identity Center token: the portal's shortcut link, and why; --via federation fails instead", async () => {
  await using s = await ssoSetUp();
  const result = await runCliProcess(
    ["console", "--profile", "dev", "--print"],
    s.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^https:\/\/d-1234567890\.awsapps\.com\/start\/#\/console\?account_id=111122223333&role_name=Admin&/,
  );
  assert.match(
    result.stderr,
    /^Profile 'dev' has no usable IAM Identity Center token \(Error loading SSO Token: Token for my-sso does not exist\), so the access portal's shortcut link is used instead: your browser signs in to the portal if it has no portal session\. To federate instead, run "aws-signin sso login --sso-session my-sso" first\.$/m,
  );
  const strict = await runCliProcess(
    ["console", "--profile", "dev", "--print", "--via", "federation"],
    s.env,
  );
  assert.equal(strict.code, 255);
  assert.match(strict.stderr, /Token for my-sso does not exist/);
  assert.equal(strict.stdout, "");
});

Deno.test("a role built on an SSO profile: federated as a chained role (--duration is not sent); --via portal is refused for it", async () => {
  await using s = await ssoSetUp();
  await ssoLogin(s.env);
  const result = await runCliProcess(
    ["console", "--profile", "chain", "--print", "--duration", "7200"],
    s.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /--duration is not used: profile 'chain' is a chained role/,
  );
  const page = await land(result.stdout.trim());
  assert.equal(page.role, "Deploy");
  assert.equal(page.account, "444455556666");
  assert.equal(page.duration, "3600 seconds");
  assert.ok(!ssoCalls(s.server).includes("GetCallerIdentity/200"));
  const portal = await runCliProcess(
    ["console", "--profile", "chain", "--via", "portal", "--print"],
    s.env,
  );
  assert.equal(portal.code, 252);
  assert.match(
    portal.stderr,
    /--via portal opens the access portal as an IAM Identity Center role, but profile 'chain' assumes arn:aws:iam::444455556666:role\/Deploy on top of profile 'dev': use --via federation, or --profile dev --via portal\./,
  );
  const other = await runCliProcess(
    ["console", "--profile", "nope", "--via", "portal"],
    { ...s.env },
  );
  assert.equal(other.code, 255, "a profile that does not exist");
  await Deno.writeTextFile(
    s.home.config,
    `${await Deno.readTextFile(
      s.home.config,
    )}\n[profile keys]\naws_access_key_id = AKIAKEYSKEYSKEYS0001\naws_secret_access_key = s\n`,
  );
  const keys = await runCliProcess(
    ["console", "--profile", "keys", "--via", "portal"],
    s.env,
  );
  assert.equal(keys.code, 252);
  assert.match(
    keys.stderr,
    /--via portal is for IAM Identity Center profiles \(sso_account_id and sso_role_name\); profile 'keys' is not one\./,
  );
});
