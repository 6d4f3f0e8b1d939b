/**
 * Hardening II, 11 and 12: aws-signin's own `credential_process`, answered in
 * this process, behaves as the process would: it trusts its own profile's CA
 * bundle, and when it fails (a refused refresh) that is the answer, with the
 * process's message: no process is started to refresh a second time.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { makeTestCa } from "../_net.ts";
import {
  ageEntry,
  baseEnv,
  cliCommand,
  DEMO_SESSION,
  emulatorFault,
  loginThrough,
  runCliProcess,
  sha256HexSync,
  tempHome,
} from "../helpers.ts";
import { shlexQuote } from "../../lib/util/shlex.ts";
import { needs } from "../_platform.ts";

const ENTRY = `${sha256HexSync(DEMO_SESSION)}.json`;

function refreshes(
  server: { emulator: { requests: readonly { operation: string }[] } },
) {
  return server.emulator.requests.filter((r) =>
    r.operation === "CreateOAuth2Token"
  ).length;
}

Deno.test(
  needs(
    "fileModes",
    "a refused refresh inside the own credential_process is the answer, once, with the message the process prints",
  ),
  async () => {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    await loginThrough(server.url, home);
    // aws-signin on PATH: where the process would be started from.
    await Deno.mkdir(`${home.dir}/bin`);
    const { cmd, args } = cliCommand([]);
    await Deno.writeTextFile(
      `${home.dir}/bin/aws-signin`,
      `#!/bin/sh\nexec ${[cmd, ...args].map(shlexQuote).join(" ")} "$@"\n`,
      { mode: 0o755 },
    );
    await Deno.writeTextFile(
      home.config,
      `${await Deno.readTextFile(home.config)}region = us-east-1\n\n` +
        "[profile own]\ncredential_process = aws-signin configure export-credentials --profile dev\n\n" +
        "[profile shell]\ncredential_process = sh -c 'exec aws-signin configure export-credentials --profile dev'\n",
    );
    const env = {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      PATH: `${home.dir}/bin:${baseEnv().PATH}`,
    };
    const before = refreshes(server);
    await ageEntry(`${home.cache}/${ENTRY}`, -60);
    await emulatorFault(server.url, {
      operation: "CreateOAuth2Token",
      count: 10,
      error: "TOKEN_EXPIRED",
      message: "The refresh token has expired.",
    });
    const own = await runCliProcess(
      ["configure", "export-credentials", "--profile", "own"],
      env,
    );
    assert.equal(refreshes(server) - before, 1, "one refresh, in this process");
    // The same through a real process (a command line aws-signin does not recognise as its own).
    const shell = await runCliProcess(
      ["configure", "export-credentials", "--profile", "shell"],
      env,
    );
    assert.equal(refreshes(server) - before, 2);
    assert.equal(own.code, shell.code);
    assert.equal(own.stdout, "");
    assert.equal(own.stderr, shell.stderr);
    assert.equal(
      own.stderr,
      "aws-signin: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: Error when retrieving credentials from " +
        "custom-process: aws-signin: [ERROR]: Your session has expired. Please reauthenticate using " +
        "'aws-signin login --profile dev'.\n",
    );
  },
);

Deno.test("the own credential_process answered in this process trusts its own profile's ca_bundle", async () => {
  await using ca = await makeTestCa();
  await using other = await makeTestCa();
  await using server = await startEmulator({
    autoApprove: true,
    tls: { cert: ca.cert, key: ca.key },
  });
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    `[profile dev]\nca_bundle = ${ca.caFile}\n`,
  );
  const login = await runCliProcess(
    ["login", "--profile", "dev", "--region", "us-east-1"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      BROWSER: (await import("../helpers.ts")).standInBrowser("approve", {
        trustCa: ca.caFile,
      }),
    },
  );
  assert.equal(login.code, 0, login.stderr);
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(
      home.config,
    )}\n[profile outer]\nca_bundle = ${other.caFile}\n` +
      "credential_process = aws-signin configure export-credentials --profile dev\n",
  );
  const old = JSON.parse(await ageEntry(`${home.cache}/${ENTRY}`, 60));
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "outer", "--debug"],
    { ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url, PATH: "/nonexistent" },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /resolved in this process/);
  assert.notEqual(
    JSON.parse(result.stdout).AccessKeyId,
    old.accessToken.accessKeyId,
    "refreshed, trusting dev's CA",
  );
});
