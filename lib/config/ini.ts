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

/** Whether a UTF-16 code unit is whitespace to Python (`str.isspace()`, which `strip()` and `re`'s `\s` use). */
export function isPySpace(c: number): boolean {
  return (c >= 9 && c <= 13) || (c >= 28 && c <= 32) || c === 0x85 ||
    c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Python's `str.strip()`. */
export function pyStrip(text: string): string {
  return pyRstrip(pyLstrip(text));
}

/** Python's `str.rstrip()`. */
export function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && isPySpace(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Python's `str.lstrip()`. */
export function pyLstrip(text: string): string {
  let start = 0;
  while (start < text.length && isPySpace(text.charCodeAt(start))) start++;
  return start === 0 ? text : text.slice(start);
}

/** Splits text into lines the way Python's universal-newline reader does, keeping each ending. */
export function splitLines(text: string): { text: string; eol: string }[] {
  const out: { text: string; eol: string }[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    const crlf = c === 13 && text.charCodeAt(i + 1) === 10;
    out.push({
      text: text.slice(start, i),
      eol: crlf ? "\r\n" : c === 13 ? "\r" : "\n",
    });
    if (crlf) i++;
    start = i + 1;
  }
  if (start < text.length) out.push({ text: text.slice(start), eol: "" });
  return out;
}

/** configparser's SECTCRE on a stripped line: `[` ... the last `]`, with at least one character between. */
function sectionHeader(stripped: string): string | undefined {
  if (stripped.charCodeAt(0) !== 91) return undefined; // [
  const close = stripped.lastIndexOf("]");
  return close >= 2 ? stripped.slice(1, close) : undefined;
}

/** configparser's OPTCRE on a stripped line: the key before the first `=` or `:`, and the value after it. */
function optionParts(
  stripped: string,
): { key: string; value: string } | undefined {
  for (let i = 0; i < stripped.length; i++) {
    const c = stripped.charCodeAt(i);
    if (c === 61 || c === 58) {
      return {
        key: pyRstrip(stripped.slice(0, i)),
        value: pyLstrip(stripped.slice(i + 1)),
      };
    }
  }
  return undefined;
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
    let indent = 0;
    while (isPySpace(lineText.charCodeAt(indent))) indent++;
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
    const name = sectionHeader(stripped);
    if (name !== undefined) {
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
    const parts = optionParts(stripped);
    if (!parts || parts.key === "") {
      throw new ConfigParseError(
        file,
        i + 1,
        `expected "key = value", a [section] header or a comment. ` +
          `Fix or remove that line and run the command again.`,
      );
    }
    const key = parts.key.toLowerCase();
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
    option = { key, line: i, parts: [parts.value] };
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
