/** `aws-signin emulator` as a process: its URL line, clean stop on SIGTERM/SIGINT, the request log. */
import assert from "node:assert/strict";
import { needs } from "../_platform.ts";
import { baseEnv, cliCommand, tempHome } from "../helpers.ts";

async function startProcess(args: string[], env: Record<string, string>) {
  const { cmd, args: full } = cliCommand(["emulator", ...args]);
  const child = new Deno.Command(cmd, {
    args: full,
    env: { ...baseEnv(), ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const deadline = Date.now() + 15_000;
  while (!buffer.includes("\n")) {
    if (Date.now() > deadline) {
      throw new Error("the emulator did not print its URL within 15 s");
    }
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
  }
  return { child, firstLine: buffer, reader };
}

Deno.test({
  ...needs(
    "signals",
    "prints exactly its URL, serves, and stops cleanly on SIGTERM within a second",
  ),
  fn: async () => {
    await using home = await tempHome();
    const { child, firstLine, reader } = await startProcess(
      ["--auto-approve"],
      home.env,
    );
    assert.match(firstLine, /^http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = firstLine.trim();
    const res = await fetch(`${url}/_emulator/requests`);
    assert.deepEqual(await res.json(), []);
    const started = performance.now();
    child.kill("SIGTERM");
    const [status, rest] = await Promise.all([
      child.status,
      (async () => {
        let text = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return text;
          text += value;
        }
      })(),
    ]);
    const stderr = await new Response(child.stderr).text();
    assert.ok(
      performance.now() - started < 1000,
      `took ${performance.now() - started} ms`,
    );
    assert.equal(status.code, 0, stderr);
    assert.equal(rest, "", "nothing after the URL line");
    assert.equal(stderr, "");
  },
});

Deno.test({
  ...needs("signals", "SIGINT stops it too"),
  fn: async () => {
    await using home = await tempHome();
    const { child, reader } = await startProcess([], home.env);
    child.kill("SIGINT");
    const status = await child.status;
    await reader.cancel();
    await child.stderr.cancel();
    assert.equal(status.code, 0);
  },
});

Deno.test("port 0 never collides when several start at once", async () => {
  await using home = await tempHome();
  const started = await Promise.all(
    [1, 2, 3, 4].map(() => startProcess(["--auto-approve"], home.env)),
  );
  const urls = started.map((s) => s.firstLine.trim());
  assert.equal(new Set(urls).size, 4);
  for (const s of started) {
    s.child.kill("SIGTERM");
    await s.child.status;
    await s.reader.cancel();
    await s.child.stderr.cancel();
  }
});

Deno.test("--request-log appends one JSON object per request, without secrets", async () => {
  await using home = await tempHome();
  const log = `${home.dir}/requests.jsonl`;
  const { child, firstLine, reader } = await startProcess([
    "--request-log",
    log,
  ], home.env);
  const url = firstLine.trim();
  await (await fetch(`${url}/v1/token`, { method: "POST", body: "{}" })).body
    ?.cancel();
  await (await fetch(`${url}/v1/authorize?response_type=code`)).body?.cancel();
  child.kill("SIGTERM");
  await child.status;
  await reader.cancel();
  await child.stderr.cancel();
  const lines = (await Deno.readTextFile(log)).trimEnd().split("\n").map((l) =>
    JSON.parse(l)
  );
  assert.deepEqual(
    lines.map((l) => [l.method, l.path, l.operation, l.status, l.error]),
    [
      ["POST", "/v1/token", "CreateOAuth2Token", 400, "INVALID_REQUEST"],
      ["GET", "/v1/authorize", "Authorize", 400, "INVALID_REQUEST"],
    ],
  );
  assert.match(lines[0].time, /^\d{4}-\d\d-\d\dT/);
});

Deno.test("bad flags are usage errors", async () => {
  await using home = await tempHome();
  const { cmd, args } = cliCommand(["emulator", "--port", "99999"]);
  const out = await new Deno.Command(cmd, {
    args,
    env: { ...baseEnv(), ...home.env },
    clearEnv: true,
  }).output();
  assert.equal(out.code, 252);
  assert.match(
    new TextDecoder().decode(out.stderr),
    /Invalid value "99999" for "--port"/,
  );
});
