/**
 * JSON the way botocore writes the login cache: Python's `json.dumps` with
 * its default separators (`", "` and `": "`), no indentation, and
 * `ensure_ascii` (everything outside printable ASCII escaped as `\uXXXX`).
 *
 * @example
 * ```ts
 * pyJsonDumps({ a: 1, b: ["x", "é"] }); // '{"a": 1, "b": ["x", "\\u00e9"]}'
 * ```
 * @module
 */

function str(text: string): string {
  return JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Serializes a JSON value as Python's `json.dumps(value)` does. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return str(value);
  if (typeof value === "number") {
    return Number.isFinite(value) ? JSON.stringify(value) : "null";
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(", ")}]`;
  if (typeof value === "object") {
    return `{${
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${str(k)}: ${pyJsonDumps(v)}`)
        .join(", ")
    }}`;
  }
  return "null";
}
