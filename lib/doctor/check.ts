/**
 * What `aws-signin doctor` reports: checks with a stable id, a level, the
 * area they belong to, the profile they are about (if any), what was found
 * and what to do next. Every check module returns a list of these; none of
 * them writes anything. A path or value in a fix's command is one
 * {@linkcode shellWord}.
 *
 * @example
 * ```ts
 * const c = check("files.config", "ok", "files", null, "~/.aws/config parses.");
 * c.fix; // null
 * ```
 * @module
 */

import { safeText } from "../util/safe_text.ts";
import { shlexQuote } from "../util/shlex.ts";

/** How bad a finding is. */
export type Level = "ok" | "warning" | "error";

/** Where a check belongs (the text output's groups, in this order). */
export const AREAS = [
  "files",
  "selection",
  "session",
  "sso",
  "clock",
  "network",
  "identity",
  "tools",
  "browser",
] as const;

/** One of {@linkcode AREAS}. */
export type Area = typeof AREAS[number];

/** One finding. Field names are the JSON output's (stable for scripts). */
export interface Check {
  /** Stable, dotted: `files.credentials-mode`, `session.cache`, `clock.signin`. */
  readonly id: string;
  readonly level: Level;
  readonly area: Area;
  /** The profile it is about, or `null`. */
  readonly profile: string | null;
  /** What was found, in one or two sentences. */
  readonly message: string;
  /** What to do (a command where there is one), or `null` when there is nothing to do. */
  readonly fix: string | null;
}

/** Makes a check. */
export function check(
  id: string,
  level: Level,
  area: Area,
  profile: string | null,
  message: string,
  fix: string | null = null,
): Check {
  return { id, level, area, profile, message, fix };
}

/** A file's mode as `ls` shows it in octal, e.g. `644`. */
export function octal(mode: number): string {
  return (mode & 0o777).toString(8);
}

/** Text to end a sentence with: its own final full stop removed (the caller adds one). */
export function clause(text: string): string {
  return text.replace(/[.\s]+$/, "");
}

/**
 * A path or value as one word of a POSIX shell command in a fix: control
 * characters shown as escapes (as everywhere in doctor's output), quoted
 * where the shell would act on it (`$(...)`, spaces, quotes), and a relative
 * path that starts with `-` made `./-...` so that the command does not read
 * it as an option.
 *
 * @example
 * ```ts
 * shellWord("/tmp/it's $(id)"); // "'/tmp/it'\"'\"'s $(id)'"
 * ```
 */
export function shellWord(text: string): string {
  const safe = safeText(text);
  return shlexQuote(safe.startsWith("-") ? `./${safe}` : safe);
}
