/**
 * `--cli-error-format yaml` (and `--output yaml`) for a flat object of
 * scalars, byte for byte as the AWS CLI writes it with ruamel.yaml's safe
 * dumper (through libyaml's emitter, as the AWS CLI's builds have it): keys
 * sorted, each value plain when YAML allows it, else single-quoted, else
 * double-quoted, and long values folded at 80 columns as libyaml folds them.
 *
 * @example
 * ```ts
 * formatYaml({ Message: "Unable to retrieve credentials: no credentials found", Code: "Configuration" });
 * // "Code: Configuration\nMessage: 'Unable to retrieve credentials: no credentials found'\n"
 * ```
 * @module
 */

const BEST_WIDTH = 80;
const INDENT = 2;
const BREAKS = "\n\x85\u2028\u2029";
const WHITESPACE = "\0 \t\r\n\x85\u2028\u2029";

/** Scalars YAML 1.2 reads as something else than a string (ruamel's implicit resolvers). */
const NOT_A_STRING = [
  /^(?:true|True|TRUE|false|False|FALSE)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

interface Analysis {
  readonly multiline: boolean;
  readonly empty: boolean;
  readonly blockPlain: boolean;
  readonly singleQuoted: boolean;
}

const isBreak = (ch: string | undefined) =>
  ch !== undefined && BREAKS.includes(ch);
/** Space, tab, a break, or the end: libyaml's `IS_BLANKZ`. */
const isBlankOrEnd = (ch: string | undefined) =>
  ch === undefined || WHITESPACE.includes(ch);

/** libyaml's `IS_PRINTABLE` (which leaves out NEL and everything beyond U+FFFF). */
function isPrintable(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

/** libyaml's `yaml_emitter_analyze_scalar` (the AWS CLI's ruamel dumps through it), for a block mapping. */
function analyze(chars: readonly string[]): Analysis {
  if (chars.length === 0) {
    return {
      multiline: false,
      empty: true,
      blockPlain: true,
      singleQuoted: true,
    };
  }
  const text = chars.join("");
  let blockIndicators = text.startsWith("---") || text.startsWith("...");
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false, leadingBreak = false;
  let trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false;
  let precededByWhitespace = true;
  let followedByWhitespace = isBlankOrEnd(chars[1]);
  let previousSpace = false, previousBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) blockIndicators = true;
      if ("?:".includes(ch) && followedByWhitespace) blockIndicators = true;
      if (ch === "-" && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ":" && followedByWhitespace) blockIndicators = true;
      if (ch === "#" && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(ch)) special = true;
    if (isBreak(ch)) lineBreaks = true;
    if (ch === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(ch);
    followedByWhitespace = isBlankOrEnd(chars[i + 2]);
  }
  let blockPlain = true;
  let singleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    blockPlain = false;
  }
  if (breakSpace || spaceBreak || special) blockPlain = singleQuoted = false;
  if (lineBreaks || blockIndicators) blockPlain = false;
  return { multiline: lineBreaks, empty: false, blockPlain, singleQuoted };
}

const ESCAPES: Readonly<Record<string, string>> = {
  "\0": "0",
  "\x07": "a",
  "\x08": "b",
  "\x09": "t",
  "\x0A": "n",
  "\x0B": "v",
  "\x0C": "f",
  "\x0D": "r",
  "\x1B": "e",
  '"': '"',
  "\\": "\\",
  "\x85": "N",
  "\xA0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

/** libyaml's emitter state, for one block mapping of scalars. */
class Writer {
  out = "";
  column = 0;
  whitespace = true;
  indention = true;
  /** The indentation of continuation lines (0 for keys, 2 for values). */
  indent = 0;

  put(text: string): void {
    this.out += text;
    this.column += [...text].length;
  }

  lineBreak(): void {
    this.out += "\n";
    this.column = 0;
  }

  /** libyaml's `WRITE_BREAK`: a line feed is a line break; another break character is written as it is. */
  writeBreak(ch: string): void {
    if (ch === "\n") this.lineBreak();
    else {
      this.out += ch;
      this.column = 0;
    }
  }

  writeIndent(): void {
    if (
      !this.indention || this.column > this.indent ||
      (this.column === this.indent && !this.whitespace)
    ) this.lineBreak();
    while (this.column < this.indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }

  indicator(text: string, needWhitespace: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    this.put(text);
    this.whitespace = false;
    this.indention = false;
  }

  plain(chars: readonly string[], allowBreaks: boolean): void {
    if (!this.whitespace && chars.length > 0) this.put(" ");
    let spaces = false, breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === " ") {
        if (
          allowBreaks && !spaces && this.column > BEST_WIDTH &&
          chars[i + 1] !== " "
        ) this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === "\n") this.lineBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        spaces = breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  singleQuoted(chars: readonly string[], allowBreaks: boolean): void {
    this.indicator("'", true);
    let spaces = false, breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      if (ch === " ") {
        if (
          allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 &&
          i !== chars.length - 1 && chars[i + 1] !== " "
        ) this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === "\n") this.lineBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = breaks = false;
      }
    }
    if (breaks) this.writeIndent();
    this.indicator("'", false);
  }

  doubleQuoted(chars: readonly string[], allowBreaks: boolean): void {
    this.indicator('"', true);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const c = ch.codePointAt(0)!;
      if (
        !isPrintable(ch) || c === 0xfeff || isBreak(ch) || ch === '"' ||
        ch === "\\"
      ) {
        this.put(
          ESCAPES[ch] !== undefined
            ? `\\${ESCAPES[ch]}`
            : c <= 0xff
            ? `\\x${c.toString(16).toUpperCase().padStart(2, "0")}`
            : c <= 0xffff
            ? `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`
            : `\\U${c.toString(16).toUpperCase().padStart(8, "0")}`,
        );
        spaces = false;
      } else if (ch === " ") {
        if (
          allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 &&
          i !== chars.length - 1
        ) {
          this.writeIndent();
          if (chars[i + 1] === " ") this.put("\\");
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.indicator('"', false);
  }

  /** libyaml's `yaml_emitter_select_scalar_style`, then the writer. */
  scalar(text: string, simpleKey: boolean): void {
    const chars = [...text];
    const a = analyze(chars);
    const implicit = !NOT_A_STRING.some((re) => re.test(text));
    let style: "plain" | "single" | "double" = simpleKey && a.multiline
      ? "double"
      : "plain";
    if (style === "plain") {
      if (!a.blockPlain) style = "single";
      if (a.empty && simpleKey) style = "single";
      if (!implicit) style = "single";
    }
    if (style === "single" && !a.singleQuoted) style = "double";
    const allowBreaks = !simpleKey;
    if (style === "plain") this.plain(chars, allowBreaks);
    else if (style === "single") this.singleQuoted(chars, allowBreaks);
    else this.doubleQuoted(chars, allowBreaks);
  }
}

/** A scalar that is not a string, as YAML writes it. */
function nonString(value: number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  return String(value);
}

/** The YAML document of a flat object of scalars (keys sorted, as the AWS CLI's dumper sorts them). */
export function formatYaml(
  value: Readonly<Record<string, string | number | boolean | null>>,
): string {
  const keys = Object.keys(value).sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  if (keys.length === 0) return "{}\n";
  const w = new Writer();
  for (const key of keys) {
    w.indent = 0;
    w.writeIndent();
    w.scalar(key, true);
    w.indicator(":", false);
    w.indent = INDENT;
    const v = value[key]!;
    if (typeof v === "string") w.scalar(v, false);
    else w.plain([...nonString(v)], true);
  }
  w.lineBreak();
  return w.out;
}
