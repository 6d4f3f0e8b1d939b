/**
 * From argv to an exit code: find the command, parse its flags, run it, and
 * turn errors into `aws-signin: [ERROR]: ...` and the AWS CLI's exit codes.
 *
 * @example
 * ```ts
 * const code = await runCli(Deno.args, COMMANDS, { version: "0.1.0", ...deps });
 * ```
 * @module
 */

import { AwsSigninError, type ErrorKind, UsageError } from "../errors.ts";
import type { Env } from "../config/files.ts";
import { type Context, makeContext } from "./context.ts";
import {
  type CommandSpec,
  formatHelp,
  parseArgs,
  type ParsedArgs,
} from "./flags.ts";
import type { Io } from "./io.ts";

/** What a module in `lib/commands/` exports. */
export interface CommandModule {
  readonly spec: CommandSpec;
  run(args: ParsedArgs, ctx: Context): Promise<number>;
}

/** One entry of the command table in `main.ts`. */
export interface CommandEntry {
  /** One line for `aws-signin --help` (so listing commands loads none of them). */
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

/** The AWS CLI's exit codes. */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = {
  usage: 252,
  configuration: 253,
  service: 254,
  other: 255,
  interrupted: 130,
};

/** Everything {@linkcode runCli} needs from the process. */
export interface CliDeps {
  readonly version: string;
  readonly io: Io;
  readonly env: Env;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
  readonly logSync?: (text: string) => void;
}

// Options that take a value and may come before the command (`aws-signin --profile dev login`).
const VALUE_OPTIONS = new Set([
  "--profile",
  "--region",
  "--endpoint-url",
  "--output",
  "--format",
]);

function editDistance(a: string, b: string): number {
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => [i, ...Array<number>(b.length).fill(0)],
  );
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length]![b.length]!;
}

function topHelp(
  table: Readonly<Record<string, CommandEntry>>,
  version: string,
): string {
  const width = Math.max(...Object.keys(table).map((k) => k.length));
  const rows = Object.entries(table).map(([name, e]) =>
    `  ${name.padEnd(width)}  ${e.summary}`
  ).join("\n");
  return `aws-signin ${version}: AWS console-credential sign-in without the AWS CLI.

Usage:
  aws-signin <command> [options]

Commands:
${rows}

Options:
  --version   Print the version and exit.
  --help      Show this help, or a command's help with "aws-signin <command> --help".
  --debug     (with any command) Print where settings and credentials come from.

It reads and writes the same ~/.aws/config and login cache as the AWS CLI, so
the AWS CLI, every AWS SDK and aws-signin share one session.
`;
}

function groupHelp(
  group: string,
  table: Readonly<Record<string, CommandEntry>>,
): string {
  const subs = Object.entries(table).filter(([name]) =>
    name.startsWith(`${group} `)
  );
  const width = Math.max(...subs.map(([n]) => n.length));
  return `Usage:\n  aws-signin ${group} <subcommand> [options]\n\nSubcommands:\n${
    subs.map(([n, e]) => `  ${n.padEnd(width)}  ${e.summary}`).join("\n")
  }\n\nRun "aws-signin ${group} <subcommand> --help" for a subcommand's options.\n`;
}

/** Formats an error for stderr: `aws-signin: [ERROR]: message` plus a hint line for usage errors. */
export function formatError(error: unknown, debug: boolean): string {
  if (error instanceof AwsSigninError) {
    const hint = error instanceof UsageError && error.hint
      ? `${error.hint}\n`
      : "";
    const stack = debug && error.cause instanceof Error
      ? `${error.cause.stack}\n`
      : "";
    return `${stack}aws-signin: [ERROR]: ${error.message}\n${hint}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = debug && error instanceof Error ? `${error.stack}\n` : "";
  return `${stack}aws-signin: [ERROR]: ${message}\n`;
}

/** Runs one command line and returns its exit code. */
export async function runCli(
  argv: readonly string[],
  table: Readonly<Record<string, CommandEntry>>,
  deps: CliDeps,
): Promise<number> {
  const debug = argv.includes("--debug");
  const { io } = deps;
  try {
    // The command is the first one or two words that are not options.
    const words: number[] = [];
    for (let i = 0; i < argv.length && words.length < 2; i++) {
      const arg = argv[i]!;
      if (arg === "--") break;
      if (arg.startsWith("-")) {
        if (VALUE_OPTIONS.has(arg)) i++;
        continue;
      }
      words.push(i);
    }
    const first = words[0] === undefined ? undefined : argv[words[0]];
    const second = words[1] === undefined ? undefined : argv[words[1]];
    if (first === undefined || first === "help") {
      if (argv.includes("--version")) {
        await io.out(`aws-signin ${deps.version}\n`);
        return 0;
      }
      if (first === "help" || argv.includes("--help") || argv.includes("-h")) {
        if (first === "help" && second !== undefined) {
          return await runCli(
            [...argv.filter((a) => a !== "help"), "--help"],
            table,
            deps,
          );
        }
        await io.out(topHelp(table, deps.version));
        return 0;
      }
      const unknown = argv.find((a) => a.startsWith("-") && a !== "--debug");
      if (unknown) {
        throw new UsageError(
          `Unknown option "${unknown}".`,
          `Run "aws-signin --help" to see the commands.`,
        );
      }
      await io.err(topHelp(table, deps.version));
      throw new UsageError(
        "No command given.",
        `Run "aws-signin --help" to see the commands.`,
      );
    }
    const name = second !== undefined && table[`${first} ${second}`]
      ? `${first} ${second}`
      : first;
    const used = name === first ? [words[0]!] : [words[0]!, words[1]!];
    const isGroup = Object.keys(table).some((k) => k.startsWith(`${first} `));
    if (!table[name]) {
      if (isGroup) {
        if (
          second === undefined &&
          (argv.includes("--help") || argv.includes("-h"))
        ) {
          await io.out(groupHelp(first, table));
          return 0;
        }
        if (second === "help") {
          await io.out(groupHelp(first, table));
          return 0;
        }
        await io.err(groupHelp(first, table));
        throw new UsageError(
          second === undefined
            ? `"aws-signin ${first}" needs a subcommand.`
            : `Unknown command "aws-signin ${first} ${second}".`,
        );
      }
      const close = [
        ...new Set(Object.keys(table).map((k) => k.split(" ")[0]!)),
      ]
        .find((k) => editDistance(k, first) <= 2);
      throw new UsageError(
        `Unknown command "${first}".`,
        close
          ? `Did you mean "${close}"? Run "aws-signin --help" to see the commands.`
          : `Run "aws-signin --help" to see the commands.`,
      );
    }
    // `aws-signin login help` works like the AWS CLI's `aws login help`.
    const rest = argv.filter((_, i) => !used.includes(i));
    if (rest[rest.length - 1] === "help" && !rest.includes("--")) {
      rest[rest.length - 1] = "--help";
    }
    const module = await table[name]!.load();
    const args = parseArgs(module.spec, rest);
    if (args.bool("help")) {
      await io.out(formatHelp(module.spec));
      return 0;
    }
    const ctx = makeContext({
      io,
      env: deps.env,
      debug: args.bool("debug"),
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.logSync ? { logSync: deps.logSync } : {}),
    });
    return await module.run(args, ctx);
  } catch (error) {
    await io.err(formatError(error, debug));
    return error instanceof AwsSigninError ? EXIT_CODES[error.kind] : 255;
  }
}
