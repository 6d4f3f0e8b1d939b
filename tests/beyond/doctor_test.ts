/**
 * `aws-signin doctor`: each check against the broken setup it is for, built
 * in a temp home (a skewed clock through the emulator's control API, a cache
 * entry another SDK rewrote, an entry owned by another user, shadowing
 * environment keys, a fake old `aws` and a fake `terraform` on PATH, an
 * untrusted TLS emulator, a dead endpoint, a proxy), asserting the id, the
 * level and the fix; a healthy setup gives only `ok`; doctor writes nothing.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  DEMO_SESSION,
  emulatorFault,
  runCliProcess,
  runInProcess,
  sha256HexSync,
} from "../helpers.ts";
import { makeTestCa, PROXIED_HOST, startTestProxy } from "../_net.ts";
import { ADMIN } from "../roles/_setup.ts";
import { doctor, ESC, notOk, one, script, setUp } from "./_doctor.ts";

Deno.test("doctor: a healthy setup gives only ok, every area, and exit 0", async () => {
  await using s = await setUp();
  const { code, checks, stdout, stderr } = await doctor(
    ["--profile", "dev"],
    s.env,
  );
  assert.deepEqual(notOk(checks), [], stdout);
  assert.equal(code, 0, stderr);
  for (
    const id of [
      "files.config",
      "files.login-cache",
      "files.login-cache-entries",
      "selection.profile",
      "session.cache",
      "session.layout",
      "session.region",
      "clock.signin",
      "clock.sts",
      "network.signin-tcp",
      "network.signin-http",
      "network.sts-tcp",
      "identity.caller",
      "tools.aws-cli",
      "browser.open",
    ]
  ) one(checks, id);
  assert.match(one(checks, "identity.caller").message, /user\/demo/);
  for (const c of checks) {
    assert.deepEqual(Object.keys(c), [
      "id",
      "level",
      "area",
      "profile",
      "message",
      "fix",
    ]);
    assert.equal(c.fix, null);
  }
  // Areas in order: files, selection, session, clock, network, identity, tools, browser.
  const areas = [...new Set(checks.map((c) => c.area))];
  assert.deepEqual(areas, [
    "files",
    "selection",
    "session",
    "clock",
    "network",
    "identity",
    "tools",
    "browser",
  ]);
  // Only HEAD requests and one GetCallerIdentity: no refresh, nothing signed in.
  const ops = s.server.emulator.requests.map((r) => r.operation);
  assert.ok(
    !ops.includes("CreateOAuth2Token") || ops.indexOf("CreateOAuth2Token") < 2,
  );
  const after = s.server.emulator.requests.slice(
    s.server.emulator.requests.findIndex((r) => r.method === "HEAD"),
  );
  assert.deepEqual(
    [...new Set(after.map((r) => `${r.method} ${r.operation}`))].sort(),
    ["HEAD Unknown", "POST GetCallerIdentity"],
  );
});

Deno.test("doctor: the text report groups by area, puts the fix under its finding, counts, and has no colour off a terminal", async () => {
  await using s = await setUp();
  await Deno.chmod(s.home.cache, 0o755);
  const result = await runCliProcess(["doctor", "--profile", "dev"], s.env);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(!result.stdout.includes(ESC));
  assert.match(result.stdout, /^Files\n {2}ok {6}The config file /);
  assert.match(
    result.stdout,
    /\n {2}warning The login cache folder .* can be read by other users \(mode 755\)\. \[files\.login-cache\]\n {10}fix: chmod 700 /,
  );
  assert.match(result.stdout, /\nSessions\n/);
  assert.match(
    result.stdout,
    /\n\n0 errors, 1 warning, \d+ ok\. Do what each fix says/,
  );
});

Deno.test("doctor: colour only on a terminal, and not with NO_COLOR", async () => {
  await using s = await setUp();
  await Deno.chmod(s.home.cache, 0o755);
  const args = ["doctor", "--profile", "dev", "--offline"];
  const coloured = await runInProcess(args, { env: s.env, terminal: true });
  assert.equal(coloured.code, 0, coloured.stderr);
  assert.ok(
    coloured.stdout.startsWith(
      `${ESC}[1mFiles${ESC}[0m\n  ${ESC}[32mok     ${ESC}[0m `,
    ),
    coloured.stdout,
  );
  assert.ok(
    coloured.stdout.includes(
      `${ESC}[33mwarning${ESC}[0m The login cache folder`,
    ),
  );
  const plain = await runInProcess(args, {
    env: { ...s.env, NO_COLOR: "1" },
    terminal: true,
  });
  assert.ok(!plain.stdout.includes(ESC));
  const piped = await runInProcess(args, { env: s.env });
  assert.ok(!piped.stdout.includes(ESC));
  assert.equal(piped.stdout, plain.stdout);
});

Deno.test("doctor: the clock the emulator reports 10 minutes ahead is an error naming how far and how to fix it", async () => {
  await using s = await setUp();
  const moved = await fetch(`${s.server.url}/_emulator/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: 600 }),
  });
  await moved.body?.cancel();
  const { code, checks } = await doctor(["--profile", "dev"], s.env);
  assert.equal(code, 1);
  for (const id of ["clock.signin", "clock.sts"]) {
    const c = one(checks, id);
    assert.equal(c.level, "error");
    assert.match(c.message, /clock is 10 minutes behind/);
    assert.match(c.fix!, /timedatectl set-ntp true|hwclock -s|automatically/);
  }
});

Deno.test("doctor: an entry another SDK rewrote without signInRegion is a warning; a region the AWS CLI refreshes in that did not issue the session is one too", async () => {
  await using s = await setUp();
  const raw = JSON.parse(await Deno.readTextFile(s.entry));
  // The Rust SDK's layout: compact, its own key order, signInRegion dropped.
  const rust = {
    accessToken: raw.accessToken,
    tokenType: raw.tokenType,
    refreshToken: raw.refreshToken,
    idToken: raw.idToken,
    clientId: raw.clientId,
    dpopKey: raw.dpopKey,
  };
  await Deno.writeTextFile(s.entry, JSON.stringify(rust));
  let { checks } = await doctor(["--profile", "dev", "--offline"], s.env);
  let c = one(checks, "session.layout");
  assert.equal(c.level, "warning");
  assert.match(
    c.message,
    /^The Rust SDK rewrote the cache entry and dropped signInRegion/,
  );
  assert.match(c.message, /refreshes go to us-east-1 \(the profile's region\)/);
  assert.equal(
    c.fix,
    "aws-signin login --profile dev   (a new sign-in records its region again)",
  );

  // The JavaScript SDK's layout keeps signInRegion: fine. AWS_REGION elsewhere: the AWS CLI refreshes there.
  await Deno.writeTextFile(s.entry, JSON.stringify(raw, null, 2));
  ({ checks } = await doctor(["--profile", "dev", "--offline"], {
    ...s.env,
    AWS_REGION: "eu-west-1",
  }));
  c = one(checks, "session.layout");
  assert.equal(c.level, "ok");
  assert.match(
    c.message,
    /the JavaScript SDK writes, and records the region that issued the session \(us-east-1\)/,
  );
  c = one(checks, "session.region");
  assert.equal(c.level, "warning");
  assert.match(
    c.message,
    /issued in us-east-1, but the AWS CLI and boto3 refresh it in eu-west-1 \(from AWS_REGION\)/,
  );
  assert.match(c.fix!, /^unset AWS_REGION/);

  // Neither a recorded nor a configured region: no refresh can be made.
  await Deno.writeTextFile(s.entry, JSON.stringify(rust));
  await Deno.writeTextFile(
    s.home.config,
    (await Deno.readTextFile(s.home.config)).replace(
      "region = us-east-1\n",
      "",
    ),
  );
  ({ checks } = await doctor(["--profile", "dev", "--offline"], s.env));
  c = one(checks, "session.region");
  assert.equal(c.level, "error");
  assert.equal(
    c.fix,
    "aws-signin configure set region REGION --profile dev   (the region you signed in to)",
  );
  // signInRegion recorded, no region configured: aws-signin refreshes, the AWS CLI cannot.
  await Deno.writeTextFile(s.entry, JSON.stringify(raw));
  ({ checks } = await doctor(["--profile", "dev", "--offline"], s.env));
  c = one(checks, "session.region");
  assert.equal(c.level, "warning");
  assert.match(
    c.message,
    /has no region, so the AWS CLI and boto3 refresh it only when --region or AWS_REGION names one/,
  );
  assert.equal(
    c.fix,
    "aws-signin configure set region us-east-1 --profile dev",
  );
});

Deno.test(
  "doctor: a cache entry and a lock owned by another user (after sudo) are errors with the chown to run",
  {
    ignore: Deno.build.os === "windows" || Deno.uid() !== 0,
  },
  async () => {
    await using s = await setUp();
    await Deno.writeTextFile(`${s.entry}.lock`, "");
    await Deno.chown(s.entry, 65534, 65534);
    await Deno.chown(`${s.entry}.lock`, 65534, 65534);
    const { code, checks } = await doctor(
      ["--profile", "dev", "--offline"],
      s.env,
    );
    assert.equal(code, 1);
    const c = one(checks, "files.login-cache-owner");
    assert.equal(c.level, "error");
    assert.match(
      c.message,
      /belong to another user, as after a "sudo aws \.\.\."/,
    );
    assert.ok(
      c.message.includes(s.entry) && c.message.includes(`${s.entry}.lock`),
    );
    assert.equal(c.fix, `sudo chown "$(id -un)" ${s.entry} ${s.entry}.lock`);
    // The folder itself.
    await Deno.chown(s.home.cache, 65534, 65534);
    const again = await doctor(["--profile", "dev", "--offline"], s.env);
    const folder = one(again.checks, "files.login-cache");
    assert.equal(folder.level, "error");
    assert.match(folder.message, /belongs to another user \(uid 65534\)/);
    assert.equal(folder.fix, `sudo chown -R "$(id -un)" ${s.home.cache}`);
  },
);

Deno.test("doctor: environment keys that shadow the profile are a warning (the secret never shown); half a pair is an error", async () => {
  await using s = await setUp();
  const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  let result = await doctor(["--offline"], {
    ...s.env,
    AWS_PROFILE: "dev",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: secret,
  });
  let c = one(result.checks, "selection.env-credentials");
  assert.equal(c.level, "warning");
  assert.match(
    c.message,
    /use these keys instead of any profile chosen by AWS_PROFILE/,
  );
  assert.equal(
    c.fix,
    "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY   (or leave them set on purpose, and pass --profile)",
  );
  assert.ok(!result.stdout.includes(secret));
  assert.ok(!result.stdout.includes("AKIAIOSFODNN7EXAMPLE"));
  result = await doctor(["--offline"], {
    ...s.env,
    AWS_PROFILE: "dev",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  });
  c = one(result.checks, "selection.env-credentials");
  assert.equal(c.level, "error");
  assert.match(c.message, /Partial credentials found in env/);
  assert.equal(result.code, 1);
});

Deno.test("doctor: an AWS CLI older than 2.32 and Terraform on PATH are warnings with the credential_process line; a bridge profile satisfies Terraform", async () => {
  await using s = await setUp();
  await script(
    s.bin,
    "aws",
    'echo "aws-cli/2.31.4 Python/3.13.7 Linux/6.8.0 exe/x86_64.ubuntu.24"',
  );
  await script(s.bin, "terraform", "exit 0");
  let { code, checks } = await doctor(["--profile", "dev", "--offline"], s.env);
  assert.equal(code, 0); // warnings only
  let c = one(checks, "tools.aws-cli");
  assert.equal(c.level, "warning");
  assert.match(
    c.message,
    /The AWS CLI 2\.31\.4 at .*\/bin\/aws is older than 2\.32 and cannot read login_session/,
  );
  const line =
    "aws-signin configure set credential_process 'aws-signin configure export-credentials --profile dev --auto-login' --profile dev-process";
  assert.ok(c.fix!.includes(line), c.fix!);
  c = one(checks, "tools.terraform");
  assert.equal(c.level, "warning");
  assert.match(c.message, /hashicorp\/terraform-provider-aws#45316/);
  assert.equal(c.fix, `${line}   then: AWS_PROFILE=dev-process terraform plan`);

  // The line the fix gives, run (tests/beyond/doctor_safety_test.ts pastes it into sh): Terraform is taken care of.
  const set = await runCliProcess(
    [
      "configure",
      "set",
      "credential_process",
      "aws-signin configure export-credentials --profile dev --auto-login",
      "--profile",
      "dev-process",
    ],
    s.env,
  );
  assert.equal(set.code, 0, set.stderr);
  ({ checks } = await doctor(["--profile", "dev", "--offline"], s.env));
  c = one(checks, "tools.terraform");
  assert.equal(c.level, "ok");
  assert.match(
    c.message,
    /profile 'dev-process' gives it aws-signin's credentials/,
  );
  // The AWS CLI v1 on an old botocore cannot either.
  await script(
    s.bin,
    "aws",
    'echo "aws-cli/1.42.9 Python/3.11.7 Linux/6.8.0 botocore/1.40.9"',
  );
  ({ checks } = await doctor(["--profile", "dev", "--offline"], s.env));
  assert.equal(one(checks, "tools.aws-cli").level, "warning");
});

Deno.test("doctor: the AWS CLI's version read from its files (installer folder, pip's dist-info, a pyenv shim) without running it; v1 without awscrt is a warning", async () => {
  await using s = await setUp();
  const root = s.home.dir;
  // The official installer: .../v2/VERSION/dist/aws, linked from bin. The program itself would fail.
  await Deno.mkdir(`${root}/aws-cli/v2/2.31.0/dist`, { recursive: true });
  await script(`${root}/aws-cli/v2/2.31.0/dist`, "aws", "exit 3");
  await Deno.remove(`${s.bin}/aws`);
  await Deno.symlink(`${root}/aws-cli/v2/2.31.0/dist/aws`, `${s.bin}/aws`);
  let { checks } = await doctor(["--profile", "dev", "--offline"], s.env);
  let c = one(checks, "tools.aws-cli");
  assert.equal(c.level, "warning");
  assert.match(c.message, /The AWS CLI 2\.31\.0 at /);

  // pip: a Python script whose site-packages has awscli-VERSION.dist-info (v1 on botocore 1.43, no awscrt).
  const site = `${root}/py/lib/python3.11/site-packages`;
  for (const d of ["awscli-1.45.11.dist-info", "botocore-1.43.11.dist-info"]) {
    await Deno.mkdir(`${site}/${d}`, { recursive: true });
  }
  await Deno.mkdir(`${root}/py/bin`);
  await Deno.writeTextFile(
    `${root}/py/bin/aws`,
    `#!${root}/py/bin/python3.11\nraise SystemExit(3)\n`,
  );
  await Deno.chmod(`${root}/py/bin/aws`, 0o755);
  const pip = { ...s.env, PATH: `${root}/py/bin` };
  ({ checks } = await doctor(["--profile", "dev", "--offline"], pip));
  c = one(checks, "tools.aws-cli");
  assert.equal(c.level, "warning");
  assert.match(
    c.message,
    /The AWS CLI 1\.45\.11 at .* reads login_session only with awscrt/,
  );
  assert.equal(
    c.fix,
    "pip install 'botocore[crt]'   (in the Python the AWS CLI runs on)",
  );
  await Deno.mkdir(`${site}/awscrt-0.28.4.dist-info`);
  ({ checks } = await doctor(["--profile", "dev", "--offline"], pip));
  assert.equal(one(checks, "tools.aws-cli").level, "ok");

  // pyenv: the shim runs the version in $PYENV_ROOT/version (or PYENV_VERSION).
  await Deno.mkdir(`${root}/pyenv/shims`, { recursive: true });
  await Deno.mkdir(`${root}/pyenv/versions`);
  await script(`${root}/pyenv/shims`, "aws", "exit 3");
  await Deno.rename(`${root}/py`, `${root}/pyenv/versions/3.11.7`);
  await Deno.writeTextFile(
    `${root}/pyenv/versions/3.11.7/bin/aws`,
    `#!${root}/pyenv/versions/3.11.7/bin/python3.11\nraise SystemExit(3)\n`,
  );
  await Deno.writeTextFile(`${root}/pyenv/version`, "3.11.7\n");
  const shimmed = { ...s.env, PATH: `${root}/pyenv/shims` };
  ({ checks } = await doctor(["--profile", "dev", "--offline"], shimmed));
  c = one(checks, "tools.aws-cli");
  assert.equal(c.level, "ok");
  assert.match(
    c.message,
    /The AWS CLI 1\.45\.11 at .*\/pyenv\/shims\/aws reads login_session\./,
  );
  // A version without the AWS CLI: the shim is run, and its failure said.
  ({ checks } = await doctor(["--profile", "dev", "--offline"], {
    ...shimmed,
    PYENV_VERSION: "3.12.0",
  }));
  c = one(checks, "tools.aws-cli");
  assert.equal(c.level, "warning");
  assert.match(c.message, /could not tell its version/);
});

Deno.test("doctor: an emulator over TLS its CA does not vouch for is a TLS error naming AWS_CA_BUNDLE; with it, ok and named", async () => {
  await using ca = await makeTestCa();
  await using s = await setUp();
  await using tls = await startEmulator({
    autoApprove: true,
    host: "127.0.0.1",
    tls: { cert: ca.cert, key: ca.key },
  });
  // Sign-In over TLS; STS stays with the emulator that issued the session (it checks the keys).
  const env = { ...s.env, AWS_ENDPOINT_URL_SIGNIN: tls.url };
  let { code, checks } = await doctor(["--profile", "dev"], env);
  assert.equal(code, 1);
  let c = one(checks, "network.signin-tls");
  assert.equal(c.level, "error");
  assert.match(
    c.message,
    /The TLS certificate of 127\.0\.0\.1:\d+ does not verify against the system's CAs/,
  );
  assert.match(c.fix!, /export AWS_CA_BUNDLE=/);
  assert.equal(one(checks, "clock.signin").level, "warning");
  ({ code, checks } = await doctor(["--profile", "dev"], {
    ...env,
    AWS_CA_BUNDLE: ca.caFile,
  }));
  c = one(checks, "network.signin-tls");
  assert.equal(c.level, "ok");
  assert.ok(c.message.includes(`${ca.caFile} (from AWS_CA_BUNDLE)`), c.message);
  assert.equal(code, 0);
});

Deno.test("doctor: a dead endpoint (nothing listening, or never answering) is an error within the deadline", async () => {
  await using s = await setUp();
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  // A server that accepts and never answers.
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  try {
    const started = Date.now();
    const { code, checks } = await doctor(["--profile", "dev"], {
      ...s.env,
      AWS_ENDPOINT_URL_SIGNIN: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${silent.addr.port}`,
    });
    const took = Date.now() - started;
    assert.equal(code, 1);
    let c = one(checks, "network.signin-tcp");
    assert.equal(c.level, "error");
    assert.match(
      c.message,
      new RegExp(`127\\.0\\.0\\.1:${port} refused the connection`),
    );
    assert.match(
      c.fix!,
      /Nothing listens on 127\.0\.0\.1:\d+: start the endpoint/,
    );
    c = one(checks, "network.sts-http");
    assert.equal(c.level, "error");
    assert.match(c.message, /did not answer within 2\.5 s/);
    assert.equal(one(checks, "identity.caller").level, "error");
    assert.ok(took < 15_000, `took ${took} ms`);
  } finally {
    silent.close();
    for (const conn of held) conn.close();
  }
});

Deno.test("doctor: a proxy in use is named (its password hidden) and reached; NO_PROXY is reported; a dead proxy is an error", async () => {
  await using ca = await makeTestCa();
  await using s = await setUp();
  await using tls = await startEmulator({
    autoApprove: true,
    host: "127.0.0.1",
    tls: { cert: ca.cert, key: ca.key },
  });
  await using proxy = startTestProxy();
  const proxied = `https://${PROXIED_HOST}:${tls.port}`;
  const proxyUrl = new URL(proxy.url);
  proxyUrl.username = "me";
  proxyUrl.password = "hunter2";
  const env = {
    ...s.env,
    AWS_CA_BUNDLE: ca.caFile,
    AWS_ENDPOINT_URL_SIGNIN: proxied,
    AWS_ENDPOINT_URL_STS: proxied,
    HTTPS_PROXY: proxyUrl.href,
  };
  let result = await doctor(["--profile", "dev"], env);
  let c = one(result.checks, "network.signin-proxy");
  assert.equal(c.level, "ok");
  assert.match(
    c.message,
    new RegExp(
      `Calls to ${PROXIED_HOST}:\\d+ go through the proxy http://me:\\*\\*\\*\\*@127\\.0\\.0\\.1:\\d+ \\(from HTTPS_PROXY\\)`,
    ),
  );
  assert.ok(!result.stdout.includes("hunter2"));
  assert.equal(
    one(result.checks, "network.signin-tcp").message.includes("(the proxy)"),
    true,
  );
  assert.equal(one(result.checks, "network.signin-tls").level, "ok");
  assert.ok(
    proxy.seen.includes(`CONNECT ${PROXIED_HOST}:${tls.port}`),
    String(proxy.seen),
  );

  result = await doctor(["--profile", "dev", "--offline"], env);
  assert.equal(result.checks.filter((c) => c.area === "network").length, 0);

  // NO_PROXY that covers the host: reported (and the name then has to resolve here, which it does not).
  result = await doctor(["--profile", "dev"], { ...env, NO_PROXY: `.test` });
  c = one(result.checks, "network.signin-proxy");
  assert.match(
    c.message,
    /NO_PROXY \(\.test\) sends calls to emulator\.test:\d+ directly/,
  );
  assert.equal(one(result.checks, "network.signin-dns").level, "error");

  // A proxy that is not there.
  const gone = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = gone.addr.port;
  gone.close();
  result = await doctor(["--profile", "dev"], {
    ...env,
    HTTPS_PROXY: `http://127.0.0.1:${deadPort}`,
  });
  c = one(result.checks, "network.signin-tcp");
  assert.equal(c.level, "error");
  assert.match(c.message, /\(the proxy\) refused the connection/);
  assert.equal(
    c.fix,
    "Check that the proxy in HTTPS_PROXY is running and reachable.",
  );
});

Deno.test("doctor: session states (due, ended, logged out), a missing region, role profiles on the session and a broken one", async () => {
  await using s = await setUp();
  const raw = JSON.parse(await Deno.readTextFile(s.entry));
  const at = (ms: number) =>
    new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  raw.accessToken.expiresAt = at(Date.now() + 60_000);
  await Deno.writeTextFile(s.entry, JSON.stringify(raw));
  await Deno.writeTextFile(
    s.home.config,
    `${await Deno.readTextFile(
      s.home.config,
    )}\n[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n\n` +
      `[profile broken]\nrole_arn = ${ADMIN}\nsource_profile = nowhere\n\n` +
      `[profile out]\nlogin_session = arn:aws:iam::111122223333:user/out\n`,
  );
  let { code, checks } = await doctor(["--profile", "dev", "--offline"], s.env);
  assert.equal(code, 0);
  let c = one(checks, "session.cache", "dev");
  assert.equal(c.level, "ok");
  assert.match(
    c.message,
    /expire .* \(in 1 min\), and the next use refreshes them/,
  );
  c = one(checks, "session.role", "admin");
  assert.equal(c.level, "ok");
  assert.match(
    c.message,
    /not in the role cache: the next use assumes it with the credentials of profile 'dev'/,
  );

  raw.accessToken.expiresAt = at(Date.now() - 13 * 3600_000);
  await Deno.writeTextFile(s.entry, JSON.stringify(raw));
  ({ code, checks } = await doctor(["--profile", "admin", "--offline"], s.env));
  assert.equal(code, 1);
  c = one(checks, "session.cache", "dev");
  assert.equal(c.level, "error");
  assert.match(c.message, /has ended: its credentials expired .* \(13 h ago\)/);
  assert.match(c.fix!, /^aws-signin login --profile dev/);

  ({ code, checks } = await doctor(["--profile", "out", "--offline"], s.env));
  c = one(checks, "session.cache", "out");
  assert.equal(c.level, "error");
  assert.match(c.message, /Profile 'out' is logged out/);
  assert.equal(c.fix, "aws-signin login --profile out");

  ({ code, checks } = await doctor(["--all", "--offline"], s.env));
  c = one(checks, "session.role", "broken");
  assert.equal(c.level, "error");
  assert.match(
    c.message,
    /The source_profile "nowhere" referenced in the profile "broken" does not exist/,
  );
  assert.equal(code, 1);
  assert.deepEqual(
    [
      ...new Set(
        checks.filter((c) => c.area === "session").map((c) => c.profile),
      ),
    ],
    ["dev", "admin", "broken", "out"],
  );
});

Deno.test("doctor: profile selection (a missing profile, AWS_PROFILE against AWS_DEFAULT_PROFILE, a path to nothing, two kinds of credentials)", async () => {
  await using s = await setUp();
  let { code, checks } = await doctor(["--offline"], {
    ...s.env,
    AWS_PROFILE: "typo",
    AWS_DEFAULT_PROFILE: "dev",
  });
  assert.equal(code, 1);
  let c = one(checks, "selection.profile");
  assert.equal(c.level, "error");
  assert.match(
    c.message,
    /The config profile \(typo\) could not be found \(it came from AWS_PROFILE\)\. The profiles here are: dev\./,
  );
  c = one(checks, "selection.profile-env");
  assert.equal(c.level, "warning");
  assert.match(c.message, /boto3 and the AWS CLI v1 use dev/);
  assert.equal(
    c.fix,
    "unset AWS_DEFAULT_PROFILE   (AWS_PROFILE alone is read by every tool)",
  );

  ({ checks } = await doctor(["--profile", "dev", "--offline"], {
    ...s.env,
    AWS_SHARED_CREDENTIALS_FILE: `${s.home.dir}/nowhere/credentials`,
  }));
  c = one(checks, "selection.credentials-file");
  assert.equal(c.level, "warning");
  assert.match(c.fix!, /^unset AWS_SHARED_CREDENTIALS_FILE/);

  await Deno.writeTextFile(
    s.home.credentials,
    "[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
  );
  await Deno.chmod(s.home.credentials, 0o644);
  ({ checks } = await doctor(["--profile", "dev", "--offline"], s.env));
  c = one(checks, "selection.credential-styles", "dev");
  assert.equal(c.level, "warning");
  assert.match(
    c.message,
    /\(access keys in the credentials file, login_session\): the AWS CLI uses access keys in the credentials file/,
  );
  c = one(checks, "files.credentials-mode");
  assert.equal(c.level, "warning");
  assert.equal(c.fix, `chmod 600 ${s.home.credentials}`);
});

Deno.test("doctor: files (a config that does not parse, a stale temporary file, a planted link) and a browser that cannot open", async () => {
  await using s = await setUp();
  const temp = `${s.home.cache}/.${
    sha256HexSync(DEMO_SESSION)
  }.json.aws-signin-0123abcd.tmp`;
  await Deno.writeTextFile(temp, "{");
  await Deno.utime(
    temp,
    new Date(Date.now() - 3600_000),
    new Date(Date.now() - 3600_000),
  );
  await Deno.symlink("/etc/passwd", `${s.home.cache}/${"a".repeat(64)}.json`);
  let { code, checks } = await doctor(["--profile", "dev", "--offline"], {
    ...s.env,
    BROWSER: "",
    DISPLAY: "",
    SSH_CONNECTION: "10.0.0.1 5000 10.0.0.2 22",
  });
  assert.equal(code, 1);
  let c = one(checks, "files.login-cache-temp");
  assert.equal(c.level, "warning");
  assert.match(c.fix!, /^rm .*\.tmp/);
  c = one(checks, "files.login-cache-links");
  assert.equal(c.level, "error");
  assert.match(c.message, /symbolic links where aws-signin never follows one/);
  assert.equal(c.fix, `Remove them: rm ${s.home.cache}/${"a".repeat(64)}.json`);
  c = one(checks, "browser.open");
  assert.equal(c.level, "warning");
  assert.match(c.message, /SSH session without a display/);
  assert.match(c.fix!, /aws-signin login --remote/);
  assert.match(
    c.fix!,
    /ssh -L 8400:127\.0\.0\.1:8400 HOST, then aws-signin login --redirect-port 8400/,
  );

  await Deno.writeTextFile(
    s.home.config,
    `${await Deno.readTextFile(s.home.config)}\nthis is not ini\n`,
  );
  ({ code, checks } = await doctor(["--profile", "dev", "--offline"], s.env));
  c = one(checks, "files.config");
  assert.equal(c.level, "error");
  assert.match(c.fix!, /^Fix line \d+ of .*config/);
  assert.equal(code, 1);
});

Deno.test("doctor writes nothing: no file, mode or time changes, no refresh, no lock, even with an expired entry", async () => {
  await using s = await setUp();
  const raw = JSON.parse(await Deno.readTextFile(s.entry));
  raw.accessToken.expiresAt = "2020-01-01T00:00:00Z";
  await Deno.writeTextFile(s.entry, JSON.stringify(raw));
  const snapshot = async () => {
    const out: string[] = [];
    const walk = async (dir: string) => {
      for await (const e of Deno.readDir(dir)) {
        const path = `${dir}/${e.name}`;
        const info = await Deno.lstat(path);
        out.push(`${path} ${info.mode} ${info.mtime?.getTime()} ${info.size}`);
        if (info.isDirectory) await walk(path);
      }
    };
    await walk(s.home.dir);
    return out.sort();
  };
  const before = await snapshot();
  const count = s.server.emulator.requests.length;
  const { checks } = await doctor(["--all"], s.env);
  assert.deepEqual(await snapshot(), before);
  assert.ok(
    s.server.emulator.requests.slice(count).every((r) => r.method === "HEAD"),
  );
  assert.match(
    one(checks, "identity.caller").message,
    /^Not checked: the session has ended/,
  );
});

Deno.test("doctor: outside text is escaped, --all with --profile is refused, --help and completion know it", async () => {
  await using s = await setUp();
  await Deno.writeTextFile(
    s.home.config,
    `${await Deno.readTextFile(
      s.home.config,
    )}\n[profile evil]\nlogin_session = arn:aws:iam::1:user/\x1b[31mred\n`,
  );
  const text = await runCliProcess(
    ["doctor", "--profile", "evil", "--offline"],
    s.env,
  );
  assert.ok(!text.stdout.includes(ESC));
  assert.ok(text.stdout.includes("user/\\x1b[31mred"), text.stdout);
  // A name a shell would act on never reaches a command line of a fix unquoted.
  await Deno.writeTextFile(
    s.home.config,
    `${await Deno.readTextFile(
      s.home.config,
    )}\n[profile dev&&id]\nlogin_session = arn:aws:iam::1:user/other\n`,
  );
  await script(s.bin, "terraform", "exit 0");
  const hostile = await doctor(
    ["--profile", "dev&&id", "--offline"],
    s.env,
  );
  assert.equal(
    one(hostile.checks, "session.cache").fix,
    "aws-signin login --profile 'dev&&id'",
  );
  // No credential_process line for it: the SDKs run that line through a shell.
  const tf = one(hostile.checks, "tools.terraform").fix!;
  assert.match(tf, /^Rename this profile/);
  assert.ok(!tf.includes("dev&&id") && !tf.includes("AWS_PROFILE="), tf);
  const both = await runCliProcess(
    ["doctor", "--all", "--profile", "dev"],
    s.env,
  );
  assert.equal(both.code, 252);
  assert.match(both.stderr, /"--all" and "--profile" cannot be used together/);
  const help = await runCliProcess(["doctor", "--help"], s.env);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--offline/);
  const bash = await runCliProcess(["completion", "bash"], s.env);
  assert.match(bash.stdout, /\bdoctor\b/);
});

Deno.test("doctor: an entry others can read, a role cache folder others can read, paths to nothing, a profile with no credentials, an identity refused", async () => {
  await using s = await setUp();
  await Deno.chmod(s.entry, 0o644);
  const roleCache = `${s.home.dir}/.aws/cli/cache`;
  await Deno.mkdir(roleCache, { recursive: true, mode: 0o755 });
  await Deno.chmod(roleCache, 0o755);
  await Deno.writeTextFile(
    s.home.config,
    `${await Deno.readTextFile(
      s.home.config,
    )}\n[profile empty]\nregion = us-east-1\n`,
  );
  let { code, checks } = await doctor(["--profile", "dev", "--offline"], s.env);
  let c = one(checks, "files.login-cache-mode");
  assert.equal(c.level, "warning");
  assert.equal(c.fix, `chmod 600 ${s.entry}`);
  c = one(checks, "files.role-cache");
  assert.equal(c.level, "warning");
  assert.equal(c.fix, `chmod 700 ${roleCache}`);
  assert.equal(code, 0);

  ({ code, checks } = await doctor(["--profile", "empty", "--offline"], s.env));
  c = one(checks, "session.credentials", "empty");
  assert.equal(c.level, "error");
  assert.match(
    c.message,
    /has no credentials: no login_session, role, keys or credential_process/,
  );
  assert.equal(c.fix, "aws-signin login --profile empty");
  assert.equal(code, 1);

  ({ checks } = await doctor(["--offline"], {
    ...s.env,
    AWS_CONFIG_FILE: `${s.home.dir}/nowhere/config`,
    AWS_LOGIN_CACHE_DIRECTORY: `${s.home.dir}/nowhere/cache`,
  }));
  for (
    const id of ["selection.config-file", "selection.login-cache-directory"]
  ) {
    c = one(checks, id);
    assert.equal(c.level, "warning");
    assert.match(
      c.message,
      /which does not exist: every AWS tool looks for the .* there and finds nothing/,
    );
    assert.match(c.fix!, /^unset AWS_(CONFIG_FILE|LOGIN_CACHE_DIRECTORY)/);
  }

  await emulatorFault(s.server.url, {
    operation: "GetCallerIdentity",
    error: "AccessDenied",
    status: 403,
    message: "User is not authorized",
  });
  ({ code, checks } = await doctor(["--profile", "dev"], s.env));
  c = one(checks, "identity.caller");
  assert.equal(c.level, "error");
  assert.match(
    c.message,
    /GetCallerIdentity with the login cache failed: .*not authorized/,
  );
  assert.match(c.fix!, /SignInLocalDevelopmentAccess managed policy/);
  assert.equal(code, 1);

  // A role profile on the session: the fix signs in the login profile the role rests on.
  await Deno.writeTextFile(
    s.home.config,
    `${await Deno.readTextFile(
      s.home.config,
    )}\n[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\nregion = us-east-1\n`,
  );
  const assumed = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "admin"],
    s.env,
  );
  assert.equal(assumed.code, 0, `${assumed.stdout}\n${assumed.stderr}`);
  await emulatorFault(s.server.url, {
    operation: "GetCallerIdentity",
    error: "ExpiredToken",
    status: 403,
    message: "The security token included in the request is expired",
  });
  ({ checks } = await doctor(["--profile", "admin"], s.env));
  c = one(checks, "identity.caller", "admin");
  assert.equal(c.level, "error");
  assert.match(c.message, /GetCallerIdentity with the role cache failed/);
  assert.match(c.fix!, /^aws-signin login --profile dev /);
});
