/**
 * `aws-signin sso login` for a session, black-box against the emulator: the
 * authorization code flow's stdout (the AWS CLI's bytes with our one-time
 * link in place of the authorize URL), the token and registration files
 * (names, exact bytes, modes), the registration reused and made again as
 * botocore decides, the authorize request as the emulator got it (S17), the
 * callback's answers to a wrong state, an `error=` and a stray path, and a
 * role profile followed to its SSO profile.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { spawnCli } from "../../dev/interactive.ts";
import { eventually, readOrNull, standInBrowser } from "../helpers.ts";
import {
  calls,
  mode,
  pyDumps,
  registrationFile,
  seconds,
  SESSION_TOKEN,
  sha1,
  signin,
  ssoEnv,
  ssoHome,
  ssoLogin,
  START_URL,
} from "./_setup.ts";

const REGISTRATION = registrationFile({
  scopes: ["sso:account:access"],
  session: "my-sso",
});

const TOKEN_BYTES = new RegExp(
  `^\\{"startUrl": "${START_URL}", "region": "us-east-1", "accessToken": "(aoa[\\w-]+)", ` +
    `"expiresAt": "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)", "clientId": "([\\w-]+)", ` +
    `"clientSecret": "([\\w.-]+)", "registrationExpiresAt": "(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)", ` +
    `"refreshToken": "(aor[\\w-]+)"\\}$`,
);

Deno.test("sso login (session): the auth code flow's stdout, the token and registration files' bytes and modes", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const before = Date.now();
  const r = await ssoLogin(server, home);
  assert.match(
    r.stdout,
    new RegExp(
      "^Attempting to open your default browser. If the browser does not open, open the following URL.\n" +
        "If you are unable to open the URL on this device, run this command again with the " +
        "'--use-device-code' option.\n\nhttp://127\\.0\\.0\\.1:\\d+/\\S+\n\n" +
        `Successfully logged into Start URL: ${START_URL}\n$`,
    ),
  );
  assert.equal(r.stderr, "");
  assert.deepEqual(calls(server), [
    "RegisterClient/200",
    "SsoAuthorize/302",
    "CreateToken(authorization_code)/200",
  ]);
  const token = await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`);
  const m = TOKEN_BYTES.exec(token);
  assert.ok(m, token);
  const expiresAt = Date.parse(m[2]!);
  assert.ok(
    expiresAt >= Math.floor(before / 1000) * 1000 + 3_600_000 &&
      expiresAt <= Date.now() + 3_600_000,
  );
  const registration = await Deno.readTextFile(`${home.sso}/${REGISTRATION}`);
  assert.equal(
    registration,
    pyDumps({
      clientId: m[3],
      clientSecret: m[4],
      expiresAt: m[5],
      scopes: ["sso:account:access"],
      grantTypes: ["authorization_code", "refresh_token"],
    }),
  );
  // 90 days, as the emulator registers clients.
  assert.ok(
    Math.abs(Date.parse(m[5]!) - (Date.now() + 7_776_000_000)) < 60_000,
  );
  assert.equal(await mode(`${home.sso}/${SESSION_TOKEN}`), 0o600);
  assert.equal(await mode(`${home.sso}/${REGISTRATION}`), 0o600);
  assert.equal(await mode(home.sso), 0o700);
});

Deno.test("sso login: the registration is reused, made again near its expiry and when the flow changes", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const regFile = `${home.sso}/${REGISTRATION}`;
  await ssoLogin(server, home);
  const first = await Deno.readTextFile(regFile);
  const firstToken = await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`);
  await ssoLogin(server, home);
  assert.equal(await Deno.readTextFile(regFile), first, "reused as it is");
  const second = await Deno.readTextFile(`${home.sso}/${SESSION_TOKEN}`);
  assert.notEqual(second, firstToken, "a new token every time (force_refresh)");
  assert.equal(
    TOKEN_BYTES.exec(second)![3],
    JSON.parse(first).clientId,
    "with the reused client",
  );
  assert.deepEqual(calls(server, ["RegisterClient"]), ["RegisterClient/200"]);

  // 10 minutes left (under botocore's 15): registered again.
  const near = JSON.parse(first);
  near.expiresAt = seconds(Date.now() + 600_000);
  await Deno.writeTextFile(regFile, pyDumps(near));
  await ssoLogin(server, home);
  const renewed = JSON.parse(await Deno.readTextFile(regFile));
  assert.notEqual(renewed.clientId, near.clientId);
  assert.equal(calls(server, ["RegisterClient"]).length, 2);

  // The device flow needs a client without the authorization code grant: registered again, same file.
  await ssoLogin(server, home, ["--profile", "dev", "--use-device-code"]);
  const device = await Deno.readTextFile(regFile);
  assert.match(
    device,
    /^\{"clientId": "[\w-]+", "clientSecret": "[\w.-]+", "expiresAt": "[\dT:-]+Z", "scopes": \["sso:account:access"\]\}$/,
  );
  // And back: the auth flow registers again.
  await ssoLogin(server, home);
  assert.match(await Deno.readTextFile(regFile), /"grantTypes": \[/);
  assert.equal(calls(server, ["RegisterClient"]).length, 4);
});

/** Starts `sso login` with a browser that only records its link; opens the link as a browser would. */
async function waitingLogin(
  server: { url: string },
  home: Awaited<ReturnType<typeof ssoHome>>,
  args: readonly string[] = [],
) {
  const record = `${home.dir}/url.txt`;
  const proc = spawnCli(
    ["sso", "login", "--profile", "dev", ...args],
    ssoEnv(server, home, {
      BROWSER: standInBrowser("record"),
      BROWSER_RECORD: record,
    }),
  );
  assert.ok(
    await eventually(async () => (await readOrNull(record)) !== null, 20_000),
    "the login opened a browser",
  );
  const link = (await readOrNull(record))!;
  const opened = await fetch(link, { redirect: "manual" });
  await opened.body?.cancel();
  assert.ok([302, 303].includes(opened.status), `${opened.status}`);
  const authorize = opened.headers.get("location")!;
  const cookie = opened.headers.getSetCookie()[0]!.split(";")[0]!;
  return { proc, link, authorize, cookie };
}

Deno.test("S17: the authorize request as the emulator gets it; the callback ignores a wrong state and a stray path, stops on error=", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const { proc, authorize, cookie } = await waitingLogin(server, home);
  const query = authorize.slice(authorize.indexOf("?") + 1);
  const m = new RegExp(
    "^response_type=code&client_id=([\\w-]+)&redirect_uri=http%3A%2F%2F127\\.0\\.0\\.1%3A(\\d+)%2Foauth%2Fcallback" +
      "&state=([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})" +
      "&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=([A-Za-z0-9_-]{43})$",
  ).exec(query);
  assert.ok(m, query);
  assert.ok(authorize.startsWith(`${server.url}/authorize?`));
  const callback = `http://127.0.0.1:${m[2]}/oauth/callback`;
  const state = m[3]!;

  // The emulator takes it (302 to the callback with a code and the state).
  const approved = await fetch(authorize, { redirect: "manual" });
  await approved.body?.cancel();
  assert.equal(approved.status, 302);
  const back = new URL(approved.headers.get("location")!);
  assert.equal(`${back.origin}${back.pathname}`, callback);
  assert.equal(back.searchParams.get("state"), state);

  // A stray path and a wrong state: refused, and the login keeps waiting.
  const favicon = await fetch(`http://127.0.0.1:${m[2]}/favicon.ico`);
  await favicon.body?.cancel();
  assert.equal(favicon.status, 404);
  const wrong = await fetch(
    `${callback}?code=x&state=00000000-0000-4000-8000-000000000000`,
    { headers: { cookie } },
  );
  await wrong.body?.cancel();
  assert.equal(wrong.status, 400);
  // error= with the right state ends it with the AWS CLI's text.
  const denied = await fetch(
    `${callback}?error=access_denied&error_description=no&state=${state}`,
    { headers: { cookie } },
  );
  await denied.body?.cancel();
  assert.equal(denied.status, 200);
  const result = await proc.finish(20_000);
  assert.equal(result.code, 255, result.stderr);
  assert.match(
    result.stderr,
    /^aws-signin: \[ERROR\]: Error loading authorization code: Failed to retrieve an authorization code\.\n/,
  );
  assert.equal(await readOrNull(`${home.sso}/${SESSION_TOKEN}`), null);
});

Deno.test("S17: after a wrong state and a stray path, the right callback still signs in", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const { proc, authorize, cookie } = await waitingLogin(server, home);
  const approved = await fetch(authorize, { redirect: "manual" });
  await approved.body?.cancel();
  const back = new URL(approved.headers.get("location")!);
  const stray = await fetch(`${back.origin}/favicon.ico`);
  await stray.body?.cancel();
  const wrong = new URL(back);
  wrong.searchParams.set("state", "00000000-0000-4000-8000-000000000000");
  const refused = await fetch(wrong, { headers: { cookie } });
  await refused.body?.cancel();
  assert.equal(refused.status, 400);
  const ok = await fetch(back, { headers: { cookie } });
  await ok.body?.cancel();
  assert.equal(ok.status, 200);
  const result = await proc.finish(20_000);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Successfully logged into Start URL: /);
  assert.match(
    (await readOrNull(`${home.sso}/${SESSION_TOKEN}`))!,
    /"refreshToken": "aor/,
  );
});

Deno.test("sso login --no-browser (auth flow): the AWS CLI's print-only text with the one-time link", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const proc = spawnCli(
    ["sso", "login", "--profile", "dev", "--no-browser"],
    ssoEnv(server, home, { BROWSER: standInBrowser("fail") }),
  );
  const [, link] = await proc.waitForStdout(
    /Please visit the following URL:\n\n(http:\/\/127\.0\.0\.1:\d+\/\S+)\n/,
    20_000,
  );
  // A person opens it in a browser: the stand-in follows it to the callback.
  const browser = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", "tests/flow/_browser.ts", "approve", link!],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(browser.success, new TextDecoder().decode(browser.stderr));
  const result = await proc.finish(20_000);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `Browser will not be automatically opened.\nPlease visit the following URL:\n\n${link}\n` +
      `Successfully logged into Start URL: ${START_URL}\n`,
  );
});

Deno.test("sso login --profile <role profile>: follows source_profile to the SSO profile's session", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const r = await ssoLogin(server, home, ["--profile", "chain"]);
  assert.match(r.stdout, /Successfully logged into Start URL: /);
  assert.match(
    (await readOrNull(`${home.sso}/${SESSION_TOKEN}`))!,
    TOKEN_BYTES,
  );
  assert.equal(
    (await signin(
      ["sso", "login", "--profile", "chain", "--if-needed"],
      ssoEnv(server, home),
    )).code,
    0,
  );
});

Deno.test("S4: registration keys for a session with and without scopes and a legacy profile; the bare session's files", async () => {
  // The spec's observed names.
  assert.equal(REGISTRATION, "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json");
  assert.equal(
    registrationFile({ scopes: null, session: null }),
    "365414a68be7c9bfc776c660981dbdbd942acea4.json",
  );
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome(`[sso-session bare]
sso_start_url = ${START_URL}
sso_region = us-east-1

[profile bare]
sso_session = bare
sso_account_id = 111122223333
sso_role_name = Admin
`);
  // The key has the configured scopes (none: null); the auth flow registers with the default scope.
  const file = `${home.sso}/${
    registrationFile({ scopes: null, session: "bare" })
  }`;
  await ssoLogin(server, home, ["--profile", "bare"]);
  assert.match(
    await Deno.readTextFile(file),
    /^\{"clientId": "[\w-]+", "clientSecret": "[\w.-]+", "expiresAt": "[\dT:-]+Z", "scopes": \["sso:account:access"\], "grantTypes": \["authorization_code", "refresh_token"\]\}$/,
  );
  // The device flow registers without scopes: no scopes in the file, and a token without a refresh token.
  await ssoLogin(server, home, ["--sso-session", "bare", "--use-device-code"]);
  assert.match(
    await Deno.readTextFile(file),
    /^\{"clientId": "[\w-]+", "clientSecret": "[\w.-]+", "expiresAt": "[\dT:-]+Z"\}$/,
  );
  const token = await Deno.readTextFile(`${home.sso}/${sha1("bare")}.json`);
  assert.match(token, /"registrationExpiresAt": "[\dT:-]+Z"\}$/);
});

Deno.test("--redirect-port: the callback on that port; Ctrl-C while waiting → 130, nothing written, the port closed", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const { proc, authorize } = await waitingLogin(server, home, [
    "--redirect-port",
    String(port),
  ]);
  assert.equal(
    new URL(authorize).searchParams.get("redirect_uri"),
    `http://127.0.0.1:${port}/oauth/callback`,
  );
  proc.kill("SIGINT");
  const result = await proc.finish(20_000);
  assert.equal(result.code, 130, result.stderr);
  assert.equal(await readOrNull(`${home.sso}/${SESSION_TOKEN}`), null);
  const reach = await fetch(`http://127.0.0.1:${port}/oauth/callback`).then(
    (r) => r.body?.cancel().then(() => "open"),
    () => "closed",
  );
  assert.equal(reach, "closed");
});

Deno.test("a cache folder the AWS CLI made (0755) with a token it wrote (0644): made private by the login", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await ssoHome();
  await Deno.mkdir(home.sso, { recursive: true });
  await Deno.chmod(home.sso, 0o755);
  await Deno.writeTextFile(`${home.sso}/${SESSION_TOKEN}`, "{}", {
    mode: 0o644,
  });
  await Deno.chmod(`${home.sso}/${SESSION_TOKEN}`, 0o644);
  await ssoLogin(server, home);
  assert.equal(await mode(home.sso), 0o700);
  assert.equal(await mode(`${home.sso}/${SESSION_TOKEN}`), 0o600);
  assert.match(
    (await readOrNull(`${home.sso}/${SESSION_TOKEN}`))!,
    TOKEN_BYTES,
  );
});
