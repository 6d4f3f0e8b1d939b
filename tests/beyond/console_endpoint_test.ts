/**
 * Where `aws-signin console` sends the role's keys (`getSigninToken`): the
 * federation endpoint of the credentials' partition, or one named for
 * Sign-In alone (`AWS_ENDPOINT_URL_SIGNIN`, `[services]`); never the global
 * overrides (`AWS_ENDPOINT_URL`, a profile's `endpoint_url`); never plain
 * HTTP off this computer; never another partition's host because of the
 * region; and within `--cli-read-timeout`. A proxy on 127.0.0.1 that refuses
 * every host but this computer shows where a call went without reaching AWS.
 */
import assert from "node:assert/strict";
import {
  type EmulatorServer,
  startEmulator,
} from "../../lib/emulator/server.ts";
import {
  emulatorFault,
  loginThrough,
  runCliProcess,
  tempHome,
} from "../helpers.ts";
import { PROXIED_HOST, startTestProxy } from "../_net.ts";
import { ADMIN } from "../roles/_setup.ts";

const CN_ADMIN = "arn:aws-cn:iam::444455556666:role/Admin";

/** A home signed in as `dev` at the emulator, with role profile `admin` (and `cn-admin`) on it. */
async function setUp(server: EmulatorServer, extra = "") {
  const home = await tempHome();
  await loginThrough(server.url, home, "dev");
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(home.config)}region = us-east-1\n\n` +
      `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\nrole_session_name = alice\n\n` +
      `[profile cn-admin]\nrole_arn = ${CN_ADMIN}\nsource_profile = dev\nrole_session_name = alice\n\n` +
      extra,
  );
  return home;
}

/** A server that records what it is asked and answers 500: where the secret must not go. */
function startTrap() {
  const seen: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      seen.push(request.url);
      return new Response("no", { status: 500 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A listener that accepts and never answers. */
function startSilent() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) open.push(conn);
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await accepting;
    },
  };
}

// The proxy only for what is under test (Deno's own update check goes elsewhere).
const NO_PROXY_ENV = { NO_PROXY: "", no_proxy: "", DENO_NO_UPDATE_CHECK: "1" };

function assertNoSecret(stderr: string) {
  assert.doesNotMatch(stderr, /sessionKey|Session=|%22/);
}

Deno.test("the global endpoint overrides never get the role's keys: the federation endpoint is the partition's", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    roles: [ADMIN],
  });
  await using trap = startTrap();
  await using proxy = startTestProxy();
  for (const how of ["AWS_ENDPOINT_URL", "endpoint_url"] as const) {
    await using home = await setUp(
      server,
      how === "endpoint_url"
        ? `[profile trapped]\nrole_arn = ${ADMIN}\nsource_profile = dev\nendpoint_url = ${trap.url}\n`
        : "",
    );
    const result = await runCliProcess(
      [
        "console",
        "--profile",
        how === "endpoint_url" ? "trapped" : "admin",
        "--print",
        "--debug",
      ],
      {
        ...home.env,
        AWS_ENDPOINT_URL_STS: server.url,
        ...(how === "AWS_ENDPOINT_URL" ? { AWS_ENDPOINT_URL: trap.url } : {}),
        HTTPS_PROXY: proxy.url,
        ...NO_PROXY_ENV,
      },
    );
    // The test proxy refuses every host but this computer's: the call fails, having gone to AWS's host.
    assert.equal(result.code, 255, `${how}: ${result.stderr}`);
    assert.deepEqual(trap.seen, [], `${how}: the override got nothing`);
    assert.ok(proxy.refused.length > 0, `${how}: ${result.stderr}`);
    assert.deepEqual(
      [...new Set(proxy.refused)],
      ["CONNECT signin.aws.amazon.com:443"],
    );
    assert.match(
      result.stderr,
      /federation endpoint https:\/\/signin\.aws\.amazon\.com\/federation/,
    );
    assert.match(
      result.stderr,
      /Could not connect to the endpoint URL: "https:\/\/signin\.aws\.amazon\.com\/federation"/,
    );
    assertNoSecret(result.stderr);
    proxy.refused.length = 0;
  }
});

Deno.test("the profile's [services] Sign-In endpoint names the federation endpoint as AWS_ENDPOINT_URL_SIGNIN does", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    roles: [ADMIN],
  });
  await using trap = startTrap();
  await using home = await setUp(
    server,
    `[profile local]\nrole_arn = ${ADMIN}\nsource_profile = dev\nservices = emu\n\n` +
      `[services emu]\nsignin =\n  endpoint_url = ${server.url}\n`,
  );
  const result = await runCliProcess(
    ["console", "--profile", "local", "--print"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_ENDPOINT_URL: trap.url,
    },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(new URL(result.stdout.trim()).origin, server.url);
  assert.deepEqual(trap.seen, []);
});

Deno.test("a plain-HTTP federation endpoint that is not on this computer is refused before anything is sent", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    roles: [ADMIN],
  });
  await using proxy = startTestProxy();
  await using home = await setUp(server);
  const endpoint = `http://${PROXIED_HOST}:${server.port}`;
  const result = await runCliProcess(
    ["console", "--profile", "admin", "--print"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_ENDPOINT_URL_SIGNIN: endpoint,
      HTTP_PROXY: proxy.url,
      ...NO_PROXY_ENV,
    },
  );
  assert.equal(result.code, 253, result.stderr);
  assert.equal(result.stdout, "");
  assert.match(
    result.stderr,
    new RegExp(
      `The federation endpoint ${endpoint}/federation \\(from AWS_ENDPOINT_URL_SIGNIN\\) is plain HTTP and ` +
        "not on this computer: the console sign-in would send the role's secret access key unencrypted\\. " +
        "Use an https:// endpoint\\.",
    ),
  );
  assert.deepEqual(proxy.seen, [], "nothing was sent");
});

Deno.test("the partition is the credentials': a commercial role in a China region is refused, an aws-cn role lands there", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    roles: [ADMIN, CN_ADMIN],
  });
  await using proxy = startTestProxy();
  await using home = await setUp(server);
  const refused = await runCliProcess(
    ["console", "--profile", "admin", "--region", "cn-north-1", "--print"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_STS: server.url,
      HTTPS_PROXY: proxy.url,
      ...NO_PROXY_ENV,
    },
  );
  assert.equal(refused.code, 253, refused.stderr);
  assert.match(
    refused.stderr,
    /Profile 'admin' holds credentials of the aws partition \(arn:aws:iam::444455556666:role\/Admin\), but the region cn-north-1 is in the aws-cn partition: give a region of the aws partition with --region \(for example us-east-1\), or use a profile of the aws-cn partition\./,
  );
  assert.deepEqual(proxy.refused, [], "nothing was sent to any sign-in host");
  assert.deepEqual(proxy.seen, []);
  // Temporary keys in the credentials file: their partition is their identity's (GetCallerIdentity, signed).
  const exported = await runCliProcess(
    ["configure", "export-credentials", "--profile", "admin"],
    { ...home.env, AWS_ENDPOINT_URL_STS: server.url },
  );
  assert.equal(exported.code, 0, exported.stderr);
  const keys = JSON.parse(exported.stdout);
  await Deno.writeTextFile(
    home.credentials,
    `[keys]\naws_access_key_id = ${keys.AccessKeyId}\naws_secret_access_key = ${keys.SecretAccessKey}\n` +
      `aws_session_token = ${keys.SessionToken}\n`,
  );
  const viaSts = { ...home.env, AWS_ENDPOINT_URL_STS: server.url };
  const keysOk = await runCliProcess([
    "console",
    "--profile",
    "keys",
    "--print",
  ], {
    ...viaSts,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
  });
  assert.equal(keysOk.code, 0, keysOk.stderr);
  const landed = await fetch(keysOk.stdout.trim());
  assert.match(await landed.text(), /id="role">(<code>)?Admin/);
  // In a China region they are not known there (STS says so, as AWS does): refused before any sign-in host.
  const keysCn = await runCliProcess(
    ["console", "--profile", "keys", "--print", "--region", "cn-north-1"],
    { ...viaSts, HTTPS_PROXY: proxy.url, ...NO_PROXY_ENV },
  );
  assert.equal(keysCn.code, 254, keysCn.stderr);
  assert.match(keysCn.stderr, /GetCallerIdentity operation/);
  await emulatorFault(server.url, {
    operation: "GetCallerIdentity",
    error: "InvalidClientTokenId",
    status: 403,
    message: "The security token included in the request is invalid.",
  });
  const unknown = await runCliProcess(
    ["console", "--profile", "keys", "--print"],
    { ...viaSts, HTTPS_PROXY: proxy.url, ...NO_PROXY_ENV },
  );
  assert.equal(unknown.code, 253, unknown.stderr);
  assert.match(
    unknown.stderr,
    /STS in us-east-1 does not know the credentials of profile 'keys' \(The security token included in the request is invalid\.\): if they are of another partition than aws, give one of its regions with --region\./,
  );
  assert.deepEqual(proxy.refused, []);
  // The aws-cn role: its console, its region by default, no region configured.
  await Deno.writeTextFile(
    home.config,
    (await Deno.readTextFile(home.config)).replace(/^region = .*\n/m, ""),
  );
  const cn = await runCliProcess(
    ["console", "--profile", "cn-admin", "--print"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
    },
  );
  assert.equal(cn.code, 0, cn.stderr);
  assert.equal(
    new URL(cn.stdout.trim()).searchParams.get("Destination"),
    "https://console.amazonaws.cn/console/home?region=cn-north-1",
  );
});

Deno.test("the token call honours --cli-read-timeout and never names the keys when it fails", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    roles: [ADMIN],
  });
  await using silent = startSilent();
  await using home = await setUp(server);
  const started = Date.now();
  const result = await runCliProcess(
    ["console", "--profile", "admin", "--print", "--cli-read-timeout", "1"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_ENDPOINT_URL_SIGNIN: silent.url,
    },
    { timeoutMs: 30_000 },
  );
  assert.equal(result.code, 255, result.stderr);
  assert.match(
    result.stderr,
    new RegExp(
      `Read timeout on endpoint URL: "${silent.url}/federation"\\. Check your network, or give it more time ` +
        "with --cli-read-timeout\\.",
    ),
  );
  assert.ok(Date.now() - started < 20_000, "each attempt gave up after 1 s");
  assertNoSecret(result.stderr);
});
