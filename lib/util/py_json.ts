/**
 * JSON the way Python's `json.dumps` writes it, as botocore and the AWS CLI
 * write their caches: by default its separators (`", "` and `": "`), no
 * indentation, and `ensure_ascii` (everything outside printable ASCII
 * escaped as `\uXXXX`, lowercase hex); optionally `sort_keys=True` and the
 * compact separators `(",", ":")` (botocore's SSO role cache key).
 *
 * @example
 * ```ts
 * pyJsonDumps({ a: 1, b: ["x", "é"] }); // '{"a": 1, "b": ["x", "\\u00e9"]}'
 * pyJsonDumps({ b: 1, a: 2 }, { sortKeys: true, compact: true }); // '{"a":2,"b":1}'
 * ```
 * @module
 */

/** Python's `json.dumps` options that the AWS tools use. */
export interface PyJsonOptions {
  /** `sort_keys=True`: every object's keys in code-point order. */
  readonly sortKeys?: boolean;
  /** `separators=(",", ":")` instead of the default `(", ", ": ")`. */
  readonly compact?: boolean;
}

const encoder = new TextEncoder();

/**
 * Whether JSON text is printable ASCII (what Python's `ensure_ascii` leaves
 * alone): `JSON.stringify` escapes control characters, which leaves DEL and
 * whatever is not ASCII (more UTF-8 bytes than characters). The runtime's
 * own scans: a loop over a session token here is hot enough for V8 to
 * optimize it, which costs more than the scan (and an expression, its
 * compilation, twice).
 */
function printableJson(json: string): boolean {
  return encoder.encode(json).length === json.length && !json.includes("\x7f");
}

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** A string as Python's json.dumps writes it (`ensure_ascii`: `\\uXXXX` beyond printable ASCII). */
export function pyJsonString(text: string): string {
  const json = JSON.stringify(text);
  return printableJson(json)
    ? json
    : json.replace(/[^\x20-\x7e]/g, unicodeEscape);
}

// Python compares str keys by code point; JS's default sort compares UTF-16 units (the same below U+D800).
function byCodePoint(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

/** Serializes a JSON value as Python's `json.dumps(value)` does (with `options`). */
export function pyJsonDumps(
  value: unknown,
  options: PyJsonOptions = {},
): string {
  return dump(
    value,
    options.compact ? "," : ", ",
    options.compact ? ":" : ": ",
    options.sortKeys ?? false,
  );
}

// Plain functions and loops, no closures: the hot path runs this cold (see scripts/eager.ts).
function dump(v: unknown, item: string, pair: string, sort: boolean): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return pyJsonString(v);
  if (typeof v === "number") {
    return Number.isFinite(v) ? JSON.stringify(v) : "null";
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  let out = "";
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      out += `${i > 0 ? item : ""}${dump(v[i], item, pair, sort)}`;
    }
    return `[${out}]`;
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (sort) keys.sort(byCodePoint);
    for (const k of keys) {
      if (o[k] === undefined) continue;
      out += `${out === "" ? "" : item}${pyJsonString(k)}${pair}${
        dump(o[k], item, pair, sort)
      }`;
    }
    return `{${out}}`;
  }
  return "null";
}
