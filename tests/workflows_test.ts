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
