/**
 * Text from outside the program (a callback's query, a pasted code, a
 * service's error message, a child process's stderr, a value from a cache
 * file) made safe to print: C0 and C1 control characters, DEL, line and
 * paragraph separators and bidirectional overrides are shown as escapes, so
 * such text cannot clear the screen, set the window title, write the
 * clipboard (OSC 52) or fake a line of output.
 *
 * @example
 * ```ts
 * safeText("ok\x1b]0;pwned\x07\nfake"); // "ok\\x1b]0;pwned\\x07\\nfake"
 * safeLines("line one\nline\x1b[2J two"); // "line one\nline\\x1b[2J two"
 * ```
 * @module
 */

// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (c === "\t") return "\\t";
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** The text on one line, with every control character escaped. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** The text with every control character but the line feed escaped (for our own multi-line messages). */
export function safeLines(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escape);
}

/**
 * Whether the text has any character {@linkcode safeText} would escape (a
 * loop, not the expression: the hot path checks every profile name, and a
 * regular expression costs its compilation the first time).
 */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 ||
      (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
    ) return true;
  }
  return false;
}
