/**
 * Service results printed as the AWS CLI prints them: `--output json`
 * (Python's `json.dumps(..., indent=4, ensure_ascii=False)`) and
 * `--output text` (the AWS CLI's text formatter: scalars bare, lists of
 * scalars tab-separated, a dict's scalar values in key order on one line,
 * nested values on lines of their own prefixed with their key).
 *
 * @example
 * ```ts
 * formatJson({ Account: "111122223333" }); // '{\n    "Account": "111122223333"\n}\n'
 * formatText(["111122223333", "arn:aws:iam::111122223333:user/demo"]);
 * // "111122223333\tarn:aws:iam::111122223333:user/demo\n"
 * ```
 * @module
 */

/** A JSON value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

function isObject(v: unknown): v is Record<string, JsonValue> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function pretty(value: JsonValue, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const inner = `${indent}    `;
    return `[\n${
      value.map((v) => inner + pretty(v, inner)).join(",\n")
    }\n${indent}]`;
  }
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const inner = `${indent}    `;
    return `{\n${
      entries.map(([k, v]) =>
        `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`
      )
        .join(",\n")
    }\n${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** `--output json`. */
export function formatJson(value: JsonValue): string {
  return `${pretty(value, "")}\n`;
}

/** Python's `str()` of a scalar. */
function str(value: JsonValue): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  return String(value);
}

const isScalar = (v: JsonValue) => v === null || typeof v !== "object";

function formatAny(
  item: JsonValue,
  out: string[],
  identifier?: string,
  scalarKeys?: string[],
): void {
  if (isObject(item)) formatDict(item, out, identifier, scalarKeys);
  else if (Array.isArray(item)) formatList(item, out, identifier);
  else out.push(`${str(item)}\n`);
}

function formatScalarList(
  elements: JsonValue[],
  out: string[],
  identifier?: string,
): void {
  if (identifier !== undefined) {
    for (const e of elements) {
      out.push(`${identifier.toUpperCase()}\t${str(e)}\n`);
    }
  } else {
    out.push(`${elements.map(str).join("\t")}\n`);
  }
}

function formatList(
  items: JsonValue[],
  out: string[],
  identifier?: string,
): void {
  if (items.length === 0) return;
  if (items.some(isObject)) {
    const keys = new Set<string>();
    for (const item of items) {
      if (!isObject(item)) continue;
      for (const [k, v] of Object.entries(item)) if (isScalar(v)) keys.add(k);
    }
    const scalarKeys = [...keys].sort();
    for (const item of items) formatAny(item, out, identifier, scalarKeys);
  } else if (items.some(Array.isArray)) {
    const scalars = items.filter(isScalar);
    if (scalars.length > 0) formatScalarList(scalars, out, identifier);
    for (const item of items.filter((i) => !isScalar(i))) {
      formatAny(item, out, identifier);
    }
  } else formatScalarList(items, out, identifier);
}

function formatDict(
  item: Record<string, JsonValue>,
  out: string[],
  identifier?: string,
  scalarKeys?: string[],
): void {
  const scalars: string[] = [];
  const nested: [string, JsonValue][] = [];
  if (scalarKeys === undefined) {
    for (const [k, v] of Object.entries(item).sort(([a], [b]) => cmp(a, b))) {
      if (isScalar(v)) scalars.push(str(v));
      else nested.push([k, v]);
    }
  } else {
    for (const k of scalarKeys) scalars.push(k in item ? str(item[k]!) : "");
    for (
      const k of Object.keys(item).filter((k) => !scalarKeys.includes(k)).sort(
        cmp,
      )
    ) {
      nested.push([k, item[k]!]);
    }
  }
  if (scalars.length > 0) {
    if (identifier !== undefined) scalars.unshift(identifier.toUpperCase());
    out.push(`${scalars.join("\t")}\n`);
  }
  for (const [k, v] of nested) formatAny(v, out, k);
}

// Python sorts strings by code point.
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `--output text`. */
export function formatText(value: JsonValue): string {
  const out: string[] = [];
  formatAny(value, out);
  return out.join("");
}
