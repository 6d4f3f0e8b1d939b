/**
 * `aws-signin console` against the emulator's federation endpoint: a role,
 * a chained role (--duration refused, capped at an hour), a login session
 * whose identity is an assumed role, an IAM user's login session (its console
 * opened directly), long-term keys refused, --print (a credential, said so),
 * --destination, a partition other than aws, and --auto-login.
 */
import assert from "node:assert/strict";
import {
  type EmulatorServer,
  startEmulator,
} from "../../lib/emulator/server.ts";
import {
  loginThrough,
  readOrNull,
  runCliProcess,
  standInBrowser,
  type TempHome,
  tempHome,
} from "../helpers.ts";
import { ADMIN, DEEP } from "../roles/_setup.ts";

const ROLE_SESSION = "arn:aws:sts::111122223333:assumed-role/Ops/alice";

async function setUp(
  options: { principal?: string; region?: string; admin?: string } = {},
) {
  const region = options.region ?? "us-east-1";
  const admin = options.admin ?? ADMIN;
  const server = await startEmulator({
    autoApprove: true,
    roles: [admin, DEEP],
    region,
    ...(options.principal ? { principals: [options.principal] } : {}),
  });
  const home = await tempHome();
  await loginThrough(server.url, home, "dev", options.principal);
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(home.config)}region = ${region}\n\n` +
      `[profile admin]\nrole_arn = ${admin}\nsource_profile = dev\nrole_session_name = alice\nregion = ${region}\n\n` +
      `[profile deep]\nrole_arn = ${DEEP}\nsource_profile = admin\nregion = ${region}\n\n` +
      `[profile static]\naws_access_key_id = AKIASTATICSTATIC0001\naws_secret_access_key = s\n`,
  );
  return { server, home };
}

function env(home: TempHome, server: EmulatorServer, extra = {}) {
  return {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
    AWS_ENDPOINT_URL_STS: server.url,
    ...extra,
  };
}

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
    issuer: field("issuer"),
    duration: field("duration"),
    destination: field("destination").replaceAll("&amp;", "&"),
  };
}

Deno.test("a role profile: federated into the console, the URL printed with a warning, usable once", async () => {
  const { server, home } = await setUp();
  await using _s = server;
  await using _h = home;
  const result = await runCliProcess(
    ["console", "--profile", "admin", "--print", "--debug"],
    env(home, server),
  );
  assert.equal(result.code, 0, result.stderr);
  const url = new URL(result.stdout.trim());
  assert.equal(url.origin, server.url);
  assert.equal(url.pathname, "/federation");
  assert.equal(url.searchParams.get("Action"), "login");
  assert.equal(url.searchParams.get("Issuer"), "aws-signin");
  assert.equal(
    url.searchParams.get("Destination"),
    "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1",
  );
  const token = url.searchParams.get("SigninToken")!;
  assert.match(result.stderr, /it is a credential/);
  assert.ok(!result.stderr.includes(token), "the token is never in --debug");
  assert.deepEqual(await land(url.href), {
    role: "Admin",
    account: "444455556666",
    region: "us-east-1",
    issuer: "aws-signin",
    duration: "3600 seconds",
    destination:
      "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1",
  });
  const again = await fetch(url);
  assert.equal(again.status, 400, "a sign-in token works once");
  await again.body?.cancel();
});

Deno.test("--duration for a role; a chained role keeps AWS's one hour and says so; --destination", async () => {
  const { server, home } = await setUp();
  await using _s = server;
  await using _h = home;
  const long = await runCliProcess(
    [
      "console",
      "--profile",
      "admin",
      "--print",
      "--duration",
      "7200",
      "--destination",
      "s3",
    ],
    env(home, server),
  );
  assert.equal(long.code, 0, long.stderr);
  const page = await land(long.stdout.trim());
  assert.equal(page.duration, "7200 seconds");
  assert.equal(
    page.destination,
    "https://us-east-1.console.aws.amazon.com/s3/home?region=us-east-1",
  );
  const chained = await runCliProcess(
    [
      "console",
      "--profile",
      "deep",
      "--print",
      "--duration",
      "7200",
      "--destination",
      "/cloudwatch/home",
    ],
    env(home, server),
  );
  assert.equal(chained.code, 0, chained.stderr);
  assert.match(
    chained.stderr,
    /\[WARNING\]: --duration is not used: profile 'deep' is a chained role \(assumed with another role's credentials\), whose console session AWS caps at one hour\./,
  );
  const deep = await land(chained.stdout.trim());
  assert.equal(deep.role, "Deep");
  assert.equal(deep.account, "777788889999");
  assert.equal(deep.duration, "3600 seconds");
  assert.equal(
    deep.destination,
    "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1",
  );
  const bad = await runCliProcess(
    ["console", "--profile", "admin", "--destination", "https://evil.example/"],
    env(home, server),
  );
  assert.equal(bad.code, 252);
  assert.match(
    bad.stderr,
    /a URL must be an https:\/\/ page of the console \(console\.aws\.amazon\.com\)/,
  );
});

Deno.test("a login session whose identity is an assumed role is federated; an IAM user's console is opened directly", async () => {
  {
    const { server, home } = await setUp({ principal: ROLE_SESSION });
    await using _s = server;
    await using _h = home;
    const result = await runCliProcess(
      ["console", "--profile", "dev", "--print"],
      env(home, server),
    );
    assert.equal(result.code, 0, result.stderr);
    const page = await land(result.stdout.trim());
    assert.equal(page.role, "Ops");
    assert.equal(page.account, "111122223333");
  }
  const { server, home } = await setUp();
  await using _s = server;
  await using _h = home;
  const record = `${home.dir}/opened`;
  const user = await runCliProcess(
    ["console", "--profile", "dev"],
    env(home, server, {
      BROWSER: standInBrowser("record"),
      BROWSER_RECORD: record,
    }),
  );
  assert.equal(user.code, 0, user.stderr);
  assert.equal(user.stdout, "");
  assert.match(
    user.stderr,
    /Profile 'dev' is the console session of arn:aws:iam::111122223333:user\/demo, an IAM user or root session, which cannot be federated; the browser you signed in with already holds that session, so its console is opened there directly\./,
  );
  assert.equal(
    await readOrNull(record),
    "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1",
  );
});

Deno.test("long-term keys are refused, with the way round it", async () => {
  const { server, home } = await setUp();
  await using _s = server;
  await using _h = home;
  const result = await runCliProcess(
    ["console", "--profile", "static"],
    env(home, server),
  );
  assert.equal(result.code, 253);
  assert.match(
    result.stderr,
    /Profile 'static' holds long-term access keys \(config-file\), which the console's federation endpoint does not accept\. Put a role profile on top of them/,
  );
});

Deno.test("a partition other than aws: the console and its region are the partition's", async () => {
  const { server, home } = await setUp({
    region: "cn-north-1",
    admin: "arn:aws-cn:iam::444455556666:role/Admin",
  });
  await using _s = server;
  await using _h = home;
  const result = await runCliProcess(
    ["console", "--profile", "admin", "--print"],
    env(home, server),
  );
  assert.equal(result.code, 0, result.stderr);
  const url = new URL(result.stdout.trim());
  assert.equal(
    url.searchParams.get("Destination"),
    "https://console.amazonaws.cn/console/home?region=cn-north-1",
  );
  assert.equal((await land(url.href)).region, "cn-north-1");
});

Deno.test("--auto-login applies: a role on a session that ended opens the console after one sign-in", async () => {
  const { server, home } = await setUp();
  await using _s = server;
  await using _h = home;
  const revoke = await fetch(`${server.url}/_emulator/revoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  await revoke.body?.cancel();
  const file = `${home.cache}/${
    (await Array.fromAsync(Deno.readDir(home.cache))).find((e) =>
      e.name.endsWith(".json")
    )!.name
  }`;
  const entry = JSON.parse(await Deno.readTextFile(file));
  entry.accessToken.expiresAt = "2000-01-01T00:00:00Z";
  await Deno.writeTextFile(file, JSON.stringify(entry));
  const result = await runCliProcess(
    ["console", "--profile", "admin", "--print", "--auto-login"],
    env(home, server, { BROWSER: standInBrowser("approve") }),
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /The login session of profile 'dev' has ended: signing in again/,
  );
  assert.equal((await land(result.stdout.trim())).role, "Admin");
});

Deno.test("the browser is given a one-time local link, never the sign-in URL (a credential other users could read with ps)", async () => {
  const { server, home } = await setUp();
  await using _s = server;
  await using _h = home;
  const record = `${home.dir}/opened`;
  const result = await runCliProcess(
    ["console", "--profile", "admin"],
    env(home, server, {
      BROWSER: standInBrowser("visit"),
      BROWSER_RECORD: record,
    }),
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "", "nothing printed: the browser had it");
  const argv = (await readOrNull(record))!;
  assert.match(argv, /^http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]{32}$/);
  assert.doesNotMatch(argv, /SigninToken|federation/);
  // The link led the browser to the sign-in URL, once; then it is gone.
  const [status, location] = (await readOrNull(`${record}.location`))!.split(
    " ",
  );
  assert.equal(status, "303");
  const url = new URL(location!);
  assert.equal(url.pathname, "/federation");
  assert.ok(url.searchParams.get("SigninToken"));
  assert.equal((await land(url.href)).role, "Admin");
  await assert.rejects(fetch(argv), "the link's listener is closed");
});
