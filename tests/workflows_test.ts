/** Both GitHub workflows validate against the Actions schema (npm:@action-validator/cli), and read the pinned Deno. */
import assert from "node:assert/strict";
import { baseEnv, ROOT, runProcess } from "./helpers.ts";

for (const file of ["ci.yml", "release.yml"]) {
  Deno.test(`.github/workflows/${file} is a valid workflow that uses the pinned Deno`, async () => {
    const result = await runProcess(
      Deno.execPath(),
      [
        "run",
        "--allow-read",
        "--allow-env",
        "npm:@action-validator/cli@0.6.0",
        `.github/workflows/${file}`,
      ],
      { ...baseEnv(), HOME: Deno.env.get("HOME") ?? "" },
      { cwd: ROOT, timeoutMs: 120_000 },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const text = await Deno.readTextFile(`${ROOT}/.github/workflows/${file}`);
    assert.match(
      text,
      /deno-version: \$\{\{ steps\.deno\.outputs\.version \}\}/,
    );
    assert.match(text, /\.deno-version/);
  });
}

Deno.test("the README, .ci/run and the workflows agree on the pinned Deno version", async () => {
  const pin = (await Deno.readTextFile(`${ROOT}/.deno-version`)).trim();
  assert.match(pin, /^\d+\.\d+\.\d+$/);
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const commands = [...readme.matchAll(/npx -y deno@(\S+) task/g)].map((m) =>
    m[1]
  );
  assert.ok(commands.length >= 2);
  for (const v of commands) assert.equal(v, pin);
  assert.match(await Deno.readTextFile(`${ROOT}/.ci/run`), /\.deno-version/);
});

Deno.test("the release runs on runners GitHub still schedules, and runs the black-box suite on every platform", async () => {
  const text = await Deno.readTextFile(`${ROOT}/.github/workflows/release.yml`);
  // macos-13 was retired on 2025-12-04: a job on it is never scheduled.
  assert.doesNotMatch(text, /runner: macos-13\b/);
  for (const runner of ["macos-15-intel", "macos-14", "windows-2022"]) {
    assert.match(text, new RegExp(`runner: ${runner}\\n`), runner);
  }
  assert.match(text, /run: deno task test:black-box\n/);
  assert.doesNotMatch(text, /smoke/);
  // The binary is measured against a compiled empty program, and sizes reach the notes.
  assert.match(text, /AWS_SIGNIN_EMPTY_BIN=/);
  assert.match(text, /--notes-file release-notes\.md/);
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).tasks;
  const files = (tasks["test:black-box"] as string).split(" ").filter((w) =>
    w.endsWith("_test.ts")
  );
  assert.ok(files.length >= 7);
  for (const file of files) await Deno.stat(`${ROOT}/${file}`);
});
