/**
 * Changes settings in a config or credentials file the way the AWS CLI's
 * `ConfigFileWriter` does (`aws configure set`, `aws login`), so the bytes we
 * write are the bytes the AWS CLI would write:
 *
 * - an existing `key = value` line in the section is rewritten in place as
 *   `key = value`;
 * - a new key goes after the section's last line that looks like a setting
 *   (when the section is the last one in the file, one line further down,
 *   exactly as the AWS CLI does);
 * - nested keys (`s3.max_queue_size`) are updated or added, indented by four
 *   spaces, inside the `s3 =` block;
 * - a missing section is appended at the end (after a `\n` if the file lacks a
 *   final one), keeping the rest of the file byte for byte;
 * - when an existing section changes, the file's line endings become `\n`
 *   (the AWS CLI reads and writes in Python's text mode).
 *
 * Where the AWS CLI would damage the file we deliberately do not copy it: keys
 * match case-insensitively and only as settings (never a nested line or a
 * comment), indented section headers are found, a `[profile "my name"]`
 * section is found for profile `my name`, a file without a final newline never
 * gets two lines glued together, and the result must parse or nothing is
 * returned.
 *
 * @example
 * ```ts
 * updateConfigText("[default]\nregion = us-east-1\n", { section: "default" }, { output: "json" }, "config");
 * // "[default]\nregion = us-east-1\noutput = json\n"
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { hasControlCharacters } from "../util/safe_text.ts";
import { type IniDocument, parseIni, pyStrip } from "./ini.ts";

/** A value to write: a string, or one level of nested keys (`s3 = ...`). */
export type NewValue = string | Record<string, string>;

/** Where to write. */
export interface SectionTarget {
  /** The header text to look for and to write when it is missing, e.g. `profile dev`. */
  readonly section: string;
  /**
   * Also accept a section with this name that the AWS CLI's exact match would
   * miss (for example `[profile "my name"]` for profile `my name`).
   */
  readonly alsoMatches?: (sectionName: string) => boolean;
}

// The AWS CLI writer's own notion of "a line that looks like a setting",
// applied to a line without its line ending (Python's `$` allows the "\n").
const WS =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const WRITER_OPTION_RE = new RegExp(
  `([^:=][^:=]*)[${WS}]*([:=])[${WS}]*([^\\n]*)$`,
);
const LEADING_WS_RE = new RegExp(`^[${WS}]*`);

function withoutEol(line: string): string {
  return line.endsWith("\n") ? line.slice(0, -1) : line;
}

function renderValues(
  values: Iterable<[string, NewValue]>,
  indent: string,
): string {
  let out = "";
  for (const [key, value] of values) {
    if (typeof value === "string") {
      out += `${indent}${key} = ${value}\n`;
    } else {
      out += `${indent}${key} =\n`;
      for (const [sub, subValue] of Object.entries(value)) {
        out += `${indent}    ${sub} = ${subValue}\n`;
      }
    }
  }
  return out;
}

/** The AWS CLI's `_matches_section`: `[name]`, or `[first "rest"]` for a multi-word name. */
function awsMatchesSection(header: string, section: string): boolean {
  if (header === section) return true;
  const parts = section.split(" ");
  return parts.length > 1 &&
    header === `${parts[0]} "${parts.slice(1).join(" ")}"`;
}

function checkValues(values: Record<string, NewValue>): void {
  const entries = Object.entries(values);
  const nested = entries.filter(([, v]) => typeof v !== "string");
  if (nested.length > 0 && entries.length > 1) {
    throw new Error("A nested value must be written on its own.");
  }
  for (const [key, value] of entries) {
    const all = typeof value === "string"
      ? [key, value]
      : [key, ...Object.keys(value), ...Object.values(value)];
    if (all.some((v) => /[\r\n]/.test(v))) {
      throw new ConfigurationError(
        `Cannot write "${key}": a config value cannot contain a line break.`,
      );
    }
  }
}

/**
 * Returns the new text of a file after setting `values` in one section.
 *
 * @param original The file's current text, or `null` when it does not exist.
 * @param target The section to change.
 * @param values Keys and values to set, in the order to add them.
 * @param file The file name used in error messages.
 * @throws {ConfigParseError} when the original does not parse (nothing may be written then).
 */
export function updateConfigText(
  original: string | null,
  target: SectionTarget,
  values: Record<string, NewValue>,
  file: string,
): string {
  checkValues(values);
  // A section name that could end its header and start lines of its own is
  // never written, whoever checked it before.
  if (hasControlCharacters(target.section) || target.section.includes("]")) {
    throw new ConfigurationError(
      `Refusing to write "${file}": a section name cannot contain line breaks, "]" or control characters.`,
    );
  }
  const header = `[${target.section}]\n`;
  if (original === null) {
    return header + renderValues(Object.entries(values), "");
  }
  const doc = parseIni(original, file);
  const sectionIndex = findSection(doc, target);
  let result: string;
  if (sectionIndex < 0) {
    const needsNewline = original.length > 0 && !original.endsWith("\n");
    result = original + (needsNewline ? "\n" : "") + header +
      renderValues(Object.entries(values), "");
  } else {
    result = updateSection(doc, sectionIndex, values);
  }
  try {
    parseIni(result, file);
  } catch (cause) {
    throw new ConfigurationError(
      `Refusing to write "${file}": the change would leave a file AWS tools cannot read. The file was not changed.`,
      { cause },
    );
  }
  return result;
}

function findSection(doc: IniDocument, target: SectionTarget): number {
  const exact = doc.sections.findIndex((s) =>
    awsMatchesSection(s.name, target.section)
  );
  if (exact >= 0 || !target.alsoMatches) return exact;
  return doc.sections.findIndex((s) => target.alsoMatches!(s.name));
}

function updateSection(
  doc: IniDocument,
  sectionIndex: number,
  values: Record<string, NewValue>,
): string {
  // Python's readlines() after universal-newline translation.
  const lines = doc.lines.map((l) => l.text + (l.eol === "" ? "" : "\n"));
  const remaining = new Map(Object.entries(values));
  const findKey = (key: string) =>
    [...remaining.keys()].find((k) => k.toLowerCase() === key);
  const start = doc.sections[sectionIndex]!.line;
  let last = start;
  for (let j = start + 1; j < lines.length; j++) {
    const info = doc.lines[j]!;
    if (info.kind === "section") {
      lines.splice(last + 1, 0, renderValues(remaining, ""));
      return lines.join("");
    }
    const match = WRITER_OPTION_RE.exec(withoutEol(lines[j]!));
    if (!match) continue;
    last = j;
    if (info.kind !== "option") continue;
    const key = findKey(
      doc.sections[sectionIndex]!.options.find((o) => o.line === j)!.key,
    );
    if (key === undefined) continue;
    const value = remaining.get(key)!;
    if (typeof value === "string") {
      lines[j] = `${key} = ${value}\n`;
      remaining.delete(key);
    } else {
      const startingIndent = LEADING_WS_RE.exec(match[1]!)![0].length;
      updateNested(
        doc,
        lines,
        j,
        startingIndent,
        new Map(Object.entries(value)),
      );
      return lines.join("");
    }
  }
  if (remaining.size > 0) {
    if (!lines[lines.length - 1]!.endsWith("\n")) lines.push("\n");
    // The AWS CLI inserts one line below the last setting here (list.insert(last + 2)).
    lines.splice(last + 2, 0, renderValues(remaining, ""));
  }
  return lines.join("");
}

function updateNested(
  doc: IniDocument,
  lines: string[],
  optionLine: number,
  startingIndent: number,
  values: Map<string, string>,
): void {
  let currentIndent: number | undefined;
  for (let i = optionLine + 1; i < lines.length; i++) {
    const info = doc.lines[i]!;
    const match = WRITER_OPTION_RE.exec(withoutEol(lines[i]!));
    if (match) {
      currentIndent = LEADING_WS_RE.exec(match[1]!)![0].length;
      const key = pyStrip(match[1]!);
      if (
        info.kind === "continuation" && info.optionLine === optionLine &&
        values.has(key)
      ) {
        lines[i] = `${" ".repeat(currentIndent)}${key} = ${values.get(key)}\n`;
        values.delete(key);
      }
    }
    if (currentIndent === startingIndent || info.kind === "section") {
      lines.splice(i, 0, renderValues(values, "    "));
      return;
    }
  }
  if (values.size === 0) return;
  if (!lines[lines.length - 1]!.endsWith("\n")) lines.push("\n");
  lines.push(renderValues(values, "    "));
}
