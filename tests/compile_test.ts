/**
 * `deno task compile` where Deno's compile runtime cannot be downloaded: one
 * clear line and exit 1, no stack trace. And the entry it builds from, run
 * with `deno run` (the binary itself cannot be built on these machines).
 */
import assert from "node:assert/strict";
import {
  baseEnv,
  DEMO_SESSION,
  PERMISSIONS,
  ROOT,
  runProcess,
  sha256HexSync,
  tempHome,
} from "./helpers.ts";
import { compileEntrySource } from "../scripts/build.ts";

Deno.test("deno task compile without access to the compile runtime stops with one line", async () => {
  const denoDir = await Deno.makeTempDir({ prefix: "aws-signin-compile-" });
  try {
    const result = await runProcess(
      Deno.execPath(),
      [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-run",
        "--allow-env",
        "scripts/compile.ts",
        "--output",
        `${denoDir}/out/aws-signin`,
      ],
      {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "",
        DENO_DIR: denoDir, // no cached denort, and
        HTTPS_PROXY: "http://127.0.0.1:9", // no way to download one
        NO_COLOR: "1",
      },
      { cwd: ROOT, timeoutMs: 180_000 },
    );
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0]!,
      /^compile: deno compile could not download its runtime \(denort [\d.]+\) from dl\.deno\.land, which this machine cannot reach; build release binaries with \.github\/workflows\/release\.yml, or use "deno task bundle" for a one-file build\.$/,
    );
    assert.doesNotMatch(result.stderr, /Stack backtrace| {4}at /);
  } finally {
    await Deno.remove(denoDir, { recursive: true }).catch(() => {});
  }
});

Deno.test("the entry deno compile builds from runs the hot path and every command", async () => {
  await using home = await tempHome();
  await Deno.mkdir(home.cache, { recursive: true });
  await Deno.writeTextFile(
    home.config,
    `[profile dev]\nlogin_session = ${DEMO_SESSION}\nregion = us-east-1\n`,
  );
  await Deno.writeTextFile(
    `${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`,
    JSON.stringify({
      accessToken: {
        accessKeyId: "ASIAENTRY0000000001",
        secretAccessKey: "s",
        sessionToken: "t",
        accountId: "111122223333",
        expiresAt: "2099-01-01T00:00:00Z",
      },
      clientId: "arn:aws:signin:::devtools/same-device",
      refreshToken: "r",
      dpopKey: "k",
    }),
  );
  await Deno.mkdir(`${ROOT}/dist`, { recursive: true });
  const entry = `${ROOT}/dist/compile-entry-test.ts`;
  await Deno.writeTextFile(entry, compileEntrySource());
  try {
    const run = (args: string[]) =>
      runProcess(
        Deno.execPath(),
        ["run", "--quiet", ...PERMISSIONS, entry, ...args],
        { ...baseEnv(), ...home.env },
        { cwd: ROOT },
      );
    const version = await run(["--version"]);
    assert.match(version.stdout, /^aws-signin \d+\.\d+\.\d+\n$/);
    const exported = await run([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(
      JSON.parse(exported.stdout).AccessKeyId,
      "ASIAENTRY0000000001",
    );
    const list = await run(["configure", "list", "--profile", "dev"]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /access_key : \*{16}0001 +: login/);
  } finally {
    await Deno.remove(entry);
  }
});
