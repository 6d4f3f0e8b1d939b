/** The README's first command: the demo runs end to end and ends with its summary. */
import assert from "node:assert/strict";
import { baseEnv, ROOT, runProcess } from "./helpers.ts";

Deno.test("the demo (deno run -A scripts/demo.ts, the README's first command) runs the main job end to end against the emulator", async () => {
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
    /\$ aws-signin sso login --profile team [^\n]*\n[\s\S]*Successfully logged into Start URL: https:\/\/d-1234567890\.awsapps\.com\/start\n/,
  );
  assert.match(
    result.stdout,
    /\n {4}arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_ReadOnly_[0-9a-f]{16}\/demo\n/,
  );
  assert.match(
    result.stdout,
    /\nDemo finished: \d+ steps, 2 logins, 1 IAM Identity Center sign-in, 1 refresh and 2 STS calls against the local emulator in [\d.]+ s, no AWS account, no network\.\n$/,
  );
});
