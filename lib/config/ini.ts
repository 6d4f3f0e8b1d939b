/**
 * A lossless model of the AWS shared config and credentials files.
 *
 * Parsing follows the AWS tools exactly: botocore reads these files with
 * Python's `configparser.RawConfigParser` (strict mode, `=` and `:` as
 * delimiters, full-line `#`/`;` comments, lowercased keys, indented lines
 * continue the previous value) and then parses values that start on the next
 * line as nested `key = value` maps. A file those tools refuse is refused here
 * too, with the line number and what was expected.
 *
 * Every line keeps its exact text and line ending, so
 * `serializeIni(parseIni(text)) === text` for every accepted text.
 *
 * @example
 * ```ts
 * const doc = parseIni("[default]\nregion = us-east-1\n", "~/.aws/config");
 * sectionValues(doc, doc.sections[0]!); // { region: "us-east-1" }
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";

/** What a line is, as the AWS tools read it. */
export type LineKind =
  | "section"
  | "option"
  | "continuation"
  | "comment"
  | "blank";

/** One physical line of the file. */
export interface IniLine {
  /** The text without its line ending. */
  readonly text: string;
  /** The line ending: `"\n"`, `"\r\n"`, `"\r"`, or `""` on a last line without one. */
  readonly eol: string;
  /** How the AWS tools read this line. */
  readonly kind: LineKind;
  /** Index in {@linkcode IniDocument.sections} of the section the line is in; -1 before the first. */
  readonly section: number;
  /** For option and continuation lines: the index of the option's first line. */
  readonly optionLine?: number;
}

/** A `key = value` setting, possibly spread over continuation lines. */
export interface IniOption {
  /** The key as the AWS tools see it (trimmed, lowercased). */
  readonly key: string;
  /** Line index of `key = ...`. */
  readonly line: number;
  /** The value: the text after the delimiter, joined with any continuation lines. */
  readonly value: string;
}

/** A `[name]` section. */
export interface IniSection {
  /** The text between the brackets, as written (`profile dev`, `default`). */
  readonly name: string;
  /** Line index of the header. */
  readonly line: number;
  /** Its settings, in file order. */
  readonly options: readonly IniOption[];
}

/** A parsed file. */
export interface IniDocument {
  readonly lines: readonly IniLine[];
  readonly sections: readonly IniSection[];
}

/** A value as the AWS tools return it: a string, or a nested map for `key =` followed by indented lines. */
export type IniValue = string | Record<string, string>;

/** The file is not one the AWS tools accept. Nothing is ever written back to such a file. */
export class ConfigParseError extends ConfigurationError {
  /** The file that failed. */
  readonly file: string;
  /** 1-based line number, or 0 when the problem is not on one line. */
  readonly lineNumber: number;
  constructor(file: string, lineNumber: number, problem: string) {
    super(
      lineNumber > 0
        ? `Cannot parse config file "${file}" at line ${lineNumber}: ${problem}`
        : `Cannot parse config file "${file}": ${problem}`,
    );
    this.name = "ConfigParseError";
    this.file = file;
    this.lineNumber = lineNumber;
  }
}

// Python's str.isspace() set, which `str.strip()` and `re`'s `\s` use.
const WS =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const STRIP_RE = new RegExp(`^[${WS}]+|[${WS}]+$`, "g");
const RSTRIP_RE = new RegExp(`[${WS}]+$`);
const LSTRIP_RE = new RegExp(`^[${WS}]+`);
const NON_SPACE_RE = new RegExp(`[^${WS}]`);
// configparser.SECTCRE and OPTCRE, applied to the stripped line.
const SECTION_RE = /^\[([^\n]+)\]/;
const OPTION_RE = new RegExp(`^([^\\n]*?)[${WS}]*(=|:)[${WS}]*([^\\n]*)$`);
const LINE_RE = /\r\n|\r|\n/g;

/** Python's `str.strip()`. */
export function pyStrip(text: string): string {
  return text.replace(STRIP_RE, "");
}

/** Python's `str.rstrip()`. */
export function pyRstrip(text: string): string {
  return text.replace(RSTRIP_RE, "");
}

/** Python's `str.lstrip()`. */
export function pyLstrip(text: string): string {
  return text.replace(LSTRIP_RE, "");
}

/** Splits text into lines the way Python's universal-newline reader does, keeping each ending. */
export function splitLines(text: string): { text: string; eol: string }[] {
  const out: { text: string; eol: string }[] = [];
  let start = 0;
  LINE_RE.lastIndex = 0;
  for (let m = LINE_RE.exec(text); m !== null; m = LINE_RE.exec(text)) {
    out.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ text: text.slice(start), eol: "" });
  return out;
}

interface MutableOption {
  key: string;
  line: number;
  parts: string[];
}

interface MutableSection {
  name: string;
  line: number;
  options: MutableOption[];
}

/**
 * Parses the text of a config or credentials file.
 *
 * @param text The whole file.
 * @param file The file name used in error messages.
 * @throws {ConfigParseError} when the AWS tools would refuse the file.
 */
export function parseIni(text: string, file: string): IniDocument {
  const raw = splitLines(text);
  const lines: IniLine[] = [];
  const sections: MutableSection[] = [];
  const seenSections = new Map<string, number>();
  // (section name, key) -> line number, across re-opened [DEFAULT] blocks too.
  const seenKeys = new Map<string, number>();
  let current: MutableSection | undefined;
  let currentIndex = -1;
  let option: MutableOption | undefined;
  let indentLevel = 0;

  for (let i = 0; i < raw.length; i++) {
    const { text: lineText, eol } = raw[i]!;
    const stripped = pyStrip(lineText);
    const isComment = stripped.startsWith("#") || stripped.startsWith(";");
    if (isComment || stripped === "") {
      // An empty line inside a value becomes part of it (configparser's
      // empty_lines_in_values); a comment line does not.
      if (!isComment && current && option) option.parts.push("");
      lines.push({
        text: lineText,
        eol,
        kind: isComment ? "comment" : "blank",
        section: currentIndex,
      });
      continue;
    }
    const indent = lineText.search(NON_SPACE_RE);
    if (current && option && indent > indentLevel) {
      option.parts.push(stripped);
      lines.push({
        text: lineText,
        eol,
        kind: "continuation",
        section: currentIndex,
        optionLine: option.line,
      });
      continue;
    }
    indentLevel = indent;
    const sectionMatch = SECTION_RE.exec(stripped);
    if (sectionMatch) {
      const name = sectionMatch[1]!;
      const earlier = seenSections.get(name);
      if (earlier !== undefined && name !== "DEFAULT") {
        throw new ConfigParseError(
          file,
          i + 1,
          `section [${name}] already appears at line ${earlier + 1}. ` +
            `AWS tools refuse a file that repeats a section: merge the two and run the command again.`,
        );
      }
      seenSections.set(name, i);
      current = { name, line: i, options: [] };
      sections.push(current);
      currentIndex = sections.length - 1;
      option = undefined;
      lines.push({
        text: lineText,
        eol,
        kind: "section",
        section: currentIndex,
      });
      continue;
    }
    if (!current) {
      throw new ConfigParseError(
        file,
        i + 1,
        `expected a section header such as [default] before the first setting. ` +
          `Add the header the setting belongs to and run the command again.`,
      );
    }
    const optionMatch = OPTION_RE.exec(stripped);
    const rawKey = optionMatch ? pyRstrip(optionMatch[1]!) : "";
    if (!optionMatch || rawKey === "") {
      throw new ConfigParseError(
        file,
        i + 1,
        `expected "key = value", a [section] header or a comment. ` +
          `Fix or remove that line and run the command again.`,
      );
    }
    const key = rawKey.toLowerCase();
    const seenKey = `${current.name}\u0000${key}`;
    const earlierKey = seenKeys.get(seenKey);
    if (earlierKey !== undefined) {
      throw new ConfigParseError(
        file,
        i + 1,
        `"${key}" is already set at line ${
          earlierKey + 1
        } in section [${current.name}]. ` +
          `AWS tools refuse a setting that appears twice in a section: remove one and run the command again.`,
      );
    }
    seenKeys.set(seenKey, i);
    option = { key, line: i, parts: [optionMatch[3]!] };
    current.options.push(option);
    lines.push({
      text: lineText,
      eol,
      kind: "option",
      section: currentIndex,
      optionLine: i,
    });
  }

  const doc: IniDocument = {
    lines,
    sections: sections.map((s) => ({
      name: s.name,
      line: s.line,
      options: s.options.map((o) => ({
        key: o.key,
        line: o.line,
        value: pyRstrip(o.parts.join("\n")),
      })),
    })),
  };
  // botocore parses every value that starts on the next line as a nested map;
  // a nested line without "=" makes the whole file unreadable.
  for (const section of doc.sections) {
    for (const opt of section.options) {
      if (opt.value.startsWith("\n")) nestedOrThrow(doc, opt, file);
    }
  }
  return doc;
}

// Python's str.splitlines() separators, which botocore's nested parser uses.
// deno-lint-ignore no-control-regex -- these are the separators Python splits on
const SPLITLINES_RE = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

function parseNested(value: string): Record<string, string> | number {
  const out: Record<string, string> = {};
  const parts = value.split(SPLITLINES_RE);
  for (let i = 0; i < parts.length; i++) {
    const line = pyStrip(parts[i]!);
    if (line === "") continue;
    const eq = line.indexOf("=");
    if (eq < 0) return i;
    out[pyStrip(line.slice(0, eq))] = pyStrip(line.slice(eq + 1));
  }
  return out;
}

function nestedOrThrow(
  doc: IniDocument,
  opt: IniOption,
  file: string,
): Record<string, string> {
  const parsed = parseNested(opt.value);
  if (typeof parsed !== "number") return parsed;
  // Find the physical line: the first continuation line of this option without "=".
  let lineNumber = opt.line + 1;
  for (let i = opt.line + 1; i < doc.lines.length; i++) {
    const line = doc.lines[i]!;
    if (
      line.kind === "continuation" && line.optionLine === opt.line &&
      !line.text.includes("=")
    ) {
      lineNumber = i + 1;
      break;
    }
  }
  throw new ConfigParseError(
    file,
    lineNumber,
    `expected "key = value" in the nested "${opt.key}" settings. ` +
      `Fix or remove that line and run the command again.`,
  );
}

/** Writes the document back out, byte for byte. */
export function serializeIni(doc: IniDocument): string {
  let out = "";
  for (const line of doc.lines) out += line.text + line.eol;
  return out;
}

/**
 * The settings of one section as botocore returns them: keys lowercased,
 * nested maps parsed, and the `[DEFAULT]` section's settings (which
 * configparser lends to every section) filled in.
 */
export function sectionValues(
  doc: IniDocument,
  section: IniSection,
): Record<string, IniValue> {
  const out: Record<string, IniValue> = {};
  const add = (opt: IniOption) => {
    out[opt.key] = opt.value.startsWith("\n")
      ? (parseNested(opt.value) as Record<string, string>)
      : opt.value;
  };
  for (const s of doc.sections) {
    if (s.name === "DEFAULT") s.options.forEach(add);
  }
  section.options.forEach(add);
  return out;
}
