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
  cliCommand,
  DEMO_SESSION,
  emulatorFault,
  eventually,
  hasBotocoreLogin,
  listDir,
  loginThrough,
  readOrNull,
  ROOT,
  runCliProcess,
  runProcess,
  runSdkScript,
  sha256HexSync,
  tempHome,
} from "../helpers.ts";
import { ADMIN, calls, roleEmulator, roleHome } from "../roles/_setup.ts";
import { needs } from "../_platform.ts";

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

Deno.test(
  needs(
    "fileModes",
    "serve --env-file writes the two lines to a new 0600 file (whatever the umask), never through a link, removed when serve stops",
  ),
  async () => {
    await using server = await roleEmulator();
    await using home = await roleHome(server, "");
    const file = `${home.dir}/serve.env`;
    const proc = spawnCli(
      ["serve", "--profile", "dev", "--env-file", file],
      home.env,
      {
        umask: "000",
      },
    );
    assert.ok(await eventually(async () => (await readOrNull(file)) !== null));
    try {
      assert.equal((await Deno.lstat(file)).mode! & 0o777, 0o600);
      const text = await Deno.readTextFile(file);
      const [, url, token] = text.match(EXPORTS)!;
      const answer = await fetch(url!, { headers: { authorization: token! } });
      assert.equal(answer.status, 200);
      await answer.body?.cancel();
      // Refused: a file or a link already there (the link's target is untouched).
      await Deno.writeTextFile(`${home.dir}/target`, "keep\n");
      await Deno.symlink(`${home.dir}/target`, `${home.dir}/link.env`);
      for (const taken of [file, `${home.dir}/link.env`]) {
        const refused = await runCliProcess(
          ["serve", "--profile", "dev", "--env-file", taken],
          home.env,
        );
        assert.equal(refused.code, 253, refused.stderr);
        assert.match(refused.stderr, /it already exists \(a file or a link\)/);
        assert.equal(refused.stdout, "");
      }
      assert.equal(await Deno.readTextFile(`${home.dir}/target`), "keep\n");
      assert.equal(await Deno.readTextFile(file), text);
    } finally {
      proc.kill("SIGTERM");
    }
    const result = await proc.finish();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "", "the token is not printed");
    assert.match(
      result.stderr,
      /Wrote AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN to /,
    );
    assert.equal(await readOrNull(file), null, "removed when serve stopped");
    assert.deepEqual(
      (await listDir(home.dir)).filter((n) => n.includes(".tmp")),
      [],
    );
  },
);

Deno.test(
  needs(
    "signals",
    "the recipe in serve's documentation runs, loads the two variables, and returns",
  ),
  async () => {
    await using server = await roleEmulator();
    await using home = await roleHome(server, "");
    const doc = await Deno.readTextFile(`${ROOT}/lib/commands/serve.ts`);
    const recipe = doc.match(/```sh\n([\s\S]*?)```/)![1]!.split("\n")
      .map((l) => l.replace(/^ \* ?/, ""))
      .filter((l) => l.startsWith("aws-signin") || l.startsWith("until"))
      .join("\n");
    assert.match(recipe, /--env-file serve\.env &\nuntil /);
    await Deno.mkdir(`${home.dir}/bin`);
    await Deno.writeTextFile(
      `${home.dir}/bin/aws-signin`,
      `#!/bin/sh\nexec ${cliCommand([]).cmd} ${
        cliCommand([]).args.map((a) => `'${a}'`).join(" ")
      } "$@"\n`,
      { mode: 0o755 },
    );
    const result = await runProcess("bash", [
      "-c",
      `${recipe.replace("--port 9911", "--port 0")}
"$0" eval 'const r = await fetch(Deno.env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"), { headers: { authorization: Deno.env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN") } }); console.log(r.status)'
kill %1; wait`,
      Deno.execPath(),
    ], {
      ...baseEnv(),
      ...home.env,
      PATH: `${home.dir}/bin:${baseEnv().PATH}`,
    }, { cwd: home.dir, timeoutMs: 30_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "200\n");
    assert.equal(await readOrNull(`${home.dir}/serve.env`), null);
  },
);

Deno.test("100 concurrent requests when a refresh is due: all answered, one CreateOAuth2Token", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const served = await startServe(home.env);
  try {
    await ageEntry(`${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`, 60);
    const answers = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const r = await fetch(served.url, {
          headers: { authorization: served.token },
        });
        return [r.status, (await r.json()).AccessKeyId] as const;
      }),
    );
    assert.ok(answers.every(([status]) => status === 200));
    assert.equal(new Set(answers.map(([, key]) => key)).size, 1);
    assert.deepEqual(calls(server), ["CreateOAuth2Token(refresh_token)/200"]);
  } finally {
    served.proc.kill("SIGTERM");
    await served.proc.finish();
  }
});
