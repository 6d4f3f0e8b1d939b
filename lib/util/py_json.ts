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

function str(text: string): string {
  return JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

// Python compares str keys by code point; JS's default sort compares UTF-16 units (the same below U+D800).
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return x.length - y.length;
}

/** Serializes a JSON value as Python's `json.dumps(value)` does (with `options`). */
export function pyJsonDumps(
  value: unknown,
  options: PyJsonOptions = {},
): string {
  const item = options.compact ? "," : ", ";
  const pair = options.compact ? ":" : ": ";
  const dump = (v: unknown): string => {
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return str(v);
    if (typeof v === "number") {
      return Number.isFinite(v) ? JSON.stringify(v) : "null";
    }
    if (typeof v === "boolean") return v ? "true" : "false";
    if (Array.isArray(v)) return `[${v.map(dump).join(item)}]`;
    if (typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined);
      if (options.sortKeys) entries.sort(([a], [b]) => byCodePoint(a, b));
      return `{${
        entries.map(([k, x]) => `${str(k)}${pair}${dump(x)}`).join(item)
      }}`;
    }
    return "null";
  };
  return dump(value);
}
