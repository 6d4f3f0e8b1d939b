/**
 * Recognising a `credential_process` that is aws-signin's own
 * `configure export-credentials` (the usual bridge for tools that do not read
 * `login_session`), so it can be answered in this process instead of
 * starting another one: the same credentials, a process start saved.
 *
 * @example
 * ```ts
 * ownExportCommand("aws-signin configure export-credentials --profile dev");
 * // { profile: "dev" }
 * ownExportCommand("/usr/local/bin/other-tool --profile dev"); // undefined
 * ```
 * @module
 */

import { shlexSplit } from "../util/shlex.ts";
import { MAX_TIMER_SECONDS } from "../util/sleep.ts";

/** The command line split as the process provider splits it. */
export function splitCommandLine(commandLine: string): string[] | undefined {
  return Deno.build.os === "windows"
    ? commandLine.match(/"[^"]*"|\S+/g)?.map((a) => a.replace(/^"|"$/g, ""))
    : shlexSplit(commandLine);
}

/** An `--auto-login-timeout` the command accepts (else the command itself is run, and says why not). */
function validTimeout(value: string): boolean {
  return /^[1-9]\d*$/.test(value) && Number(value) <= MAX_TIMER_SECONDS;
}

function isOurs(program: string): boolean {
  const base = program.split(/[\\/]/).pop()!.toLowerCase();
  if (base === "aws-signin" || base === "aws-signin.exe") return true;
  // The compiled binary, named by its own path.
  return program.includes("/") || program.includes("\\")
    ? program === Deno.execPath()
    : false;
}

/** What an own `configure export-credentials` command line asks for. */
export interface OwnExport {
  /** `--profile` (undefined: the default selection). */
  readonly profile?: string;
  /** `--auto-login`. */
  readonly autoLogin?: boolean;
  /** `--auto-login-timeout`, in milliseconds. */
  readonly autoLoginTimeoutMs?: number;
}

/**
 * What an own `aws-signin configure export-credentials [--profile P]
 * [--format process] [--auto-login] [--auto-login-timeout N]` command line
 * asks for, or `undefined` for any other command line.
 */
export function ownExportCommand(
  commandLine: string,
): OwnExport | undefined {
  const argv = splitCommandLine(commandLine);
  if (!argv || argv.length < 3 || !isOurs(argv[0]!)) return undefined;
  if (argv[1] !== "configure" || argv[2] !== "export-credentials") {
    return undefined;
  }
  let profile: string | undefined;
  let autoLogin = false;
  let autoLoginTimeoutMs: number | undefined;
  for (let i = 3; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--auto-login") {
      autoLogin = true;
      continue;
    }
    const [name, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith("--")) return undefined;
    if (name === "--profile") profile = value;
    else if (name === "--auto-login-timeout" && validTimeout(value)) {
      autoLoginTimeoutMs = Number(value) * 1000;
    } else if (name !== "--format" || value !== "process") return undefined;
  }
  return {
    ...(profile === undefined || profile === "" ? {} : { profile }),
    ...(autoLogin ? { autoLogin } : {}),
    ...(autoLoginTimeoutMs !== undefined ? { autoLoginTimeoutMs } : {}),
  };
}
