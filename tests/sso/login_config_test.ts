/**
 * `aws-signin sso login`'s configuration, black-box: the AWS CLI's texts and
 * exit codes for broken settings (§1.4, §6; the AWS CLI 2.9.19 prints the
 * same texts, checked where it is installed), and a vanity start URL (S16):
 * an https host of the company's own (a test CA through AWS_CA_BUNDLE) that
 * redirects once to the AWS portal, whose region is written back into the
 * session with the AWS CLI's line.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { emulatorFault, hasAwsCli, runAwsCli } from "../helpers.ts";
import { makeTestCa } from "../_net.ts";
import {
  calls,
  SESSION_TOKEN,
  sha1,
  signin,
  ssoEnv,
  ssoHome,
  ssoLogin,
} from "./_setup.ts";

const BROKEN = `[sso-session nokeys]
sso_start_url = https://d-1234567890.awsapps.com/start

[sso-session plain]
sso_start_url = http://d-1234567890.awsapps.com/start
sso_region = us-east-1

[profile a]
sso_session = nope
sso_account_id = 111122223333
sso_role_name = Admin

[profile b]
sso_session = nokeys
sso_account_id = 111122223333
sso_role_name = Admin

[profile c]
sso_account_id = 111122223333
sso_role_name = Admin

[profile d]
sso_session = plain
sso_account_id = 111122223333
sso_role_name = Admin
`;

const CASES: [string, number, string][] = [
  ["a", 253, 'The specified sso-session does not exist: "nope"'],
  [
    "b",
    253,
    "Missing the following required SSO configuration values: sso_region. ",
  ],
  [
    "c",
    253,
    "Missing the following required SSO configuration values: sso_start_url, sso_region. To make sure this " +
    "profile is properly configured to use SSO, please run: aws configure sso",
  ],
  ["d", 253, "The sso_start_url must use the https scheme."],
];

Deno.test("sso login: configuration errors with the AWS CLI's texts and exit codes", async () => {
  await using home = await ssoHome(BROKEN);
  const env = ssoEnv({ url: "http://127.0.0.1:9" }, home);
  for (const [profile, code, text] of CASES) {
    const r = await signin(["sso", "login", "--profile", profile], env);
    assert.equal(r.code, code, `${profile}: ${r.stderr}`);
    assert.equal(
      r.stderr,
      // The AWS CLI 2.36 strips the line it prints (the text's own trailing space goes).
      `aws-signin: [ERROR]: An error occurred (Configuration): ${
        text.replace("aws configure", "aws-signin configure").trim()
      }\n`,
      profile,
    );
  }
  const missing = await signin(["sso", "login", "--profile", "zzz"], env);
  assert.equal(missing.code, 255);
  assert.match(
    missing.stderr,
    /^aws-signin: \[ERROR\]: The config profile \(zzz\) could not be found/,
  );
  const json = await signin(
    ["sso", "login", "--profile", "a", "--cli-error-format", "json"],
    env,
  );
  assert.equal(json.code, 253);
  assert.deepEqual(JSON.parse(json.stderr), {
    Code: "Configuration",
    Message: 'The specified sso-session does not exist: "nope"',
  });
});

Deno.test({
  name: "sso login: the AWS CLI 2.9.19 prints the same configuration texts",
  ignore: !hasAwsCli,
  fn: async () => {
    await using home = await ssoHome(BROKEN);
    // 2.9 has no https check (added with vanity URLs in 2.35.13).
    const cases = CASES.slice(1, 3);
    const results = await Promise.all(cases.map(([profile]) =>
      runAwsCli(
        ["sso", "login", "--profile", profile, "--no-browser"],
        { ...home.env, AWS_EC2_METADATA_DISABLED: "true" },
      )
    ));
    for (const [i, [, code, text]] of cases.entries()) {
      assert.equal(results[i]!.code, code, results[i]!.stderr);
      assert.equal(results[i]!.stderr, `\n${text}\n`);
    }
  },
});

Deno.test("S16: a vanity start URL is resolved by one redirect; the portal's region is written back and said", async () => {
  const resolved = "https://ssoins-7223abcdef.portal.eu-west-1.app.aws/start";
  await using ca = await makeTestCa();
  const seen: string[] = [];
  await using vanity = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: ca.cert,
    key: ca.key,
    onListen: () => {},
  }, (req) => {
    const path = new URL(req.url).pathname;
    seen.push(`${req.method} ${path}`);
    if (path === "/start") {
      return new Response(null, {
        status: 302,
        headers: { location: `${resolved}/` },
      });
    }
    if (path === "/elsewhere") {
      return new Response(null, {
        status: 302,
        headers: { location: "https://sso.example.com/start" },
      });
    }
    return new Response("no", { status: 500 });
  });
  const base = `https://127.0.0.1:${vanity.addr.port}`;
  await using server = await startEmulator({
    autoApprove: true,
    sso: { startUrls: [resolved] },
  });
  const config = `[sso-session corp]
sso_start_url = ${base}/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile corp]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Admin

[profile elsewhere]
sso_start_url = ${base}/elsewhere
sso_region = us-east-1

[profile broken]
sso_start_url = ${base}/broken
sso_region = us-east-1
`;
  await using home = await ssoHome(config);
  const extra = { AWS_CA_BUNDLE: ca.caFile };
  const r = await ssoLogin(server, home, ["--profile", "corp"], extra);
  assert.match(
    r.stdout,
    new RegExp(
      `\n\nSSO region updated to eu-west-1\nSuccessfully logged into Start URL: ${base}/start\n$`,
    ),
  );
  assert.deepEqual(
    seen,
    ["HEAD /start"],
    "one request, the redirect not followed",
  );
  assert.equal(
    await Deno.readTextFile(home.config),
    config.replace(
      "sso_start_url = " + base + "/start\nsso_region = us-east-1",
      "sso_start_url = " + base + "/start\nsso_region = eu-west-1",
    ),
  );
  const token = JSON.parse(
    await Deno.readTextFile(`${home.sso}/${sha1("corp")}.json`),
  );
  assert.equal(token.startUrl, `${base}/start`, "the configured URL");
  assert.equal(token.region, "eu-west-1");
  // The emulator knows only the resolved URL: the registration was made with it.
  assert.deepEqual(calls(server).slice(0, 1), ["RegisterClient/200"]);
  // The next login finds the region already right: no line.
  const again = await ssoLogin(server, home, ["--profile", "corp"], extra);
  assert.doesNotMatch(again.stdout, /SSO region updated/);

  const env = ssoEnv(server, home, extra);
  const elsewhere = await signin(
    ["sso", "login", "--profile", "elsewhere"],
    env,
  );
  assert.equal(elsewhere.code, 253);
  assert.equal(
    elsewhere.stderr,
    `aws-signin: [ERROR]: An error occurred (Configuration): Could not resolve start URL '${base}/elsewhere' to ` +
      "an AWS-owned endpoint. Final URL: 'https://sso.example.com/start'\n",
  );
  const broken = await signin(["sso", "login", "--profile", "broken"], env);
  assert.equal(broken.code, 253);
  assert.equal(
    broken.stderr,
    "aws-signin: [ERROR]: An error occurred (Configuration): Failed to resolve start URL: HTTP 500\n",
  );
  assert.equal(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`).catch(() => null),
    null,
  );
});

Deno.test("S18: OIDC service errors (254) with the modeled details; a callback port that is taken (255)", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const env = ssoEnv(server, home);
  // What users see for a wrong region or start URL: no message, then the details.
  await emulatorFault(server.url, {
    operation: "StartDeviceAuthorization",
    error: "InvalidRequestException",
    status: 400,
    message: "",
  });
  const device = await signin(["sso", "login", "--profile", "legacy"], env);
  assert.equal(device.code, 254);
  assert.match(
    device.stderr,
    /^aws-signin: \[ERROR\]: An error occurred \(InvalidRequestException\) when calling the StartDeviceAuthorization operation:\n.*sso_region.*\n\nAdditional error details:\nerror: invalid_request\nerror_description: \n$/,
  );
  await emulatorFault(server.url, {
    operation: "CreateToken",
    error: "InvalidGrantException",
    status: 400,
    message: "Invalid grant provided",
  });
  const grant = await signin(["sso", "login", "--profile", "dev"], env);
  assert.equal(grant.code, 254);
  assert.match(
    grant.stderr,
    /^aws-signin: \[ERROR\]: An error occurred \(InvalidGrantException\) when calling the CreateToken operation:\n(.*\n)?\nAdditional error details:\nerror: invalid_grant\nerror_description: Invalid grant provided\n$/,
  );
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  const busy = await signin(
    ["sso", "login", "--profile", "dev", "--redirect-port", String(port)],
    env,
  );
  assert.equal(busy.code, 255);
  assert.match(
    busy.stderr,
    new RegExp(
      `^aws-signin: \\[ERROR\\]: Unable to initialize the OAuth 2\\.0 authorization callback handler: .*127\\.0\\.0\\.1:${port}.* \n` +
        " You may use --use-device-code to fall back to the device code flow which does not require the callback handler\\.\n$",
    ),
  );
  assert.equal(
    await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`).catch(() => null),
    null,
  );
});
