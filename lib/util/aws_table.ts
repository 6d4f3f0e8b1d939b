/**
 * `--output table` (and `--cli-error-format table`) for a flat object of
 * scalars, as the AWS CLI's table formatter draws it: a title row, then the
 * keys (sorted) as column headers over one row of values, or, when that is
 * wider than the terminal, one `key | value` row per key. Widths are the AWS
 * CLI's (wide East Asian characters count two), scaled and rounded as
 * Python rounds.
 *
 * @example
 * ```ts
 * formatTable("error", { Code: "X", Message: "Y" }, 80);
 * // "-------------------\n|      error      |\n+-------+---------+\n|  Code |  Message|\n..."
 * ```
 * @module
 */

/** A scalar as Python's `str()` shows it. */
function str(value: string | number | boolean | null): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  return String(value);
}

// Wide and fullwidth ranges (East Asian Width W and F); ambiguous characters count one here.
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;

/** The AWS CLI's `get_text_length`. */
export function textLength(text: string): number {
  let n = 0;
  for (const ch of text) n += WIDE.test(ch) ? 2 : 1;
  return n;
}

/** Python's `round()`: half to even. */
function pyRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function centerText(text: string, length: number, leftEdge = "|"): string {
  const textLen = textLength(text);
  const start = Math.floor(length / 2) - Math.floor(textLen / 2) - 1;
  const soFar = leftEdge.length + start + textLen;
  return `${leftEdge}${" ".repeat(Math.max(0, start))}${text}${
    " ".repeat(Math.max(0, length - 1 - soFar))
  }|`;
}

function alignLeft(text: string, length: number, leftEdge: string): string {
  const textLen = textLength(text);
  const padding = length - (textLen + 2 + leftEdge.length + 1) >= 0 ? 2 : 0;
  const soFar = leftEdge.length + padding + textLen;
  return `${leftEdge}${" ".repeat(padding)}${text}${
    " ".repeat(Math.max(0, length - soFar - 1))
  }|`;
}

/** The AWS CLI's `calculate_column_widths(padding=4, max_width)`. */
function columnWidths(maxWidths: number[], maxWidth: number): number[] {
  const unscaled = maxWidths.map((w) => w + 4);
  const factor = maxWidth / unscaled.reduce((a, b) => a + b, 0);
  const scaled = unscaled.map((w) => pyRound(factor * w));
  let off = scaled.reduce((a, b) => a + b, 0) - maxWidth;
  while (off !== 0) {
    const order = [...scaled.keys()];
    if (off < 0) order.reverse();
    for (const i of order) {
      if (off > 0) {
        scaled[i]!--;
        off--;
      } else {
        scaled[i]!++;
        off++;
      }
      if (off === 0) break;
    }
  }
  return scaled;
}

function lineBreak(widths: number[]): string {
  return `${
    widths.map((w, i) =>
      i === 0 ? `+${"-".repeat(w - 2)}+` : `${"-".repeat(w - 1)}+`
    )
      .join("")
  }\n`;
}

/**
 * Draws `value` (a flat object of scalars) as the AWS CLI's table with the
 * given title, for a terminal `terminalWidth` columns wide (the AWS CLI uses
 * 80 when stdout is not a terminal).
 */
export function formatTable(
  title: string,
  value: Readonly<Record<string, string | number | boolean | null>>,
  terminalWidth: number,
): string {
  const keys = Object.keys(value).sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  if (keys.length === 0) return "";
  const values = keys.map((k) => str(value[k]!));
  // One row under headers (a single key: one key-value row), or turned on its side when too wide.
  let headers: string[] | undefined = keys.length === 1 ? undefined : keys;
  let rows: string[][] = keys.length === 1
    ? [[keys[0]!, values[0]!]]
    : [values];
  const widthsOf = () => {
    const all = headers ? [headers, ...rows] : rows;
    return all[0]!.map((_, i) =>
      Math.max(...all.map((r) => textLength(r[i]!)))
    );
  };
  const totalWidth = () =>
    Math.max(
      textLength(title) + 2,
      widthsOf().reduce((a, w) => a + w + 4, 0) + 2,
    );
  let maxWidth = totalWidth();
  if (maxWidth > terminalWidth && headers) {
    rows = headers.map((h, i) => [h, values[i]!]);
    headers = undefined;
    maxWidth = totalWidth();
  }
  let out = `${"-".repeat(maxWidth)}\n${centerText(title, maxWidth)}\n`;
  const widths = columnWidths(widthsOf(), maxWidth);
  if (headers) {
    out += lineBreak(widths);
    out += `${
      headers.map((h, i) => centerText(h, widths[i]!, i === 0 ? "|" : ""))
        .join("")
    }\n`;
  }
  out += lineBreak(widths);
  for (const row of rows) {
    out += `${
      row.map((cell, i) => alignLeft(cell, widths[i]!, i === 0 ? "|" : ""))
        .join("")
    }\n`;
  }
  out += lineBreak(widths);
  return out;
}
