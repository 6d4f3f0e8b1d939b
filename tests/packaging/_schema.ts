/**
 * A JSON Schema validator for the keywords the package-manager fixtures use
 * (type, const, enum, pattern, min/maxLength, format uri/regex, properties,
 * required, additionalProperties, items, min/maxItems, uniqueItems, $ref,
 * anyOf, oneOf, not). Returns every violation as "path: what".
 *
 * @module
 */

type Schema = Record<string, unknown>;

const typeOf = (v: unknown) =>
  v === null
    ? "null"
    : Array.isArray(v)
    ? "array"
    : Number.isInteger(v)
    ? "integer"
    : typeof v;

/** The violations of `value` against `schema` (empty when valid). */
export function validate(schema: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(schema, schema, value, "$", errors);
  return errors;
}

function resolve(root: Schema, ref: string): Schema {
  let at: unknown = root;
  for (const part of ref.replace(/^#\//, "").split("/")) {
    at = (at as Schema)[part];
  }
  if (!at) throw new Error(`Unresolved $ref ${ref}`);
  return at as Schema;
}

function check(
  root: Schema,
  schema: Schema,
  value: unknown,
  path: string,
  errors: string[],
): void {
  const fail = (what: string) => void errors.push(`${path}: ${what}`);
  if (typeof schema.$ref === "string") {
    check(root, resolve(root, schema.$ref), value, path, errors);
  }
  if (schema.type !== undefined) {
    const types = ([] as unknown[]).concat(schema.type);
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) {
      return fail(`is ${t}, not ${types.join(" or ")}`);
    }
  }
  if ("const" in schema && value !== schema.const) {
    fail(`is ${JSON.stringify(value)}, not ${JSON.stringify(schema.const)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    fail(`${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (
      typeof schema.pattern === "string" &&
      !new RegExp(schema.pattern, "u").test(value)
    ) {
      fail(`${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
    if (typeof schema.minLength === "number" && length < schema.minLength) {
      fail(`shorter than ${schema.minLength}`);
    }
    if (typeof schema.maxLength === "number" && length > schema.maxLength) {
      fail(`longer than ${schema.maxLength}`);
    }
    if (
      schema.format === "uri" && !/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value)
    ) fail(`${value} is not a URI`);
    if (schema.format === "regex") {
      try {
        new RegExp(value.replace(/^\(\?m\)/, ""));
      } catch {
        fail(`${value} is not a regular expression`);
      }
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) {
      fail(`fewer than ${schema.minItems} items`);
    }
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) {
      fail(`more than ${schema.maxItems} items`);
    }
    if (
      schema.uniqueItems &&
      new Set(value.map((v) => JSON.stringify(v))).size !== value.length
    ) fail("has duplicate items");
    if (schema.items) {
      value.forEach((v, i) =>
        check(root, schema.items as Schema, v, `${path}[${i}]`, errors)
      );
    }
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in object)) fail(`lacks ${key}`);
    }
    for (const [key, v] of Object.entries(object)) {
      if (properties[key]) {
        check(root, properties[key]!, v, `${path}.${key}`, errors);
      } else if (schema.additionalProperties === false && schema.properties) {
        fail(`has unknown field ${key}`);
      }
    }
  }
  const passes = (s: Schema) => {
    const inner: string[] = [];
    check(root, s, value, path, inner);
    return inner.length === 0;
  };
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some(passes)) {
    fail("matches none of anyOf");
  }
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter(passes).length !== 1) {
    fail("does not match exactly one of oneOf");
  }
  if (schema.not && passes(schema.not as Schema)) {
    fail("matches what it must not");
  }
}
