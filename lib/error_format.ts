/**
 * The one formatter every error leaves through (beside `errors.ts`), in the
 * AWS CLI's error formats (`--cli-error-format`, AWS CLI 2.36):
 *
 * - `legacy`: `aws-signin: [ERROR]: message`, and for usage errors a line
 *   that says how to get it right;
 * - `enhanced` (the default): the same line, where configuration, no-region,
 *   no-credentials and parameter errors read `An error occurred (CODE):
 *   message`, then, when a service error carries modeled fields beyond
 *   `Code` and `Message` (Sign-In's `error`), an "Additional error details"
 *   block;
 * - `json`, `yaml`, `text`, `table`: the error (`Code`, `Message`, modeled
 *   fields) as the AWS CLI's output formatters render it.
 *
 * Which errors are structured follows the AWS CLI's handler chain: service
 * errors, configuration errors (`Configuration`, `NoRegion`,
 * `NoCredentials`) and parameter errors (`ParamValidation`); an unknown
 * option, an interruption and anything else always print the one line.
 * Used by the command line and by the in-process answer to aws-signin's own
 * `credential_process`, which must print what the process would.
 *
 * @example
 * ```ts
 * import { ConfigurationError } from "./errors.ts";
 * formatError(new ConfigurationError("No region."), { format: "legacy" }); // "aws-signin: [ERROR]: No region.\n"
 * formatError(new ConfigurationError("No region.")); // "aws-signin: [ERROR]: An error occurred (Configuration): No region.\n"
 * ```
 * @module
 */

import {
  AwsSigninError,
  ConfigurationError,
  ServiceError,
  UsageError,
} from "./errors.ts";
import { formatJson, formatText } from "./util/aws_output.ts";
import { formatTable } from "./util/aws_table.ts";
import { formatYaml } from "./util/aws_yaml.ts";
import { safeLines } from "./util/safe_text.ts";

/** The values of `--cli-error-format`, `AWS_CLI_ERROR_FORMAT` and `cli_error_format`. */
export type ErrorFormat =
  | "legacy"
  | "json"
  | "yaml"
  | "text"
  | "table"
  | "enhanced";

const FORMATS: readonly string[] = [
  "legacy",
  "json",
  "yaml",
  "text",
  "table",
  "enhanced",
];

/** How to print an error. */
export interface ErrorFormatOptions {
  /** Default `enhanced`. */
  readonly format?: ErrorFormat;
  /** Print the stack of the error's cause (`--debug`). */
  readonly debug?: boolean;
  /** The terminal's width for `table` (the AWS CLI's 80 when stdout is not a terminal). */
  readonly columns?: number;
}

/**
 * The error format in effect, as the AWS CLI resolves it: the flag, else
 * `AWS_CLI_ERROR_FORMAT`, else the profile's `cli_error_format`, else
 * `enhanced`; a value it does not know (any case is fine) is `enhanced`,
 * with `why` saying so for `--debug`.
 */
export function resolveErrorFormat(init: {
  readonly flag?: string | undefined;
  readonly env?: string | undefined;
  readonly setting?: string | undefined;
  readonly why?: (message: string) => void;
}): ErrorFormat {
  // An empty AWS_CLI_ERROR_FORMAT still wins over the profile (and means enhanced), as in the AWS CLI.
  const chosen = init.flag ||
    (init.env !== undefined ? init.env : init.setting);
  if (!chosen) return "enhanced";
  const format = chosen.toLowerCase();
  if (FORMATS.includes(format)) return format as ErrorFormat;
  init.why?.(`Invalid cli_error_format: '${chosen}'. Using 'enhanced' format.`);
  return "enhanced";
}

/**
 * The error as the AWS CLI's structured output shows it, or `undefined`
 * when the AWS CLI always prints it as one line.
 */
export function errorInfo(
  error: unknown,
): Readonly<Record<string, string>> | undefined {
  if (error instanceof ServiceError) return error.details;
  if (error instanceof ConfigurationError) {
    return { Code: error.code, Message: error.message };
  }
  if (error instanceof UsageError && !error.unknownArgument) {
    return { Code: "ParamValidation", Message: error.message };
  }
  return undefined;
}

/** The fields of an error beyond `Code` and `Message`: the enhanced format's block. */
function detailsBlock(info: Readonly<Record<string, string>>): string {
  const extra = Object.entries(info).filter(([k]) =>
    k.toLowerCase() !== "code" && k.toLowerCase() !== "message"
  );
  if (extra.length === 0) return "";
  return `\nAdditional error details:\n${
    extra.map(([k, v]) => `${k}: ${v}\n`).join("")
  }`;
}

/**
 * Formats an error for stderr in the chosen format. Control characters are
 * escaped whatever the error holds (outside text is escaped where it enters
 * a message too).
 */
export function formatError(
  error: unknown,
  options: ErrorFormatOptions = {},
): string {
  const format = options.format ?? "enhanced";
  const stack = options.debug
    ? error instanceof AwsSigninError
      ? error.cause instanceof Error ? `${error.cause.stack}\n` : ""
      : error instanceof Error
      ? `${error.stack}\n`
      : ""
    : "";
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof AwsSigninError && error.hint
    ? `${error.hint}\n`
    : "";
  const info = format === "legacy" ? undefined : errorInfo(error);
  if (!info) {
    return safeLines(`${stack}aws-signin: [ERROR]: ${message}\n${hint}`);
  }
  if (format === "enhanced") {
    const line = error instanceof ServiceError
      ? message
      : `An error occurred (${info.Code}): ${info.Message}`;
    return safeLines(
      `${stack}aws-signin: [ERROR]: ${line}\n${hint}${detailsBlock(info)}`,
    );
  }
  const safe = Object.fromEntries(
    Object.entries(info).map(([k, v]) => [k, safeLines(v)]),
  );
  const rendered = format === "json"
    ? formatJson(safe)
    : format === "yaml"
    ? formatYaml(safe)
    : format === "text"
    ? formatText(safe)
    : formatTable("error", safe, options.columns ?? 80);
  return `${safeLines(stack)}${rendered}`;
}
