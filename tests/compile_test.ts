/** `deno task compile` where Deno's compile runtime cannot be downloaded: one clear line and exit 1, no stack trace. */
import assert from "node:assert/strict";
import { ROOT, runProcess } from "./helpers.ts";

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
