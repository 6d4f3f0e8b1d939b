/**
 * `aws-signin login` and `logout` as black boxes: a subprocess in a temp HOME,
 * the emulator in-process on 127.0.0.1, and BROWSER set to a stand-in that
 * clicks through. Each test checks stdout, stderr, the exit code, and the
 * config and cache files byte for byte.
 */
import assert from "node:assert/strict";
import { FEATURES, needs } from "./_platform.ts";
import { sha256Hex } from "../lib/util/encoding.ts";
import { type EmulatorOptions } from "../lib/emulator/handler.ts";
import { type EmulatorServer, startEmulator } from "../lib/emulator/server.ts";
import { readCacheEntry } from "../lib/cache/login_cache.ts";
import {
  codeFromConfirmationPage,
  loginWaitingForCallback,
  pkcs8Pem,
  readOrNull,
  runCliProcess,
  runInProcess,
  type RunResult,
  runSdkScript,
  standInBrowser,
  tcpListeners,
  type TempHome,
  tempHome,
} from "./helpers.ts";
import { spawnCli } from "../dev/interactive.ts";

const DEMO = "arn:aws:iam::111122223333:user/demo";
const URL_LINE = /^http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]+$/m;
const ATTEMPT =
  "Attempting to open your default browser. If the browser does not open, open the following URL.\n" +
  "If you are unable to open the URL on this device, run this command again with the '--remote' option.\n\n";

async function login(
  home: TempHome,
  server: EmulatorServer | string,
  args: string[],
  init: { mode?: string; stdin?: string; env?: Record<string, string> } = {},
): Promise<RunResult> {
  const url = typeof server === "string" ? server : server.url;
  return await runCliProcess(["login", "--endpoint-url", url, ...args], {
    ...home.env,
    BROWSER: standInBrowser(
      (init.mode ?? "approve") as Parameters<typeof standInBrowser>[0],
    ),
    ...init.env,
  }, init.stdin === undefined ? {} : { stdin: init.stdin });
}

async function files(home: TempHome) {
  let cache: string[] = [];
  try {
    cache = [...Deno.readDirSync(home.cache)].map((e) => e.name).sort();
  } catch { /* none */ }
  return {
    config: await readOrNull(home.config),
    credentials: await readOrNull(home.credentials),
    cache,
  };
}

async function cacheText(home: TempHome, session = DEMO): Promise<string> {
  return await Deno.readTextFile(
    `${home.cache}/${await sha256Hex(session)}.json`,
  );
}

function cachePattern(region: string, client = "same-device"): RegExp {
  return new RegExp(
    '^\\{"accessToken": \\{"accessKeyId": "ASIA[A-Z2-7]{16}", "secretAccessKey": "[A-Za-z0-9+/]{40}", ' +
      '"sessionToken": "[A-Za-z0-9+/=]+", "accountId": "111122223333", "expiresAt": "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"\\}, ' +
      `"tokenType": "aws_sigv4", "clientId": "arn:aws:signin:::devtools/${client}", "refreshToken": "[A-Za-z0-9_-]+", ` +
      '"idToken": "[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+", ' +
      '"dpopKey": "-----BEGIN EC PRIVATE KEY-----\\\\n[A-Za-z0-9+/]{64}\\\\n[A-Za-z0-9+/]{64}\\\\n[A-Za-z0-9+/=]{36}\\\\n-----END EC PRIVATE KEY-----\\\\n", ' +
      `"signInRegion": "${region}"\\}$`,
  );
}

async function modes(home: TempHome) {
  const dir = (await Deno.stat(home.cache)).mode! & 0o777;
  const file =
    (await Deno.stat(`${home.cache}/${await sha256Hex(DEMO)}.json`)).mode! &
    0o777;
  return { dir, file };
}

function tokenCalls(server: EmulatorServer) {
  return server.emulator.requests.filter((r) =>
    r.operation === "CreateOAuth2Token"
  );
}

Deno.test("same-device login for the default profile", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const result = await login(home, server, ["--region", "us-east-1"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "");
  assert.equal(
    result.stdout.replace(URL_LINE, "<URL>"),
    `${ATTEMPT}<URL>\n\n\nUpdated profile default to use ${DEMO} credentials.\n`,
  );
  assert.equal(
    await Deno.readTextFile(home.config),
    `[default]\nlogin_session = ${DEMO}\n`,
  );
  assert.match(await cacheText(home), cachePattern("us-east-1"));
  if (FEATURES.fileModes.has) {
    assert.deepEqual(await modes(home), { dir: 0o700, file: 0o600 });
  }
  assert.deepEqual(tokenCalls(server).map((r) => [r.grantType, r.status]), [[
    "authorization_code",
    200,
  ]]);
});

Deno.test("same-device login for a named profile keeps the rest of the config byte for byte", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  const before =
    "# my config\n[default]\nregion = us-west-2\n\n[profile ops]\noutput = json\n";
  await Deno.writeTextFile(home.config, before);
  const result = await login(home, server, [
    "--profile",
    "dev",
    "--region",
    "eu-west-1",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout.replace(URL_LINE, "<URL>"),
    `${ATTEMPT}<URL>\n\n\nUpdated profile dev to use ${DEMO} credentials.\n` +
      `Use "--profile dev" to use the new credentials, such as "aws-signin sts get-caller-identity --profile dev"\n`,
  );
  assert.equal(
    await Deno.readTextFile(home.config),
    `${before}[profile dev]\nlogin_session = ${DEMO}\n`,
  );
  assert.match(await cacheText(home), cachePattern("eu-west-1"));
});

Deno.test("--remote: the code pasted on stdin", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const proc = spawnCli([
    "login",
    "--remote",
    "--profile",
    "dev",
    "--region",
    "us-east-2",
    "--endpoint-url",
    server.url,
  ], home.env);
  const [url] = await proc.waitForStdout(
    /http:\/\/127\.0\.0\.1:\d+\/v1\/authorize\?\S+/,
  );
  await proc.waitForStdout(
    /Enter the authorization code displayed in your browser: $/,
  );
  // Play the other device: open the URL, read the code from the confirmation page.
  await proc.write(`${await codeFromConfirmationPage(url)}\n`);
  const result = await proc.finish();
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout.replace(/http:\S+/, "<URL>"),
    `Browser will not be automatically opened.\nPlease visit the following URL:\n\n<URL>\n` +
      `\nEnter the authorization code displayed in your browser: ` +
      `\nUpdated profile dev to use ${DEMO} credentials.\n` +
      `Use "--profile dev" to use the new credentials, such as "aws-signin sts get-caller-identity --profile dev"\n`,
  );
  assert.match(
    url,
    /client_id=arn%3Aaws%3Asignin%3A%3A%3Adevtools%2Fcross-device/,
  );
  assert.match(
    url,
    new RegExp(
      `redirect_uri=${
        encodeURIComponent(`${server.url}/v1/sessions/confirmation`)
      }&`,
    ),
  );
  assert.equal(
    await Deno.readTextFile(home.config),
    `[profile dev]\nlogin_session = ${DEMO}\n`,
  );
  assert.match(
    await cacheText(home),
    cachePattern("us-east-2", "cross-device"),
  );
});

Deno.test("--remote: a bad code, an empty line and end of input all fail with 255 and write nothing", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const cases: [string, RegExp][] = [
    ["!!!\n", /Failed to decode the verification code\./],
    [
      `${btoa("state=x&nocode=1")}\n`,
      /Failed to retrieve an auth_code or state from the verification code/,
    ],
    [
      `${btoa("state=00000000-0000-4000-8000-000000000000&code=abc")}\n`,
      /State parameter 00000000-0000-4000-8000-000000000000 does not match expected value [0-9a-f-]{36}\./,
    ],
    ["\n", /Login canceled: no authorization code was entered\./],
    ["", /Login canceled: no authorization code was entered\./],
  ];
  for (const [stdin, message] of cases) {
    const result = await login(home, server, [
      "--remote",
      "--region",
      "us-east-1",
    ], { stdin });
    assert.equal(result.code, 255, JSON.stringify(stdin));
    assert.match(result.stderr, message);
    assert.match(result.stderr, /^aws-signin: \[ERROR\]: /);
  }
  assert.deepEqual(await files(home), {
    config: null,
    credentials: null,
    cache: [],
  });
  assert.deepEqual(tokenCalls(server), []);
});

Deno.test("region from AWS_REGION, AWS_DEFAULT_REGION and the profile", async () => {
  await using server = await startEmulator({ autoApprove: true });
  for (
    const [env, config, expected] of [
      [
        { AWS_REGION: "ap-south-1", AWS_DEFAULT_REGION: "eu-north-1" },
        null,
        "ap-south-1",
      ],
      [{ AWS_DEFAULT_REGION: "eu-north-1" }, null, "eu-north-1"],
      [{}, "[default]\nregion = sa-east-1\n", "sa-east-1"],
    ] as const
  ) {
    await using home = await tempHome();
    if (config) {
      await Deno.mkdir(`${home.dir}/.aws`);
      await Deno.writeTextFile(home.config, config);
    }
    const result = await login(home, server, [], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(await cacheText(home), cachePattern(expected));
    assert.equal(
      await Deno.readTextFile(home.config),
      `${config ?? "[default]\n"}login_session = ${DEMO}\n`,
    );
  }
});

Deno.test("no region and no terminal: refused before any network step, nothing written", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const result = await login(home, server, ["--profile", "dev"]);
  assert.deepEqual(result, {
    code: 253,
    stdout: "",
    stderr:
      "aws-signin: [ERROR]: An error occurred (NoRegion): No AWS region is configured for profile 'dev', and there is no terminal to ask " +
      'for one. Pass --region (for example "aws-signin login --profile dev --region us-east-1") or set AWS_REGION.\n',
  });
  assert.deepEqual(await files(home), {
    config: null,
    credentials: null,
    cache: [],
  });
  assert.deepEqual(server.emulator.requests, []);
});

Deno.test("every other credential style in the profile is refused before any network step", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const cases: [string, string, string, string?][] = [
    [
      "config",
      "web_identity_token_file = /t\nrole_arn = arn:aws:iam::1:role/r\n",
      "Web Identity",
    ],
    ["config", "sso_account_id = 111122223333\n", "SSO"],
    ["config", "sso_role_name = Admin\n", "SSO"],
    [
      "credentials",
      "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
      "Access Key",
    ],
    [
      "config",
      "role_arn = arn:aws:iam::1:role/r\nsource_profile = default\n",
      "Assume Role",
      "\n\nIts role is assumed with the credentials of profile 'default': to sign in for it, run " +
      "'aws-signin login'.",
    ],
    ["config", "credential_process = /bin/true\n", "Credential Process"],
  ];
  for (const [file, body, style, more] of cases) {
    await using home = await tempHome();
    await Deno.mkdir(`${home.dir}/.aws`);
    const path = file === "config" ? home.config : home.credentials;
    const text = file === "config"
      ? `[profile dev]\n${body}`
      : `[dev]\n${body}`;
    await Deno.writeTextFile(path, text);
    const result = await login(home, server, [
      "--profile",
      "dev",
      "--region",
      "us-east-1",
    ]);
    assert.deepEqual(result, {
      code: 253,
      stdout: "",
      stderr:
        `aws-signin: [ERROR]: An error occurred (Configuration): Profile 'dev' is already configured with ${style} credentials.\n\n` +
        "You may run 'aws-signin login --profile new-profile-name' to create a new profile with the specified " +
        `name. Otherwise you must first manually remove the existing credentials from 'dev'.${
          more ?? ""
        }\n`,
    }, style);
    assert.equal(await Deno.readTextFile(path), text);
  }
  assert.deepEqual(server.emulator.requests, []);
});

Deno.test("switching sessions asks first: yes, no, end of input, and an invalid answer", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const old = "arn:aws:iam::999999999999:user/old";
  const before = `[profile dev]\nlogin_session = ${old}\nregion = us-east-1\n`;
  const question =
    `\nProfile dev is already configured to use session ${old}. ` +
    `Do you want to overwrite it to use ${DEMO} instead? (y/n): `;
  for (
    const [stdin, accepted, extra] of [
      ["y\n", true, ""],
      ["YES\n", true, ""],
      ["n\n", false, ""],
      ["", false, "\n"],
      [
        "maybe\ny\n",
        true,
        'Invalid response. Please enter "y" or "n"\n' + question,
      ],
    ] as const
  ) {
    await using home = await tempHome();
    await Deno.mkdir(`${home.dir}/.aws`);
    await Deno.writeTextFile(home.config, before);
    const result = await login(home, server, ["--profile", "dev"], { stdin });
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout.replace(URL_LINE, "<URL>");
    if (accepted) {
      assert.equal(
        out,
        `${ATTEMPT}<URL>\n\n${question}${extra}\nUpdated profile dev to use ${DEMO} credentials.\n` +
          `Use "--profile dev" to use the new credentials, such as "aws-signin sts get-caller-identity --profile dev"\n`,
      );
      assert.equal(
        await Deno.readTextFile(home.config),
        `[profile dev]\nlogin_session = ${DEMO}\nregion = us-east-1\n`,
      );
      assert.match(await cacheText(home), cachePattern("us-east-1"));
    } else {
      assert.equal(out, `${ATTEMPT}<URL>\n\n${question}${extra}`);
      assert.equal(
        result.stderr,
        `Nothing was changed: profile dev still uses session ${old}.\n`,
      );
      assert.deepEqual(await files(home), {
        config: before,
        credentials: null,
        cache: [],
      });
    }
  }
});

Deno.test("a callback with the wrong state is ignored (400): the login waits on, here until its timeout", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const result = await login(home, server, [
    "--region",
    "us-east-1",
    "--timeout",
    "2",
  ], { mode: "wrong-state" });
  assert.equal(result.code, 255);
  assert.equal(
    result.stderr,
    "aws-signin: [ERROR]: Timed out after 2 seconds waiting for the sign-in to finish in the browser. " +
      'Run "aws-signin login" again (or "aws-signin login --remote" if the browser is on another device).\n',
  );
  assert.deepEqual(await files(home), {
    config: null,
    credentials: null,
    cache: [],
  });
  assert.deepEqual(tokenCalls(server), []);
});

Deno.test("access denied in the browser: failure page, exit 255, nothing written", async () => {
  await using server = await startEmulator();
  await using home = await tempHome();
  const result = await login(home, server, ["--region", "us-east-1"], {
    mode: "deny",
  });
  assert.equal(result.code, 255);
  assert.equal(
    result.stderr,
    "aws-signin: [ERROR]: Error loading or redeeming a login authorization code: Failed to retrieve an " +
      'authorization code. The sign-in page returned "access_denied". Run "aws-signin login" to try again.\n',
  );
  assert.deepEqual(await files(home), {
    config: null,
    credentials: null,
    cache: [],
  });
});

async function fault(server: EmulatorServer, body: Record<string, unknown>) {
  await (await fetch(`${server.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  })).body?.cancel();
}

Deno.test("token exchange errors: expired code, insufficient permissions, other service errors", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const cases: [Record<string, unknown>, number, string][] = [
    [
      {
        error: "AUTHCODE_EXPIRED",
        message: "The authorization code has expired.",
      },
      255,
      "aws-signin: [ERROR]: Error loading or redeeming a login authorization code: Unable to complete the login " +
      "process due to an expired authorization code. Please reauthenticate using 'aws-signin login'.\n",
    ],
    [
      { error: "INSUFFICIENT_PERMISSIONS", message: "Denied." },
      255,
      "aws-signin: [ERROR]: Unable to create or refresh login credentials due to insufficient permissions. You may " +
      "be missing permission for the 'signin:CreateOAuth2Token' action. Ask your administrator to attach the AWS " +
      "managed policy SignInLocalDevelopmentAccess (or an equivalent) to your identity, then run 'aws-signin " +
      "login' again.\n",
    ],
    [
      { error: "TOKEN_EXPIRED", message: "The refresh token has expired." },
      254,
      "aws-signin: [ERROR]: An error occurred (AccessDeniedException) when calling the CreateOAuth2Token " +
      "operation: The refresh token has expired.\n\nAdditional error details:\nerror: TOKEN_EXPIRED\n",
    ],
    [
      { error: "INVALID_REQUEST", message: "Bad request." },
      254,
      "aws-signin: [ERROR]: An error occurred (ValidationException) when calling the CreateOAuth2Token " +
      "operation: Bad request.\n\nAdditional error details:\nerror: INVALID_REQUEST\n",
    ],
  ];
  for (const [body, code, stderr] of cases) {
    await using home = await tempHome();
    await fault(server, { operation: "CreateOAuth2Token", count: 1, ...body });
    const result = await login(home, server, ["--region", "us-east-1"]);
    assert.equal(result.code, code, result.stderr);
    assert.equal(result.stderr, stderr);
    assert.deepEqual(await files(home), {
      config: null,
      credentials: null,
      cache: [],
    });
  }
});

Deno.test("a code that was already used is refused as expired", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  // A first --remote login redeems its code ...
  const first = spawnCli([
    "login",
    "--remote",
    "--region",
    "us-east-1",
    "--endpoint-url",
    server.url,
  ], home.env);
  const [url1] = await first.waitForStdout(/http:\S+authorize\S+/);
  const r1 = await fetch(url1, { redirect: "manual" });
  await r1.body?.cancel();
  const usedCode = new URL(r1.headers.get("location")!).searchParams.get(
    "code",
  )!;
  const page = await (await fetch(r1.headers.get("location")!)).text();
  await first.write(`${/id="code"[^>]*>([^<]+)</.exec(page)![1]}\n`);
  assert.equal((await first.finish()).code, 0);
  // ... a second login is handed the same code (with its own state).
  await using home2 = await tempHome();
  const second = spawnCli([
    "login",
    "--remote",
    "--region",
    "us-east-1",
    "--endpoint-url",
    server.url,
  ], home2.env);
  const [url2] = await second.waitForStdout(/http:\S+authorize\S+/);
  const state = new URL(url2).searchParams.get("state")!;
  await second.waitForStdout(/code displayed in your browser: $/);
  await second.write(`${btoa(`state=${state}&code=${usedCode}`)}\n`);
  const result = await second.finish();
  assert.equal(result.code, 255);
  assert.match(
    result.stderr,
    /Unable to complete the login process due to an expired authorization code/,
  );
  assert.deepEqual(await files(home2), {
    config: null,
    credentials: null,
    cache: [],
  });
});

Deno.test("the Sign-In endpoint is down: the message names it, exit 255", async () => {
  const dead = await startEmulator();
  const url = dead.url;
  await dead.close();
  await using home = await tempHome();
  const proc = spawnCli([
    "login",
    "--remote",
    "--region",
    "us-east-1",
    "--endpoint-url",
    url,
  ], home.env);
  const [authorize] = await proc.waitForStdout(/http:\S+authorize\S+/);
  await proc.waitForStdout(/code displayed in your browser: $/);
  await proc.write(
    `${
      btoa(`state=${new URL(authorize).searchParams.get("state")}&code=abc`)
    }\n`,
  );
  const result = await proc.finish();
  assert.equal(result.code, 255);
  assert.match(
    result.stderr,
    new RegExp(
      `^aws-signin: \\[ERROR\\]: Could not connect to the endpoint URL: "${url}/v1/token" \\(.+\\)\\. `,
    ),
  );
  assert.deepEqual(await files(home), {
    config: null,
    credentials: null,
    cache: [],
  });
});

Deno.test("--timeout: gives up waiting for the browser with exit 255 and writes nothing", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const result = await login(home, server, [
    "--region",
    "us-east-1",
    "--timeout",
    "1",
  ], { mode: "fail" });
  assert.equal(result.code, 255);
  assert.equal(
    result.stderr,
    'aws-signin: [ERROR]: Timed out after 1 seconds waiting for the sign-in to finish in the browser. Run "aws-signin ' +
      'login" again (or "aws-signin login --remote" if the browser is on another device).\n',
  );
  assert.deepEqual(await files(home), {
    config: null,
    credentials: null,
    cache: [],
  });
});

Deno.test({
  name:
    "the callback server listens on 127.0.0.1 only, answers one callback, 404s elsewhere, then closes",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    const { proc, authorize: url, callback: listening, browser } =
      await loginWaitingForCallback(server, home);
    const port = Number(listening.port);
    assert.deepEqual(tcpListeners(port), [
      `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`,
    ]);
    const other = await fetch(`http://127.0.0.1:${port}/favicon.ico`);
    assert.equal(other.status, 404);
    await other.body?.cancel();
    const empty = await fetch(`http://127.0.0.1:${port}/oauth/callback`);
    assert.equal(empty.status, 400);
    await empty.body?.cancel();
    // Now the real redirect, as the browser would follow it.
    const redirect = await fetch(url, { redirect: "manual" });
    await redirect.body?.cancel();
    const callback = await fetch(redirect.headers.get("location")!, browser);
    assert.equal(callback.status, 200);
    assert.match(await callback.text(), /Signed in/);
    const result = await proc.finish();
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(tcpListeners(port), []);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/oauth/callback`));
  },
});

Deno.test("--redirect-port (the AWS CLI's name) and its alias --callback-port use that port; --remote ignores it", async () => {
  await using server = await startEmulator({ autoApprove: true });
  for (const flag of ["--redirect-port", "--callback-port"]) {
    await using home = await tempHome();
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const result = await login(home, server, [
      "--region",
      "us-east-1",
      flag,
      String(port),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`\nhttp://127\\.0\\.0\\.1:${port}/start/[\\w-]+\n`),
      flag,
    );
  }
  // With --remote there is no callback server: the AWS CLI ignores the option, and so do we (--debug says so).
  await using home = await tempHome();
  const remote = await runInProcess([
    "login",
    "--remote",
    "--region",
    "us-east-1",
    "--endpoint-url",
    server.url,
    "--redirect-port",
    "8400",
    "--debug",
  ], { env: home.env, input: "" });
  assert.match(
    remote.stderr,
    /--redirect-port is ignored: --remote uses no callback server/,
  );
  assert.match(
    remote.stdout,
    /redirect_uri=http[^&]*%2Fv1%2Fsessions%2Fconfirmation/,
  );
  assert.doesNotMatch(remote.stderr, /Unknown option/);
  const both = await runInProcess(
    ["login", "--redirect-port", "8400", "--callback-port", "8401"],
    { env: home.env },
  );
  assert.equal(both.code, 252);
  assert.match(both.stderr, /name different ports: give one of them/);
});

Deno.test({
  ...needs(
    "signals",
    "Ctrl-C while waiting exits 130 and leaves nothing behind",
  ),
  fn: async () => {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    const proc = spawnCli([
      "login",
      "--region",
      "us-east-1",
      "--endpoint-url",
      server.url,
      "--no-browser",
    ], home.env);
    await proc.waitForStdout(URL_LINE);
    proc.kill("SIGINT");
    const result = await proc.finish();
    assert.equal(result.code, 130);
    assert.equal(result.stderr, "aws-signin: [ERROR]: Login canceled.\n");
    assert.deepEqual(await files(home), {
      config: null,
      credentials: null,
      cache: [],
    });
  },
});

Deno.test("logout: the profile's session, --all, and no session", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  assert.equal(
    (await login(home, server, ["--profile", "dev", "--region", "us-east-1"]))
      .code,
    0,
  );
  const config = await Deno.readTextFile(home.config);
  const entry = `${await sha256Hex(DEMO)}.json`;
  await Deno.writeTextFile(`${home.cache}/${entry}.lock`, "");

  const none = await runCliProcess(["logout"], home.env);
  assert.deepEqual(none, {
    code: 0,
    stdout: "",
    stderr: "warning: no login session found for profile 'default'\n",
  });

  const one = await runCliProcess(["logout", "--profile", "dev"], home.env);
  assert.deepEqual(one, {
    code: 0,
    stdout:
      "Removed cached login credentials for profile 'dev'. Note, any local developer tools that have " +
      "already loaded the access token may continue to use it until its expiration. Access tokens expire in 15 " +
      "minutes.\n",
    stderr: "",
  });
  // The lock file stays: a process waiting on it must keep waiting on the same file.
  assert.deepEqual((await files(home)).cache, [`${entry}.lock`]);
  assert.equal(
    await Deno.readTextFile(home.config),
    config,
    "the config keeps login_session",
  );

  // --all removes only login cache entries (lock files stay, as above).
  await login(home, server, ["--profile", "dev", "--region", "us-east-1"]);
  await Deno.writeTextFile(
    `${home.cache}/other.json`,
    '{"accessToken": "not an object"}',
  );
  await Deno.writeTextFile(`${home.cache}/notes.txt`, "keep me");
  await Deno.writeTextFile(
    `${home.cache}/${"a".repeat(64)}.json`,
    '{"accessToken": {"accessKeyId": "ASIA"}}',
  );
  await Deno.writeTextFile(`${home.cache}/${"a".repeat(64)}.json.lock`, "");
  const all = await runCliProcess(["logout", "--all"], home.env);
  assert.equal(all.code, 0);
  assert.equal(
    all.stdout,
    "Removed 2 cached login credentials. Note, any local developer tools that have already loaded access tokens " +
      "may continue to use them until their expiration. Access tokens expire in 15 minutes.\n",
  );
  assert.deepEqual((await files(home)).cache, [
    `${"a".repeat(64)}.json.lock`,
    `${entry}.lock`,
    "notes.txt",
    "other.json",
  ]);
  const again = await runCliProcess(["logout", "--all"], home.env);
  assert.equal(again.stdout, "No cached login session tokens found.\n");
});

Deno.test("logout --all with no cache folder", async () => {
  await using home = await tempHome();
  const result = await runCliProcess(["logout", "--all"], home.env);
  assert.deepEqual(result, {
    code: 0,
    stdout: "No cached login session tokens found.\n",
    stderr: "",
  });
});

Deno.test("a cache entry in the AWS CLI's layout with a PKCS#8 key, milliseconds and no idToken is read", async () => {
  await using home = await tempHome();
  const { pem, jwk } = await pkcs8Pem();
  await Deno.mkdir(home.cache, { recursive: true });
  await Deno.writeTextFile(
    `${home.cache}/${await sha256Hex(DEMO)}.json`,
    JSON.stringify({
      accessToken: {
        accessKeyId: "ASIAEXAMPLE",
        secretAccessKey: "s",
        sessionToken: "t",
        accountId: "111122223333",
        expiresAt: "2030-01-02T03:04:05.678Z",
      },
      clientId: "arn:aws:signin:::devtools/same-device",
      refreshToken: "r",
      dpopKey: pem,
      extra: { kept: true },
    }),
  );
  const entry = await readCacheEntry(home.cache, DEMO, "default");
  assert.equal(entry.expiresAtMs, Date.UTC(2030, 0, 2, 3, 4, 5, 678));
  assert.equal(entry.idToken, undefined);
  assert.equal(entry.tokenType, undefined);
  assert.deepEqual(entry.raw.extra, { kept: true });
  const { dpopKeyFromPem } = await import("../lib/signin/dpop.ts");
  assert.equal(
    (await dpopKeyFromPem(entry.dpopKey)).jwk.x,
    jwk.x,
  );
});

Deno.test("a login made by us is used and refreshed by the AWS JS SDK's login provider", async () => {
  // Short-lived credentials, so the SDK (which refreshes within 5 minutes of expiry) must refresh.
  const options: EmulatorOptions = { autoApprove: true, accessTtl: 120 };
  await using server = await startEmulator(options);
  await using home = await tempHome();
  assert.equal(
    (await login(home, server, ["--profile", "dev", "--region", "us-east-1"]))
      .code,
    0,
  );
  const before = JSON.parse(await cacheText(home));
  const creds = await runSdkScript("_sdk_login_credentials.ts", ["dev"], {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
  });
  assert.notEqual(creds.accessKeyId, before.accessToken.accessKeyId);
  assert.deepEqual(tokenCalls(server).map((r) => [r.grantType, r.status]), [
    ["authorization_code", 200],
    ["refresh_token", 200],
  ]);
  // The SDK rewrote the entry in its own format; our reader still accepts it.
  const entry = await readCacheEntry(home.cache, DEMO, "dev");
  assert.equal(entry.accessToken.accessKeyId, creds.accessKeyId);
  assert.equal(entry.dpopKey, before.dpopKey);
  assert.equal(entry.signInRegion, "us-east-1");
});

Deno.test("no region anywhere and a terminal: the AWS CLI's prompt, checked, and saved to the profile", async () => {
  await using server = await startEmulator({ autoApprove: true });
  for (
    const [input, region, extra] of [
      ["eu-west-3\n", "eu-west-3", ""],
      ["\n", "us-east-1", ""],
      [
        "Mars 1\nap-southeast-2\n",
        "ap-southeast-2",
        '"Mars 1" is not a region name: use lowercase letters, digits and hyphens, for example us-east-1.\n' +
        "\nAWS Region [us-east-1]: ",
      ],
      [
        "eu-west-9\n",
        "eu-west-9",
        '"eu-west-9" is not a region aws-signin knows of; using it anyway.\n',
      ],
    ] as const
  ) {
    await using home = await tempHome();
    const result = await runInProcess(
      ["login", "--profile", "dev", "--endpoint-url", server.url],
      {
        env: {
          ...home.env,
          BROWSER: standInBrowser("approve"),
          PATH: Deno.env.get("PATH") ?? "",
        },
        input,
        terminal: true,
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      result.stdout.startsWith(
        "No AWS region has been configured. The AWS region is the geographic location of your AWS resources.\n\n",
      ),
    );
    assert.ok(
      result.stdout.includes(`\nAWS Region [us-east-1]: ${extra}${ATTEMPT}`),
      result.stdout,
    );
    assert.equal(
      await Deno.readTextFile(home.config),
      `[profile dev]\nlogin_session = ${DEMO}\nregion = ${region}\n`,
    );
    assert.match(await cacheText(home), cachePattern(region));
  }
});

Deno.test("an SSH session without a display: no browser is tried, and --remote is suggested", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const record = `${home.dir}/url.txt`;
  const result = await login(home, server, [
    "--region",
    "us-east-1",
    "--timeout",
    "1",
  ], {
    mode: "record",
    env: {
      SSH_CONNECTION: "10.0.0.1 50000 10.0.0.2 22",
      BROWSER_RECORD: record,
    },
  });
  assert.equal(result.code, 255);
  assert.match(
    result.stdout,
    /^This is an SSH session without a display, so no browser will be opened\. Run this command again with the '--remote' option, or forward the callback port \(ssh -L (\d+):127\.0\.0\.1:\1\) and open the following URL on your own computer\.\n\nhttp:/,
  );
  assert.equal(await readOrNull(record), null, "no browser was started");
});
