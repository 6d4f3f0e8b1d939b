/**
 * The AWS CLI's TLS and connection options: `--ca-bundle` > `AWS_CA_BUNDLE`
 * > the profile's `ca_bundle` > `REQUESTS_CA_BUNDLE`, an empty or blank
 * value refused with the AWS CLI's message (exit 255), `--no-verify-ssl`
 * (with a warning every time), and `--cli-connect-timeout` /
 * `--cli-read-timeout` bounding every call, against the TLS emulator.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { makeTestCa } from "../_net.ts";
import { emulatorFault, runCliProcess, tempHome } from "../helpers.ts";

const KEYS = {
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_REGION: "us-east-1",
};

/** `sts get-caller-identity` with keys the emulator does not know: 254 proves the TLS call went through. */
function sts(
  env: Record<string, string>,
  args: string[] = [],
): ReturnType<typeof runCliProcess> {
  return runCliProcess(["sts", "get-caller-identity", ...args], {
    ...KEYS,
    ...env,
  });
}

const INVALID =
  "aws-signin: [ERROR]: Invalid CA bundle: the configured value (ca_bundle, AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, " +
  "or verify) resolved to an empty or whitespace-only string. Provide a valid path to a CA bundle file.\n";

Deno.test("the CA bundle in the AWS CLI's order, and an empty or blank one refused as the AWS CLI refuses it", async () => {
  await using ca = await makeTestCa();
  await using other = await makeTestCa();
  await using server = await startEmulator({
    tls: { cert: ca.cert, key: ca.key },
  });
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  const base = { ...home.env, AWS_ENDPOINT_URL_STS: server.url };
  const profile = async (bundle: string) =>
    await Deno.writeTextFile(
      home.config,
      `[default]\nca_bundle = ${bundle}\n`,
    );
  const through = (r: { code: number; stderr: string }) =>
    r.code === 254 && /InvalidClientTokenId/.test(r.stderr);
  const untrusted = (r: { code: number; stderr: string }) =>
    r.code === 255 && /TLS certificate could not be verified/.test(r.stderr);
  // Each source alone.
  assert.ok(through(await sts(base, ["--ca-bundle", ca.caFile])));
  assert.ok(through(await sts({ ...base, AWS_CA_BUNDLE: ca.caFile })));
  assert.ok(through(await sts({ ...base, REQUESTS_CA_BUNDLE: ca.caFile })));
  await profile(ca.caFile);
  assert.ok(through(await sts(base)));
  // The order: each one beats the ones after it.
  await profile(other.caFile);
  assert.ok(through(await sts({ ...base, AWS_CA_BUNDLE: ca.caFile })));
  assert.ok(
    through(
      await sts({ ...base, AWS_CA_BUNDLE: other.caFile }, [
        "--ca-bundle",
        ca.caFile,
      ]),
    ),
  );
  assert.ok(untrusted(await sts({ ...base, REQUESTS_CA_BUNDLE: ca.caFile })));
  await Deno.writeTextFile(home.config, "");
  assert.ok(untrusted(await sts(base)));
  // Empty or blank, wherever it comes from: the AWS CLI's error, exit 255.
  for (
    const [env, args] of [
      [{ AWS_CA_BUNDLE: "" }, []],
      [{ AWS_CA_BUNDLE: "   " }, []],
      [{ REQUESTS_CA_BUNDLE: "" }, []],
      [{}, ["--ca-bundle", " "]],
    ] as [Record<string, string>, string[]][]
  ) {
    assert.deepEqual(
      await sts({ ...base, ...env }, [...args, "--cli-error-format", "json"]),
      { code: 255, stdout: "", stderr: INVALID },
      JSON.stringify([env, args]),
    );
  }
  await profile("");
  assert.deepEqual(await sts(base), { code: 255, stdout: "", stderr: INVALID });
});

Deno.test("--no-verify-ssl calls a server whose certificate is not trusted, and says so every time", async () => {
  await using ca = await makeTestCa();
  await using server = await startEmulator({
    tls: { cert: ca.cert, key: ca.key },
  });
  await using home = await tempHome();
  for (let run = 0; run < 2; run++) {
    const result = await sts(
      { ...home.env, AWS_ENDPOINT_URL_STS: server.url },
      ["--no-verify-ssl"],
    );
    assert.equal(result.code, 254, result.stderr);
    assert.match(
      result.stderr,
      /^aws-signin: \[WARNING\]: Certificate verification is off \(--no-verify-ssl\): the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not checked/,
    );
    assert.match(result.stderr, /InvalidClientTokenId/);
  }
});

Deno.test("--cli-read-timeout bounds each call (0 waits for ever); --cli-connect-timeout bounds the connection", async () => {
  await using server = await startEmulator();
  await using home = await tempHome();
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: server.url };
  await emulatorFault(server.url, {
    operation: "GetCallerIdentity",
    count: 3,
    delayMs: 4000,
  });
  const started = Date.now();
  const slow = await sts(env, ["--cli-read-timeout", "1"]);
  assert.equal(slow.code, 255, slow.stderr);
  assert.match(
    slow.stderr,
    /^aws-signin: \[ERROR\]: Read timeout on endpoint URL: "http:\/\/127\.0\.0\.1:\d+\/"/,
  );
  assert.ok(
    Date.now() - started < 4000 * 3,
    "each attempt gave up after a second",
  );
  await emulatorFault(server.url, {
    operation: "GetCallerIdentity",
    count: 1,
    delayMs: 1500,
  });
  const patient = await sts(env, ["--cli-read-timeout", "0"]);
  assert.equal(patient.code, 254, patient.stderr);
  // A listener whose queue is full: connecting never finishes.
  const full = new Deno.Command("python3", {
    args: [
      "-c",
      "import socket,sys,time\ns=socket.socket();s.bind(('127.0.0.1',0));s.listen(0)\n" +
      "f=[]\nfor i in range(8):\n c=socket.socket();c.setblocking(False)\n try: c.connect(s.getsockname())\n" +
      " except BlockingIOError: pass\n f.append(c)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)",
    ],
    stdout: "piped",
  }).spawn();
  try {
    const reader = full.stdout.getReader();
    const { value } = await reader.read();
    reader.releaseLock();
    const port = new TextDecoder().decode(value).trim();
    const before = Date.now();
    const stuck = await sts(
      { ...home.env, AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` },
      ["--cli-connect-timeout", "1"],
    );
    assert.equal(stuck.code, 255, stuck.stderr);
    assert.match(
      stuck.stderr,
      /^aws-signin: \[ERROR\]: Connect timeout on endpoint URL: "http:\/\/127\.0\.0\.1:\d+\/"/,
    );
    assert.ok(Date.now() - before < 15_000);
  } finally {
    full.kill("SIGKILL");
    await full.status;
    await full.stdout.cancel().catch(() => {});
  }
  const bad = await sts(env, ["--cli-read-timeout", "soon"]);
  assert.equal(bad.code, 252);
  assert.match(bad.stderr, /Invalid value "soon" for "--cli-read-timeout"/);
});
