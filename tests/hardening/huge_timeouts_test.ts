/**
 * Hardening III: a timer cannot wait more than 2^31 - 1 ms (about 24.8
 * days); a longer delay fires at once. A timeout flag above that is a usage
 * error (252) that names the limit, never a timeout at once; the limit
 * itself waits; and the helper that arms timers waits as long as it is told.
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  emulatorFault,
  eventually,
  loginThrough,
  readOrNull,
  runCliProcess,
  standInBrowser,
  tempHome,
} from "../helpers.ts";

const KEYS = {
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_REGION: "us-east-1",
};

Deno.test("--cli-read-timeout and --cli-connect-timeout above 2147483 seconds are usage errors; the limit itself waits", async () => {
  await using server = await startEmulator();
  await using home = await tempHome();
  const env = { ...home.env, ...KEYS, AWS_ENDPOINT_URL_STS: server.url };
  const sts = (args: string[]) =>
    runCliProcess(["sts", "get-caller-identity", ...args], env);
  for (const flag of ["--cli-read-timeout", "--cli-connect-timeout"]) {
    for (const value of ["3000000", "2147483.648", "99999999999999999999"]) {
      const seen = server.emulator.requests.length;
      const result = await sts([flag, value]);
      assert.equal(result.code, 252, `${flag} ${value}: ${result.stderr}`);
      assert.equal(
        result.stderr,
        `aws-signin: [ERROR]: An error occurred (ParamValidation): Invalid value "${value}" for "${flag}": expected a number of seconds from 0 to ` +
          `2147483 (about 24 days; 0 waits for ever).\n`,
        `${flag} ${value}`,
      );
      assert.equal(server.emulator.requests.length, seen, "no call was made");
    }
    // The longest value a timer takes: the slow answer is waited for (254: the emulator does not know the keys).
    await emulatorFault(server.url, {
      operation: "GetCallerIdentity",
      count: 1,
      delayMs: 1500,
    });
    const patient = await sts([flag, "2147483.647"]);
    assert.equal(patient.code, 254, `${flag}: ${patient.stderr}`);
    assert.match(patient.stderr, /InvalidClientTokenId/);
  }
});

Deno.test("--auto-login-timeout above 2147483 seconds is a usage error; the limit itself waits for the browser", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await loginThrough(server.url, home);
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
    AWS_ENDPOINT_URL_STS: server.url,
    BROWSER: standInBrowser("record"),
    BROWSER_RECORD: `${home.dir}/url`,
  };
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(home.config)}region = us-east-1\n`,
  );
  // The session ends: the next export signs in again.
  const r = await fetch(`${server.url}/_emulator/revoke`, {
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/json" },
  });
  await r.body?.cancel();
  const due = JSON.parse(await Deno.readTextFile(await onlyEntry(home.cache)));
  due.accessToken.expiresAt = "2000-01-01T00:00:00Z";
  await Deno.writeTextFile(await onlyEntry(home.cache), JSON.stringify(due));
  const message = (value: string) =>
    `aws-signin: [ERROR]: An error occurred (ParamValidation): Invalid value "${value}" for "--auto-login-timeout": expected a whole number of ` +
    `seconds from 1 to 2147483 (about 24 days).\n`;
  for (
    const argv of [
      ["configure", "export-credentials", "--profile", "dev", "--auto-login"],
      ["configure", "export-credentials", "--profile", "dev"],
      ["exec", "--profile", "dev", "--auto-login"],
      ["serve", "--profile", "dev", "--auto-login"],
      ["sts", "get-caller-identity", "--profile", "dev", "--auto-login"],
    ]
  ) {
    const value = "3000000";
    const result = await runCliProcess(
      [
        ...argv,
        "--auto-login-timeout",
        value,
        ...(argv[0] === "exec" ? ["--", "true"] : []),
      ],
      env,
    );
    assert.equal(result.code, 252, `${argv.join(" ")}: ${result.stderr}`);
    assert.equal(result.stderr, message(value), argv.join(" "));
    assert.equal(await readOrNull(`${home.dir}/url`), null, "no browser");
  }
  // aws-signin's own export as a credential_process, answered in this process when it can be: not with such a wait.
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(
      home.config,
    )}\n[profile tool]\ncredential_process = ` +
      "aws-signin configure export-credentials --profile dev --auto-login --auto-login-timeout 3000000\n",
  );
  const tool = await runCliProcess(
    ["configure", "export-credentials", "--profile", "tool"],
    { ...env, PATH: "/nonexistent" },
  );
  assert.notEqual(tool.code, 0);
  assert.doesNotMatch(tool.stderr, /Timed out|signing in again/);
  assert.equal(await readOrNull(`${home.dir}/url`), null, "no browser");
  // The limit: the sign-in starts and waits (the browser only records the URL).
  const proc = spawnCli([
    "configure",
    "export-credentials",
    "--profile",
    "dev",
    "--auto-login",
    "--auto-login-timeout",
    "2147483",
  ], env);
  try {
    assert.ok(
      await eventually(async () =>
        (await readOrNull(`${home.dir}/url`)) !== null
      ),
      "the browser opened",
    );
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    proc.kill("SIGTERM");
  }
  const ended = await proc.finish(10_000);
  assert.doesNotMatch(ended.stderr, /Timed out/);
  assert.match(ended.stderr, /waiting up to 2147483 s/);
  assert.notEqual(ended.code, 0);
});

async function onlyEntry(dir: string): Promise<string> {
  const names = (await Array.fromAsync(Deno.readDir(dir)))
    .map((e) => e.name).filter((n) => n.endsWith(".json"));
  assert.equal(names.length, 1, names.join(", "));
  return `${dir}/${names[0]}`;
}
