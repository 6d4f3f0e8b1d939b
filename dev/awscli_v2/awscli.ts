/**
 * Runs the AWS CLI v2 from a source checkout (aws/aws-cli's `v2` branch),
 * for the interop tests that compare it with aws-signin: the checkout is
 * named by `AWS_SIGNIN_AWSCLI_V2`, and the few packages it needs that are
 * not installed here (awscrt, distro, ruamel.yaml) come from the stand-ins
 * in `py/` beside this file. Nothing of the AWS CLI is in this repository.
 *
 * @example
 * ```ts
 * import { AWSCLI_V2, runAwsCliV2 } from "./awscli.ts";
 * if (AWSCLI_V2) {
 *   const r = await runAwsCliV2(["--version"], { HOME: "/tmp/home" });
 *   r.stdout; // "aws-cli/2.36.7 Python/3.11.7 ..."
 * }
 * ```
 * @module
 */

import { baseEnv, pathOfUrl, runProcess, type RunResult } from "../process.ts";
import { type Interactive, spawnProcess } from "../interactive.ts";
import { shlexQuote } from "../../lib/util/shlex.ts";

/** This folder (the runner script, the stand-ins and the pty driver). */
export const HARNESS: string = pathOfUrl(new URL(".", import.meta.url))
  .replace(/\/$/, "");

/** The AWS CLI v2 source checkout from `AWS_SIGNIN_AWSCLI_V2`, when it names one (tests skip otherwise). */
export const AWSCLI_V2: string | undefined = (() => {
  const dir = Deno.env.get("AWS_SIGNIN_AWSCLI_V2");
  if (!dir) return undefined;
  try {
    return Deno.statSync(`${dir}/awscli/__init__.py`).isFile ? dir : undefined;
  } catch {
    return undefined;
  }
})();

/** The Python that runs it (`AWS_SIGNIN_PYTHON`, default `python3` on PATH). */
export const PYTHON: string = Deno.env.get("AWS_SIGNIN_PYTHON") ?? "python3";

/** Environment that makes `python3 -m awscli` the checkout's CLI: its source first, then the stand-ins. */
export function awsCliV2Env(source: string = requireSource()): Record<
  string,
  string
> {
  return {
    PYTHONPATH: `${source}:${HARNESS}/py`,
    // The CLI's own byte-code cache stays out of the checkout's folders.
    PYTHONDONTWRITEBYTECODE: "1",
    // What it prints arrives as it prints it (a test reads the URL while it waits).
    PYTHONUNBUFFERED: "1",
    AWS_PAGER: "",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

function requireSource(): string {
  if (!AWSCLI_V2) {
    throw new Error(
      "AWS_SIGNIN_AWSCLI_V2 does not name an AWS CLI v2 source checkout",
    );
  }
  return AWSCLI_V2;
}

/** Runs `aws ARGV` (the checkout's) with a clean environment plus `env` (give it a sandbox HOME). */
export async function runAwsCliV2(
  argv: readonly string[],
  env: Record<string, string>,
  options: { stdin?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return await runProcess(PYTHON, ["-m", "awscli", ...argv], {
    ...baseEnv(),
    ...awsCliV2Env(),
    ...env,
  }, { cwd: HARNESS, ...options });
}

/** Starts `aws ARGV` (the checkout's) to talk to while it runs (read the URL it prints, then finish it). */
export function spawnAwsCliV2(
  argv: readonly string[],
  env: Record<string, string>,
): Interactive {
  return spawnProcess(PYTHON, ["-m", "awscli", ...argv], {
    ...baseEnv(),
    ...awsCliV2Env(),
    ...env,
  }, { cwd: HARNESS });
}

/**
 * A `BROWSER` value for the AWS CLI that starts `command` (a command line
 * ending in `%s`) in the background with its output appended to `log`:
 * Python's webbrowser waits for the browser to exit, while the CLI answers
 * its callback only after that, so a stand-in browser that follows the
 * redirect to the callback must not be waited for (a real browser returns
 * at once too).
 */
export function backgroundBrowser(command: string, log: string): string {
  const inner = command.replace(/\s*%s$/, "");
  return `sh -c ${
    shlexQuote(`${inner} "$1" >>${shlexQuote(log)} 2>&1 &`)
  } browser %s`;
}

/** One prompt to wait for, and what to type then. */
export interface PtyStep {
  /** Matched against the screen text (escape sequences removed) after the previous step's match; end it before the prompt's final space. */
  readonly expect: RegExp;
  /** What to type (`\r` is Enter, `\x1b[B` the down arrow). */
  readonly send: string;
}

/** What a run in a pseudo-terminal gave. */
export interface PtyResult {
  readonly code: number;
  /** Everything the terminal showed, escape sequences and all. */
  readonly raw: string;
  /** The same without escape sequences and carriage returns. */
  readonly plain: string;
  /** The step that timed out (`exit`: the command did not end), or null. */
  readonly failed: { readonly step: number; readonly expect: string } | null;
}

/**
 * Runs `aws ARGV` (the checkout's) in a pseudo-terminal (py's pty_run.py),
 * answering its prompts with `steps`, as a person at a terminal would: how
 * `aws configure sso` is driven. `timeoutSeconds` bounds each step and the
 * exit.
 */
export async function runAwsCliV2InPty(
  argv: readonly string[],
  env: Record<string, string>,
  steps: readonly PtyStep[],
  timeoutSeconds = 30,
): Promise<PtyResult> {
  const script = JSON.stringify(
    steps.map((s) => ({ expect: s.expect.source, send: s.send })),
  );
  const result = await runProcess(PYTHON, [
    `${HARNESS}/pty_run.py`,
    script,
    String(timeoutSeconds),
    "--",
    PYTHON,
    "-m",
    "awscli",
    ...argv,
  ], {
    ...baseEnv(),
    ...awsCliV2Env(),
    TERM: "xterm",
    ...env,
  }, {
    cwd: HARNESS,
    timeoutMs: (steps.length + 2) * timeoutSeconds * 1000,
  });
  if (result.code !== 0) {
    throw new Error(`pty_run.py exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as PtyResult;
}
