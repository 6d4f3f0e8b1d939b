/**
 * Hardening 2: whoever reaches the callback port cannot end a login, and no
 * string from outside the program reaches the terminal with control
 * characters in it (callback values, pasted codes, service error messages, a
 * credential_process's stderr, cache-file values in errors).
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { hasControlCharacters } from "../../lib/util/safe_text.ts";
import {
  DEMO_SESSION,
  emulatorFault,
  loginThrough,
  loginWaitingForCallback,
  readOrNull,
  runCliProcess,
  sha256HexSync,
  tempHome,
} from "../helpers.ts";

/** Whether output holds a control character other than its own line breaks: what must never be printed. */
const CONTROL = {
  test: (text: string) => hasControlCharacters(text.replaceAll("\n", "")),
};
const ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\r\x9b31m";

Deno.test("callbacks with the wrong state (error or not) get 400 and the login keeps waiting for the right one", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const { proc, authorize: url, callback, browser } =
    await loginWaitingForCallback(server, home);
  const attacks = [
    { error: ESCAPES, state: "00000000-0000-4000-8000-000000000000" },
    { error: "access_denied" },
    { code: "stolen", state: "00000000-0000-4000-8000-000000000000" },
    { code: "stolen", state: ESCAPES },
  ];
  for (const params of attacks) {
    const target = new URL(callback);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    const response = await fetch(target, browser);
    assert.equal(response.status, 400, JSON.stringify(params));
    const page = await response.text();
    assert.ok(!page.includes("\x1b"), "the page escapes what it was sent");
  }
  // The real redirect still completes the login.
  const redirect = await fetch(url, { redirect: "manual" });
  await redirect.body?.cancel();
  const done = await fetch(redirect.headers.get("location")!, browser);
  assert.equal(done.status, 200);
  await done.body?.cancel();
  const result = await proc.finish();
  assert.equal(result.code, 0, result.stderr);
  assert.ok(!CONTROL.test(result.stdout + result.stderr));
  assert.equal(
    await Deno.readTextFile(home.config),
    `[default]\nlogin_session = ${DEMO_SESSION}\n`,
  );
});

Deno.test("an error callback with the right state ends the login, with the error escaped", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const { proc, authorize: url, callback: target, browser } =
    await loginWaitingForCallback(server, home);
  target.searchParams.set("error", `x${ESCAPES}`);
  target.searchParams.set("state", url.searchParams.get("state")!);
  await (await fetch(target, browser)).body?.cancel();
  const result = await proc.finish();
  assert.equal(result.code, 255);
  assert.ok(!CONTROL.test(result.stdout + result.stderr), result.stderr);
  assert.match(
    result.stderr,
    /The sign-in page returned "x\\x1b\[2J\\x1b\]0;pwned\\x07/,
  );
  assert.equal(await readOrNull(home.config), null);
});

Deno.test("a pasted code with control characters is shown escaped", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const pasted = btoa(`state=${encodeURIComponent(ESCAPES)}&code=x`);
  const result = await runCliProcess(
    [
      "login",
      "--remote",
      "--region",
      "us-east-1",
      "--endpoint-url",
      server.url,
    ],
    home.env,
    { stdin: `${pasted}\n` },
  );
  assert.equal(result.code, 255);
  assert.match(result.stderr, /State parameter \\x1b\[2J/);
  assert.ok(!CONTROL.test(result.stdout + result.stderr), result.stderr);
});

Deno.test("service error messages are shown escaped (STS and Sign-In)", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loginThrough(server.url, home);
  await emulatorFault(server.url, {
    operation: "GetCallerIdentity",
    error: "AccessDenied",
    message: `Denied${ESCAPES}`,
  });
  const sts = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "dev"],
    { ...home.env, AWS_ENDPOINT_URL_STS: server.url, AWS_REGION: "us-east-1" },
  );
  assert.equal(sts.code, 254);
  assert.match(sts.stderr, /operation: Denied\\x1b\[2J/);
  assert.ok(!CONTROL.test(sts.stderr), sts.stderr);
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(
    file,
    text.replace(/"expiresAt": "[^"]+"/, `"expiresAt": "2000-01-01T00:00:00Z"`),
  );
  await emulatorFault(server.url, {
    operation: "CreateOAuth2Token",
    error: `WeirdError${ESCAPES}`,
    status: 403,
    message: `Nope${ESCAPES}`,
  });
  const refresh = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    { ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url },
  );
  assert.notEqual(refresh.code, 0);
  assert.match(refresh.stderr, /Nope\\x1b\[2J/);
  assert.ok(!CONTROL.test(refresh.stderr), refresh.stderr);
});

Deno.test("a credential_process's stderr and a cache file's values are shown escaped", async () => {
  await using home = await tempHome();
  await Deno.mkdir(home.cache, { recursive: true });
  const session = "arn:aws:iam::111122223333:user/demo";
  await Deno.writeTextFile(
    home.config,
    `[profile proc]\ncredential_process = sh -c 'printf "boom\\033]52;c;ZXZpbA==\\007\\033[2J" >&2; exit 1'\n\n` +
      `[profile cached]\nlogin_session = ${session}\n`,
  );
  await Deno.writeTextFile(
    `${home.cache}/${sha256HexSync(session)}.json`,
    JSON.stringify({
      accessToken: {
        accessKeyId: "ASIA",
        secretAccessKey: "s",
        sessionToken: "t",
        accountId: "111122223333",
        expiresAt: `2030${ESCAPES}`,
      },
      clientId: "arn:aws:signin:::devtools/same-device",
      refreshToken: "r",
      dpopKey: "k",
    }),
  );
  for (const profile of ["proc", "cached"]) {
    const result = await runCliProcess(
      ["configure", "export-credentials", "--profile", profile],
      home.env,
    );
    assert.notEqual(result.code, 0, profile);
    assert.ok(!CONTROL.test(result.stderr), `${profile}: ${result.stderr}`);
    assert.match(result.stderr, profile === "proc" ? /boom\\x1b/ : /2030\\x1b/);
  }
});
