/**
 * `aws-signin serve`: the container-credentials endpoint, read by botocore
 * and the AWS JS SDK with the two printed variables, refreshed once for many
 * requests, 401/404/405/500 as documented, and a clean stop.
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import {
  ageEntry,
  baseEnv,
  DEMO_SESSION,
  emulatorFault,
  hasBotocoreLogin,
  loginThrough,
  ROOT,
  runCliProcess,
  runProcess,
  runSdkScript,
  sha256HexSync,
  tempHome,
} from "../helpers.ts";
import { ADMIN, calls, roleEmulator, roleHome } from "../roles/_setup.ts";

const EXPORTS =
  /^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(http:\/\/127\.0\.0\.1:\d+\/)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=([A-Za-z0-9_-]{43})\n$/;

async function botocoreContainer(env: Record<string, string>) {
  return await runProcess(
    "python3",
    [`${ROOT}/tests/interop/_botocore_container.py`],
    { ...baseEnv(), ...env },
  );
}

async function startServe(env: Record<string, string>, profile = "dev") {
  const proc = spawnCli(["serve", "--profile", profile], env);
  const [, url, token] = await proc.waitForStdout(EXPORTS);
  return { proc, url: url!, token: token! };
}

Deno.test("botocore and the AWS JS SDK get the profile's credentials from serve, refreshed once for many requests", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n`,
  );
  const served = await startServe(home.env);
  try {
    const vars = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: served.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: served.token,
    };
    const exported = JSON.parse(
      (await runCliProcess(
        ["configure", "export-credentials", "--profile", "dev"],
        home.env,
      )).stdout,
    );
    const js = await runSdkScript("_sdk_http_credentials.ts", [], vars);
    assert.equal(js.accessKeyId, exported.AccessKeyId);
    assert.equal(js.sessionToken, exported.SessionToken);
    assert.equal(
      js.expiration,
      exported.Expiration.replace("+00:00", ".000Z"),
    );
    if (hasBotocoreLogin) {
      const py = await botocoreContainer(vars);
      assert.equal(py.code, 0, py.stderr);
      assert.equal(JSON.parse(py.stdout).accessKeyId, exported.AccessKeyId);
      assert.equal(JSON.parse(py.stdout).method, "container-role");
    }
    // Now the session needs a refresh: many requests, one CreateOAuth2Token.
    await ageEntry(`${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`, 60);
    const answers = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          fetch(served.url, { headers: { authorization: served.token } }).then((
            r,
          ) => r.json()),
      ),
    );
    assert.equal(new Set(answers.map((a) => a.AccessKeyId)).size, 1);
    assert.notEqual(answers[0].AccessKeyId, exported.AccessKeyId);
    assert.match(answers[0].Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(answers[0].AccountId, "111122223333");
    const again = await runSdkScript("_sdk_http_credentials.ts", [], vars);
    assert.equal(again.accessKeyId, answers[0].AccessKeyId);
    assert.deepEqual(calls(server), ["CreateOAuth2Token(refresh_token)/200"]);
    // A wrong token gets 401, and no credentials.
    const wrong = {
      ...vars,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: `${served.token.slice(0, -1)}x`,
    };
    await assert.rejects(
      runSdkScript("_sdk_http_credentials.ts", [], wrong),
      /status: 401/,
    );
    if (hasBotocoreLogin) {
      const py = await botocoreContainer(wrong);
      assert.equal(py.code, 1);
      assert.match(py.stderr, /401/);
    }
  } finally {
    served.proc.kill("SIGTERM");
    const result = await served.proc.finish();
    assert.equal(result.code, 0, result.stderr);
    // One line per request: time, method, path, status; never a secret.
    for (const line of result.stderr.trimEnd().split("\n")) {
      assert.match(
        line,
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ GET \/ (200|401)$/,
        line,
      );
    }
  }
});

Deno.test("serve answers 404, 405, 401 and, when the session has ended, 500 with a Code and a Message", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const served = await startServe(home.env);
  const auth = { authorization: served.token };
  const status = async (url: string, init: RequestInit = {}) => {
    const r = await fetch(url, init);
    const body = await r.json();
    return [r.status, body.Code];
  };
  assert.deepEqual(await status(`${served.url}other`, { headers: auth }), [
    404,
    "NotFound",
  ]);
  assert.deepEqual(
    await status(served.url, { method: "POST", headers: auth }),
    [405, "MethodNotAllowed"],
  );
  assert.deepEqual(await status(served.url), [401, "Unauthorized"]);
  // The session ends: refresh refused.
  await ageEntry(`${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`, -60);
  await emulatorFault(server.url, {
    operation: "CreateOAuth2Token",
    error: "TOKEN_EXPIRED",
    message: "The session has ended.",
  });
  const ended = await fetch(served.url, { headers: auth });
  assert.equal(ended.status, 500);
  assert.deepEqual(await ended.json(), {
    Code: "CredentialsUnavailable",
    Message:
      "Your session has expired. Please reauthenticate using 'aws-signin login --profile dev'.",
  });
  served.proc.kill("SIGINT");
  const result = await served.proc.finish();
  assert.equal(result.code, 0);
  assert.match(
    result.stderr,
    /^aws-signin: \[WARNING\]: Your session has expired\. Please reauthenticate using 'aws-signin login --profile dev'\. Clients get an error until then: run "aws-signin login --profile dev" \(the server keeps running\)\.$/m,
  );
});

Deno.test("SIGTERM stops serve cleanly: the request in flight still gets its answer", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  await ageEntry(`${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`, 60);
  await emulatorFault(server.url, {
    operation: "CreateOAuth2Token",
    count: 1,
    delayMs: 1500,
  });
  const served = await startServe(home.env);
  const inflight = fetch(served.url, {
    headers: { authorization: served.token },
  });
  await new Promise((r) => setTimeout(r, 500));
  served.proc.kill("SIGTERM");
  const response = await inflight;
  assert.equal(response.status, 200);
  assert.match((await response.json()).AccessKeyId, /^ASIA/);
  const result = await served.proc.finish();
  assert.equal(result.code, 0, result.stderr);
  await assert.rejects(fetch(served.url));
});

Deno.test("a non-loopback --host is warned about", async () => {
  const result = await runCliProcess(
    ["serve", "--host", "192.0.2.1", "--port", "0"],
    {
      HOME: "/nonexistent",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    },
  );
  assert.match(
    result.stderr,
    /^aws-signin: \[WARNING\]: The credential server listens on 192\.0\.2\.1, which is not a loopback address/,
  );
  assert.equal(result.code, 253);
});

Deno.test("serve a role profile: the SDK gets the assumed role's credentials", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n`,
  );
  const served = await startServe(home.env, "admin");
  try {
    const js = await runSdkScript("_sdk_http_credentials.ts", [], {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: served.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: served.token,
    });
    const exported = JSON.parse(
      (await runCliProcess(
        ["configure", "export-credentials", "--profile", "admin"],
        home.env,
      )).stdout,
    );
    assert.equal(js.accessKeyId, exported.AccessKeyId);
    assert.deepEqual(calls(server), ["AssumeRole/200"]);
  } finally {
    served.proc.kill("SIGTERM");
    await served.proc.finish();
  }
});

Deno.test("a session that ended is remembered: one refresh call and one warning for many requests, until a new login", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const served = await startServe(home.env);
  const auth = { authorization: served.token };
  try {
    await ageEntry(`${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`, -60);
    await emulatorFault(server.url, {
      operation: "CreateOAuth2Token",
      count: 1,
      error: "TOKEN_EXPIRED",
      message: "The session has ended.",
    });
    for (let i = 0; i < 6; i++) {
      const ended = await fetch(served.url, { headers: auth });
      assert.equal(ended.status, 500);
      assert.match((await ended.json()).Message, /session has expired/);
    }
    assert.deepEqual(calls(server), ["CreateOAuth2Token/401"]);
    // A new login: served again, at once (no refresh needed).
    await loginThrough(server.url, home);
    const back = await fetch(served.url, { headers: auth });
    assert.equal(back.status, 200);
    assert.match((await back.json()).AccessKeyId, /^ASIA/);
  } finally {
    served.proc.kill("SIGTERM");
    const result = await served.proc.finish();
    assert.equal(
      result.stderr.match(/\[WARNING\]: Your session has expired/g)?.length,
      1,
      result.stderr,
    );
  }
});

Deno.test("Sign-In failing for a while: cached credentials are served and the refresh waits for a back-off", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const served = await startServe(home.env);
  const auth = { authorization: served.token };
  try {
    await ageEntry(`${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`, 120);
    await emulatorFault(server.url, {
      operation: "CreateOAuth2Token",
      count: 50,
      status: 503,
      error: "server_error",
    });
    const keys = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const answer = await fetch(served.url, { headers: auth });
      assert.equal(answer.status, 200);
      keys.add((await answer.json()).AccessKeyId);
    }
    assert.equal(keys.size, 1, "the cached credentials, while they are valid");
    const refreshes = calls(server);
    assert.ok(
      refreshes.length >= 1 && refreshes.length <= 3 &&
        refreshes.every((c) => c === "CreateOAuth2Token/503"),
      `one refresh (with the client's own retries) for six requests: ${refreshes}`,
    );
  } finally {
    served.proc.kill("SIGTERM");
    const result = await served.proc.finish();
    assert.equal(
      result.stderr.match(/\[WARNING\]: Could not get fresh credentials/g)
        ?.length,
      1,
      result.stderr,
    );
    assert.match(
      result.stderr,
      /trying again in \d+ s; serving the cached credentials/,
    );
  }
});

Deno.test("long-term keys: serve and exec say once that they never expire", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
  await Deno.writeTextFile(
    home.credentials,
    "[static]\naws_access_key_id = AKIASTATICSTATIC0001\naws_secret_access_key = s\n",
  );
  const served = await startServe(home.env, "static");
  try {
    for (let i = 0; i < 3; i++) {
      const r = await fetch(served.url, {
        headers: { authorization: served.token },
      });
      const body = await r.json();
      assert.equal(body.AccessKeyId, "AKIASTATICSTATIC0001");
      assert.equal(body.Expiration, undefined);
    }
  } finally {
    served.proc.kill("SIGTERM");
    const result = await served.proc.finish();
    assert.equal(
      result.stderr.match(/never expire/g)?.length,
      1,
      result.stderr,
    );
  }
  for (const server of [[], ["--server"]]) {
    const exec = await runCliProcess(
      ["exec", "--profile", "static", ...server, "--", "true"],
      home.env,
    );
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stderr.match(/never expire/g)?.length, 1, exec.stderr);
  }
});
