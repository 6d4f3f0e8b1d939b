/**
 * Command specs, the command-line parser and `--help` text. Every command
 * declares exactly the flags it uses; anything else is a usage error with a
 * hint, never silently ignored.
 *
 * @example
 * ```ts
 * const spec: CommandSpec = {
 *   name: "logout",
 *   summary: "Remove cached login credentials.",
 *   description: "...",
 *   flags: { profile: PROFILE_FLAG, all: { type: "boolean", help: "..." } },
 *   positionals: [],
 * };
 * const args = parseArgs(spec, ["--all"]);
 * args.bool("all"); // true
 * ```
 * @module
 */

import { UsageError } from "../errors.ts";

/** One `--flag`. */
export interface FlagSpec {
  readonly type: "string" | "boolean";
  /** What the flag does, for `--help`. */
  readonly help: string;
  /** The value's name in `--help` (`--profile PROFILE`). */
  readonly placeholder?: string;
  /** Allowed values. */
  readonly choices?: readonly string[];
  /** The flag may be given several times. */
  readonly multiple?: boolean;
}

/** One positional argument. */
export interface PositionalSpec {
  readonly name: string;
  readonly help: string;
}

/** A command: its name, help and arguments. */
export interface CommandSpec {
  /** The words that select it, e.g. `configure get`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Paragraphs for `--help`. */
  readonly description: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly positionals: readonly PositionalSpec[];
  /**
   * A command line to run (`exec -- COMMAND [ARG...]`): from the first word
   * that is not one of our options (or after `--`), everything is taken as it
   * is. At least one word is required.
   */
  readonly rest?: PositionalSpec;
  /** Example command lines, each with a comment. */
  readonly examples?: readonly string[];
  /** More sections for `--help` (title, text). */
  readonly extra?: readonly (readonly [string, string])[];
}

/** The values of `--cli-error-format` (the AWS CLI's). */
export const ERROR_FORMATS = [
  "legacy",
  "json",
  "yaml",
  "text",
  "table",
  "enhanced",
] as const;

/** Flags every command takes: the AWS CLI's global options that mean something here. */
export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  debug: {
    type: "boolean",
    help:
      "Print where settings and credentials come from, to stderr. Secrets are redacted.",
  },
  help: { type: "boolean", help: "Show this help and exit." },
  "cli-error-format": {
    type: "string",
    placeholder: "FORMAT",
    choices: ERROR_FORMATS,
    help:
      "How errors are printed, as the AWS CLI prints them: enhanced (default: the error line, then any " +
      "details the service sent), legacy (the line alone), or json, yaml, text or table (for scripts). " +
      "Default: AWS_CLI_ERROR_FORMAT, else cli_error_format in the profile, else enhanced.",
  },
  "ca-bundle": {
    type: "string",
    placeholder: "PATH",
    help:
      "A PEM file of CA certificates to trust for Sign-In and STS (before AWS_CA_BUNDLE, the profile's " +
      "ca_bundle and REQUESTS_CA_BUNDLE).",
  },
  "no-verify-ssl": {
    type: "boolean",
    help:
      "Do not verify TLS certificates of Sign-In and STS (a warning says so each time). For tests only.",
  },
  "cli-connect-timeout": {
    type: "string",
    placeholder: "SECONDS",
    help:
      "The longest a connection to Sign-In or STS may take to open; 0 waits for ever. Default 20 per attempt.",
  },
  "cli-read-timeout": {
    type: "string",
    placeholder: "SECONDS",
    help:
      "The longest Sign-In or STS may take to answer; 0 waits for ever. Default 20 per attempt.",
  },
};

/**
 * AWS CLI global options that mean nothing here, accepted (and ignored) so
 * that an `aws ...` line keeps working as `aws-signin ...`.
 */
export const IGNORED_AWS_CLI_FLAGS: Readonly<Record<string, FlagSpec>> = {
  "no-cli-pager": {
    type: "boolean",
    help: "Accepted; aws-signin never pages.",
  },
  "no-paginate": { type: "boolean", help: "Accepted; nothing here paginates." },
  color: {
    type: "string",
    placeholder: "on|off|auto",
    choices: ["on", "off", "auto"],
    help: "Accepted; aws-signin colours only a terminal.",
  },
  "cli-binary-format": {
    type: "string",
    placeholder: "FORMAT",
    choices: ["base64", "raw-in-base64-out"],
    help: "Accepted; nothing here takes binary input.",
  },
  "no-cli-auto-prompt": {
    type: "boolean",
    help: "Accepted; aws-signin never auto-prompts.",
  },
};

/** `--profile`, shared by most commands. */
export const PROFILE_FLAG: FlagSpec = {
  type: "string",
  placeholder: "PROFILE",
  help: "Use this profile instead of AWS_PROFILE or `default`.",
};

/** `--auto-login` and its timeout, on the commands that hand out credentials. */
export const AUTO_LOGIN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  "auto-login": {
    type: "boolean",
    help:
      "When the profile's login session has ended or was logged out, sign it in again in the browser (where one " +
      "can open here) instead of failing, and carry on. Also AWS_SIGNIN_AUTO_LOGIN=true.",
  },
  "auto-login-timeout": {
    type: "string",
    placeholder: "SECONDS",
    help:
      "How long --auto-login waits for the sign-in in the browser. Default 120 (50 for configure export-credentials, under the minute after which Terraform and other Go SDK tools stop a credential_process).",
  },
};

/**
 * Options that, as in the AWS CLI, may come before the command
 * (`aws-signin --profile dev login`): the parser skips their values when it
 * looks for the command's name. Commands declare the ones they take.
 */
export const GLOBAL_OPTIONS: Readonly<Record<string, FlagSpec>> = {
  profile: PROFILE_FLAG,
  region: { type: "string", placeholder: "REGION", help: "The AWS region." },
  "endpoint-url": {
    type: "string",
    placeholder: "URL",
    help: "The endpoint to call.",
  },
  output: { type: "string", placeholder: "FORMAT", help: "Output format." },
  query: {
    type: "string",
    placeholder: "JMESPATH",
    help: "A JMESPath query applied to the result.",
  },
  format: {
    type: "string",
    placeholder: "FORMAT",
    help: "Format of the credentials.",
  },
  ...COMMON_FLAGS,
  ...IGNORED_AWS_CLI_FLAGS,
};

/** Parsed command-line values. */
export class ParsedArgs {
  readonly #values: Map<string, string[] | true>;
  /** Positional arguments, in order. */
  readonly positionals: readonly string[];

  constructor(values: Map<string, string[] | true>, positionals: string[]) {
    this.#values = values;
    this.positionals = positionals;
  }

  /** The last value of a string flag. */
  string(name: string): string | undefined {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v[v.length - 1] : undefined;
  }

  /** Every value of a repeatable string flag. */
  list(name: string): string[] {
    const v = this.#values.get(name);
    return Array.isArray(v) ? [...v] : [];
  }

  /** Whether a boolean flag was given. */
  bool(name: string): boolean {
    return this.#values.get(name) === true;
  }

  /** Whether the flag was given at all. */
  has(name: string): boolean {
    return this.#values.has(name);
  }
}

function usageHint(spec: CommandSpec): string {
  return `Run "aws-signin ${spec.name} --help" to see what it takes.`;
}

/**
 * Parses a command's arguments (the words after the command's name).
 *
 * @throws {UsageError} for an unknown flag, a missing or invalid value, or the wrong number of positionals.
 */
export function parseArgs(
  spec: CommandSpec,
  argv: readonly string[],
): ParsedArgs {
  const flags: Record<string, FlagSpec> = {
    ...IGNORED_AWS_CLI_FLAGS,
    ...COMMON_FLAGS,
    ...spec.flags,
  };
  const values = new Map<string, string[] | true>();
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      // Past the command's own options: the rest belongs to the command line it runs.
      if (spec.rest && positionals.length > spec.positionals.length) {
        onlyPositionals = true;
      }
      continue;
    }
    if (arg === "--") {
      onlyPositionals = true;
      continue;
    }
    if (arg === "-h") {
      values.set("help", true);
      continue;
    }
    if (!arg.startsWith("--")) {
      throw new UsageError(
        `Unknown option "${arg}" for "aws-signin ${spec.name}".`,
        usageHint(spec),
        { unknownArgument: true },
      );
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const flag = flags[name];
    if (!flag) {
      throw new UsageError(
        `Unknown option "--${name}" for "aws-signin ${spec.name}".`,
        usageHint(spec),
        { unknownArgument: true },
      );
    }
    if (flag.type === "boolean") {
      if (eq >= 0) {
        throw new UsageError(
          `Option "--${name}" takes no value.`,
          usageHint(spec),
        );
      }
      values.set(name, true);
      continue;
    }
    let value: string;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(
          `Option "--${name}" needs a value${
            flag.placeholder ? ` (${flag.placeholder})` : ""
          }.`,
          usageHint(spec),
        );
      }
      value = next;
      i++;
    }
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(
        `Invalid value "${value}" for "--${name}": choose one of ${
          flag.choices.join(", ")
        }.`,
        usageHint(spec),
      );
    }
    const previous = values.get(name);
    values.set(
      name,
      flag.multiple && Array.isArray(previous) ? [...previous, value] : [value],
    );
  }
  if (values.get("help") === true) return new ParsedArgs(values, positionals);
  if (spec.rest) {
    if (positionals.length <= spec.positionals.length) {
      throw new UsageError(
        `"aws-signin ${spec.name}" needs ${spec.rest.name}.`,
        usageHint(spec),
      );
    }
    return new ParsedArgs(values, positionals);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(
      `Unexpected argument "${
        positionals[spec.positionals.length]
      }" for "aws-signin ${spec.name}".`,
      usageHint(spec),
      { unknownArgument: true },
    );
  }
  if (positionals.length < spec.positionals.length) {
    const missing = spec.positionals.slice(positionals.length).map((p) =>
      p.name
    );
    throw new UsageError(
      `"aws-signin ${spec.name}" needs ${missing.join(" and ")}.`,
      usageHint(spec),
    );
  }
  return new ParsedArgs(values, positionals);
}
