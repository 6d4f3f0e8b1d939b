/**
 * What `sso login` prints with `--no-browser`, both flows, and how it polls
 * for a device code (S5's polling parity), the AWS CLI v2 (run from
 * source) beside aws-signin against the emulator: the same bytes apart from
 * the URL (aws-signin's one-time local link in the authorization code flow)
 * and the code; the same CreateToken calls while the code waits (the first
 * attempt before anything is printed, `AuthorizationPendingException`,
 * `SlowDownException` when polled too fast, then the token). Skipped unless
 * `AWS_SIGNIN_AWSCLI_V2` names a checkout.
 */
import assert from "node:assert/strict";
import { spawnAwsCliV2 } from "../../dev/awscli_v2/awscli.ts";
import { spawnCli } from "../../dev/interactive.ts";
import type { Interactive } from "../../dev/interactive.ts";
import { eventually, ROOT, runProcess } from "../helpers.ts";
import { cliTest, type Sandbox, sandbox, START_URL } from "./_awscli_v2.ts";

type Tool = "aws" | "aws-signin";

function start(box: Sandbox, tool: Tool, args: readonly string[]): Interactive {
  const env = { ...box.env, BROWSER: "false %s" };
  return tool === "aws" ? spawnAwsCliV2(args, env) : spawnCli(args, env);
}

/** Opens `url` as the stand-in browser does (cookies kept, redirects followed to the callback). */
async function openAsBrowser(url: string): Promise<void> {
  const r = await runProcess(Deno.execPath(), [
    "run",
    "-A",
    "--quiet",
    `${ROOT}/tests/emulator/_sso_browser.ts`,
    "approve",
    url,
  ], { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" });
  assert.equal(r.code, 0, r.stderr);
}

/** The CreateToken calls of the device grant, as `status error` lines, and when each came (ms). */
async function devicePolls(
  box: Sandbox,
): Promise<{ lines: string[]; times: number[] }> {
  const log = await (await fetch(`${box.url}/_emulator/requests`)).json() as {
    operation: string;
    grantType?: string;
    status: number;
    error?: string;
    time: string;
  }[];
  const polls = log.filter((e) =>
    e.operation === "CreateToken" && e.grantType?.endsWith("device_code")
  );
  return {
    lines: polls.map((e) => `${e.status} ${e.error ?? ""}`.trim()),
    times: polls.map((e) => Date.parse(e.time)),
  };
}

Deno.test(cliTest(
  "sso login --no-browser, authorization code: the same text, the URL aside (the AWS CLI's authorize URL, aws-signin's one-time link)",
  async () => {
    const out: Record<Tool, string> = { aws: "", "aws-signin": "" };
    for (const tool of ["aws", "aws-signin"] as const) {
      await using box = await sandbox();
      const proc = start(box, tool, [
        "sso",
        "login",
        "--profile",
        "dev",
        "--no-browser",
      ]);
      const [, url] = await proc.waitForStdout(/\n\n(http:\/\/\S+)\n/, 30_000);
      await openAsBrowser(url!);
      const result = await proc.finish(30_000);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, "");
      out[tool] = result.stdout.replace(url!, "URL");
    }
    assert.equal(
      out.aws,
      "Browser will not be automatically opened.\nPlease visit the following URL:\n\nURL\n" +
        `Successfully logged into Start URL: ${START_URL}\n`,
    );
    assert.equal(out["aws-signin"], out.aws);
  },
));

Deno.test(cliTest(
  "sso login --no-browser --use-device-code: the same bytes (page, code, autofill URL); the same polls: pending, slow down (the interval grows by 5 s), the token",
  async () => {
    const out: Record<Tool, string> = { aws: "", "aws-signin": "" };
    const polls: Record<Tool, string[]> = { aws: [], "aws-signin": [] };
    for (const tool of ["aws", "aws-signin"] as const) {
      await using box = await sandbox({ autoApprove: false });
      const proc = start(box, tool, [
        "sso",
        "login",
        "--profile",
        "dev",
        "--no-browser",
        "--use-device-code",
      ]);
      const [, code] = await proc.waitForStdout(
        /\n\n([A-Z]{4}-[A-Z]{4})\n/,
        30_000,
      );
      const polled = (n: number) =>
        eventually(
          async () => (await devicePolls(box)).lines.length >= n,
          30_000,
        );
      // Two polls at once (one before anything is printed); then the service says "slow down" once,
      // and the code is approved: the poll after the slow down comes 1 + 5 s later and gets the token.
      assert.ok(
        await polled(2),
        `${tool} polled: ${(await devicePolls(box)).lines}`,
      );
      await box.control("faults", {
        operation: "CreateToken",
        error: "SlowDownException",
        message: "Client is polling too quickly",
      });
      assert.ok(
        await polled(3),
        `${tool} polled: ${(await devicePolls(box)).lines}`,
      );
      await box.control("sso/device", { userCode: code });
      const result = await proc.finish(30_000);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, "");
      out[tool] = result.stdout.replaceAll(code!, "CODE");
      const { lines, times } = await devicePolls(box);
      polls[tool] = lines;
      const slowDown = lines.indexOf("400 SlowDownException");
      const gap = times[slowDown + 1]! - times[slowDown]!;
      assert.ok(
        gap >= 5_500,
        `${tool} waited ${gap} ms after SlowDownException (1 s + 5 s)`,
      );
    }
    assert.equal(
      out.aws.replaceAll(/http:\/\/127\.0\.0\.1:\d+/g, "BASE"),
      "Browser will not be automatically opened.\nPlease visit the following URL:\n\nBASE/device\n\n" +
        "Then enter the code:\n\nCODE\n\n" +
        "Alternatively, you may visit the following URL which will autofill the code upon loading:\n" +
        "BASE/device?user_code=CODE\n" +
        `Successfully logged into Start URL: ${START_URL}\n`,
    );
    assert.equal(
      out["aws-signin"].replaceAll(/http:\/\/127\.0\.0\.1:\d+/g, "BASE"),
      out.aws.replaceAll(/http:\/\/127\.0\.0\.1:\d+/g, "BASE"),
    );
    assert.deepEqual(polls.aws, [
      "400 AuthorizationPendingException",
      "400 AuthorizationPendingException",
      "400 SlowDownException",
      "200",
    ]);
    assert.deepEqual(polls["aws-signin"], polls.aws);
  },
));
