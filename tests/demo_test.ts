/** The README's first command: the demo runs end to end and ends with its summary. */
import assert from "node:assert/strict";
import { baseEnv, ROOT, runProcess } from "./helpers.ts";

Deno.test("deno task demo runs the main job end to end against the emulator", async () => {
  const result = await runProcess(Deno.execPath(), [
    "run",
    "-A",
    "scripts/demo.ts",
  ], {
    ...baseEnv(),
    HOME: Deno.env.get("HOME") ?? "/nonexistent",
  }, { cwd: ROOT, timeoutMs: 120_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /\$ aws-signin login --profile demo/);
  assert.match(
    result.stdout,
    /Updated profile demo to use arn:aws:iam::111122223333:user\/demo credentials\./,
  );
  assert.match(
    result.stdout,
    /\nDemo finished: \d+ steps, 2 logins, 1 refresh and 1 STS call against the local emulator in [\d.]+ s, no AWS account, no network\.\n$/,
  );
});
