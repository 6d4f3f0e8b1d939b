/**
 * One CSV row, as Python's `csv` module reads and writes it with minimal
 * quoting (the AWS CLI keeps its `_AWS_CLI_PROFILE_CHAIN` this way).
 *
 * @example
 * ```ts
 * csvRow(["dev", 'a "quoted", name']); // 'dev,"a ""quoted"", name"'
 * parseCsvRow('dev,"a ""quoted"", name"'); // ["dev", 'a "quoted", name']
 * ```
 * @module
 */

/** Parses one CSV row. */
export function parseCsvRow(text: string): string[] {
  if (text === "") return [];
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(field);
      field = "";
    } else field += c;
  }
  out.push(field);
  return out;
}

/** Writes one CSV row with minimal quoting. */
export function csvRow(fields: readonly string[]): string {
  return fields.map((
    f,
  ) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(",");
}
