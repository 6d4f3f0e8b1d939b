/**
 * The questions of `configure sso` and `configure sso-session`, asked as the
 * AWS CLI asks them (protocol-sso.md §2.8): `{text} [{current}]: ` with
 * `None` for no value, an empty answer keeps the current value, and its
 * validators' texts (`Not a valid Start URL`, `A value is required`, `Scope
 * values must be separated by commas`). Where the AWS CLI shows an arrow-key
 * menu (prompt_toolkit), aws-signin lists numbered choices and reads a number
 * (or the account ID or role name itself). Each value can also come from a
 * flag; without a terminal a missing flag is an error that names it, and
 * nothing is ever asked.
 *
 * @example
 * ```ts
 * isValidStartUrl("https://d-1234567890.awsapps.com/start"); // true
 * isValidStartUrl("d-1234567890.awsapps.com"); // false
 * ```
 * @module
 */

import { AwsSigninError, UsageError } from "../errors.ts";
import type { ParsedArgs } from "../cli/flags.ts";
import type { Context } from "../cli/context.ts";
import type { Io } from "../cli/io.ts";
import { hasControlCharacters, safeText } from "../util/safe_text.ts";

/** Checks an answer (`text`, stripped) given the prompt's current value; returns the problem, or nothing. */
export type Validator = (
  text: string,
  current: string | undefined,
) => string | undefined;

/**
 * botocore's `is_valid_endpoint_url`: no tab or line break, a host after
 * `//` whose labels are letters, digits and inner hyphens. The scheme is not
 * checked here (`sso login` refuses anything but https).
 */
export function isValidStartUrl(url: string): boolean {
  if (/[\t\r\n]/.test(url)) return false;
  const m = /^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)/.exec(url.trim());
  if (!m) return false;
  let host = m[1]!.slice(m[1]!.lastIndexOf("@") + 1);
  if (host.startsWith("[")) return false;
  host = host.split(":")[0]!.toLowerCase();
  if (host === "" || host.length > 255) return false;
  if (host.endsWith(".")) host = host.slice(0, -1);
  return /^((?!-)[a-z\d-]{1,63}(?<!-)\.)*((?!-)[a-z\d-]{1,63}(?<!-))$/.test(
    host,
  );
}

/** The AWS CLI's `StartUrlValidator`. */
export function startUrlValidator(
  text: string,
  current: string | undefined,
): string | undefined {
  return (!text && current) || isValidStartUrl(text)
    ? undefined
    : "Not a valid Start URL";
}

/** The AWS CLI's `RequiredInputValidator`. */
export function requiredValidator(
  text: string,
  current: string | undefined,
): string | undefined {
  return text || current ? undefined : "A value is required";
}

/** The AWS CLI's `ScopesValidator`: no whitespace inside a comma-separated item. */
export function scopesValidator(
  text: string,
  current: string | undefined,
): string | undefined {
  return (!text && current) ||
      text.split(",").every((scope) => !/\s/.test(scope.trim()))
    ? undefined
    : "Scope values must be separated by commas";
}

/** A name that cannot go into a section header (`[sso-session NAME]`, `[profile NAME]`). */
export function sectionNameValidator(
  text: string,
  _current: string | undefined,
): string | undefined {
  return hasControlCharacters(text) || /[[\]]/.test(text)
    ? 'A name cannot contain "[", "]" or control characters'
    : undefined;
}

/** The input ended before a question was answered. */
function inputEnded(what: string): AwsSigninError {
  return new AwsSigninError(
    `Canceled: the input ended before "${what}" was answered. Nothing was written.`,
  );
}

/**
 * Asks until the answer passes `validate`; an empty answer is the current
 * value (which may be none).
 */
export async function ask(
  io: Io,
  init: {
    readonly text: string;
    readonly current?: string | undefined;
    /** The whole prompt, when it is not `{text} [{current}]: `. */
    readonly prompt?: string | undefined;
    readonly validate?: Validator | undefined;
  },
): Promise<string | undefined> {
  const prompt = init.prompt ?? `${init.text} [${init.current ?? "None"}]: `;
  for (;;) {
    await io.out(prompt);
    const line = await io.readLine();
    if (line === null) {
      await io.out("\n");
      throw inputEnded(init.text);
    }
    const text = line.trim();
    const problem = init.validate?.(text, init.current);
    if (problem) {
      await io.out(`${problem}\n`);
      continue;
    }
    return text === "" ? init.current : text;
  }
}

/** Where a value comes from: its flag, else the person at the terminal, else its current value. */
export interface ValueSource {
  /** The flag's name (without `--`) and its placeholder, for the message when it is missing. */
  readonly flag: string;
  readonly placeholder: string;
  readonly text: string;
  readonly current?: string | undefined;
  readonly prompt?: string | undefined;
  readonly validate?: Validator | undefined;
  /** Without a terminal and without the flag (and no current value): fail, naming the flag. */
  readonly required?: boolean;
}

/**
 * A value from its flag (checked by the validator), else asked on a
 * terminal, else the current value; `undefined` when none and not required.
 *
 * @throws {UsageError} for a flag the validator refuses, or a required value with no flag and no terminal.
 */
export async function value(
  ctx: Context,
  args: ParsedArgs,
  source: ValueSource,
): Promise<string | undefined> {
  const given = args.string(source.flag);
  if (given !== undefined) {
    const problem = source.validate?.(given.trim(), undefined) ??
      (source.required && given.trim() === ""
        ? "A value is required"
        : undefined);
    if (problem) {
      throw new UsageError(
        `Invalid value "${safeText(given)}" for --${source.flag}: ${problem}.`,
      );
    }
    return given.trim();
  }
  if (ctx.io.stdinIsTerminal) return await ask(ctx.io, source);
  if (source.current !== undefined) return source.current;
  if (source.required) {
    throw new UsageError(
      `There is no terminal to ask for the ${
        source.text.replace(/^[A-Z][a-z]/, (m) => m.toLowerCase())
      }: pass --${source.flag} ${source.placeholder}.`,
    );
  }
  return undefined;
}

/**
 * Asks for one of several items from a numbered list (the AWS CLI shows an
 * arrow-key menu): a number, or an item's own name (`matches`); an empty
 * answer is the first.
 */
export async function choose<T>(
  io: Io,
  items: readonly T[],
  init: {
    readonly label: (item: T) => string;
    readonly matches: (item: T, answer: string) => boolean;
    /** `Account (number or ID)`. */
    readonly text: string;
    /** What else may be typed, for the retry line: `an account ID`. */
    readonly other: string;
  },
): Promise<T> {
  await io.out(
    items.map((item, i) => `  ${i + 1}) ${init.label(item)}\n`).join(""),
  );
  for (;;) {
    await io.out(`${init.text} [1]: `);
    const line = await io.readLine();
    if (line === null) {
      await io.out("\n");
      throw inputEnded(init.text);
    }
    const answer = line.trim();
    if (answer === "") return items[0]!;
    if (/^\d+$/.test(answer)) {
      const n = Number(answer);
      if (n >= 1 && n <= items.length) return items[n - 1]!;
    }
    const named = items.find((item) => init.matches(item, answer));
    if (named !== undefined) return named;
    await io.out(
      `Enter a number from 1 to ${items.length}, or ${init.other} from the list.\n`,
    );
  }
}
