/**
 * From argv to an exit code: find the command, parse its flags, run it, and
 * turn errors into `aws-signin: [ERROR]: ...` and the AWS CLI's exit codes.
 *
 * @example
 * ```ts
 * import { memoryIo } from "./io.ts";
 * import { testWorld } from "./context.ts";
 * const io = memoryIo();
 * const code = await runCli(["--version"], {}, {
 *   version: () => Promise.resolve("0.1.0"),
 *   io,
 *   env: {},
 *   world: testWorld(),
 * });
 * io.stdout; // "aws-signin 0.1.0\n" (code 0)
 * ```
 * @module
 */

import { AwsSigninError, type ErrorKind, UsageError } from "../errors.ts";
import {
  type ErrorFormat,
  errorInfo,
  formatError,
  resolveErrorFormat,
} from "../error_format.ts";
import { safeText } from "../util/safe_text.ts";
import type { Env } from "../util/env.ts";
import { MAX_TIMER_MS, MAX_TIMER_SECONDS } from "../util/sleep.ts";
import type { CommandEntry } from "./command.ts";
import { makeContext, type World } from "./context.ts";
import { GLOBAL_OPTIONS, parseArgs, type ParsedArgs } from "./flags.ts";
import type { Io } from "./io.ts";
import type { ConnectionOptions } from "../http/tls.ts";

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
  /** The version (a function, so normal runs do not load deno.json). */
  readonly version: () => Promise<string>;
  readonly io: Io;
  readonly env: Env;
  /** Clock, network, randomness, timers and browser. */
  readonly world: World;
  /** The interrupt signal, or a function that installs the handlers and returns it (called on first use). */
  readonly signal?: AbortSignal | (() => AbortSignal);
  readonly logSync?: (text: string) => void;
}

// Options that take a value and may come before the command (`aws-signin --profile dev login`).
const VALUE_OPTIONS = new Set(
  Object.entries(GLOBAL_OPTIONS).filter(([, f]) => f.type === "string").map((
    [name],
  ) => `--${name}`),
);

/** Runs one command line and returns its exit code. */
export async function runCli(
  argv: readonly string[],
  table: Readonly<Record<string, CommandEntry>>,
  deps: CliDeps,
): Promise<number> {
  const debug = argv.includes("--debug");
  const { io } = deps;
  let parsed: ParsedArgs | undefined;
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
        await io.out(`aws-signin ${await deps.version()}\n`);
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
        await io.out(
          (await import("./help.ts")).topHelp(table, await deps.version()),
        );
        return 0;
      }
      const unknown = argv.find((a) => a.startsWith("-") && a !== "--debug");
      if (unknown) {
        throw new UsageError(
          `Unknown option "${unknown}".`,
          `Run "aws-signin --help" to see the commands.`,
          { unknownArgument: true },
        );
      }
      await io.err(
        (await import("./help.ts")).topHelp(table, await deps.version()),
      );
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
          await io.out((await import("./help.ts")).groupHelp(first, table));
          return 0;
        }
        if (second === "help") {
          await io.out((await import("./help.ts")).groupHelp(first, table));
          return 0;
        }
        await io.err((await import("./help.ts")).groupHelp(first, table));
        throw new UsageError(
          second === undefined
            ? `"aws-signin ${first}" needs a subcommand.`
            : `Unknown command "aws-signin ${first} ${second}".`,
        );
      }
      const close = (await import("./help.ts")).suggest(first, [
        ...new Set(Object.keys(table).map((k) => k.split(" ")[0]!)),
      ]);
      throw new UsageError(
        `Unknown command "${first}".`,
        close
          ? `Did you mean "${close}"? Run "aws-signin --help" to see the commands.`
          : `Run "aws-signin --help" to see the commands.`,
      );
    }
    const rest = argv.filter((_, i) => !used.includes(i));
    const module = await table[name]!.load();
    // `aws-signin login help` works like the AWS CLI's `aws login help` (for `exec`,
    // only as its one word: `exec -- cmd help` runs cmd with "help").
    if (
      rest[rest.length - 1] === "help" && !rest.includes("--") &&
      (!module.spec.rest || rest.length === 1)
    ) {
      rest[rest.length - 1] = "--help";
    }
    const args = parseArgs(module.spec, rest);
    parsed = args;
    if (args.bool("help")) {
      await io.out((await import("./help.ts")).formatHelp(module.spec));
      return 0;
    }
    const ctx = makeContext({
      io,
      env: deps.env,
      connection: connectionOptions(args),
      debug: args.bool("debug"),
      world: deps.world,
      commands: table,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.logSync ? { logSync: deps.logSync } : {}),
    });
    return await module.run(args, ctx);
  } catch (error) {
    const format = errorInfo(error) === undefined
      ? "legacy"
      : await errorFormatFor(parsed, deps.env, (m) => {
        if (debug) void io.err(`aws-signin [debug] ${safeText(m)}\n`);
      });
    await io.err(
      formatError(error, {
        debug,
        format,
        ...(io.columns ? { columns: io.columns() } : {}),
      }),
    );
    return error instanceof AwsSigninError ? EXIT_CODES[error.kind] : 255;
  }
}

/**
 * The error format for this run, as the AWS CLI resolves it: the flag (when
 * the command line parsed), else `AWS_CLI_ERROR_FORMAT`, else the selected
 * profile's `cli_error_format`, else `enhanced`.
 */
async function errorFormatFor(
  args: ParsedArgs | undefined,
  env: Env,
  why: (message: string) => void,
): Promise<ErrorFormat> {
  const flag = args?.string("cli-error-format");
  let setting: string | undefined;
  if (!flag && env.AWS_CLI_ERROR_FORMAT === undefined) {
    try {
      const { loadSharedConfig } = await import("../config/profiles.ts");
      const { resolveProfile, selectProfile, stringSetting } = await import(
        "../config/selection.ts"
      );
      const profile = resolveProfile(
        await loadSharedConfig(env),
        selectProfile(args?.string("profile"), env),
      );
      setting = stringSetting(profile.settings, "cli_error_format");
    } catch {
      // A config that cannot be read has no setting to honour.
    }
  }
  return resolveErrorFormat({
    flag,
    env: env.AWS_CLI_ERROR_FORMAT,
    setting,
    why,
  });
}

/**
 * `--cli-connect-timeout` and `--cli-read-timeout`: seconds, 0 for no limit,
 * at most what a timer can wait for (a longer delay would fire at once).
 */
function seconds(args: ParsedArgs, flag: string): number | undefined {
  const raw = args.string(flag);
  if (raw === undefined) return undefined;
  const ms = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) * 1000 : NaN;
  if (!(ms <= MAX_TIMER_MS)) {
    throw new UsageError(
      `Invalid value "${raw}" for "--${flag}": expected a number of seconds from 0 to ${MAX_TIMER_SECONDS} ` +
        "(about 24 days; 0 waits for ever).",
    );
  }
  return ms === 0 ? Infinity : ms;
}

/** The AWS CLI's connection options from the command line. */
function connectionOptions(args: ParsedArgs): ConnectionOptions {
  const caBundle = args.string("ca-bundle");
  const connectTimeoutMs = seconds(args, "cli-connect-timeout");
  const readTimeoutMs = seconds(args, "cli-read-timeout");
  return {
    ...(caBundle !== undefined ? { caBundle } : {}),
    ...(args.bool("no-verify-ssl") ? { noVerifySsl: true } : {}),
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    ...(readTimeoutMs !== undefined ? { readTimeoutMs } : {}),
  };
}
