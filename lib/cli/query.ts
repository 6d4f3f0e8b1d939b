/**
 * The AWS CLI's global `--query`: a JMESPath expression applied to a
 * command's result before it is printed. The JMESPath library is loaded only
 * when a query is given, so no other command pays for it.
 *
 * @example
 * ```ts
 * const query = await compileQuery("[Account, Arn]");
 * query({ Account: "111122223333", Arn: "arn:aws:iam::111122223333:user/demo" });
 * // ["111122223333", "arn:aws:iam::111122223333:user/demo"]
 * ```
 * @module
 */

import { UsageError } from "../errors.ts";
import { safeText } from "../util/safe_text.ts";
import type { JsonValue } from "../util/aws_output.ts";

/** A compiled query. */
export type Query = (data: JsonValue) => JsonValue;

/** What we use of the jmespath package (it ships no types). */
interface JmesPath {
  compile(expression: string): unknown;
  search(data: unknown, expression: string): unknown;
}

/**
 * Compiles a JMESPath expression.
 *
 * @throws {UsageError} with the AWS CLI's "Bad value for --query" when it is not valid JMESPath.
 */
export async function compileQuery(expression: string): Promise<Query> {
  const jmespath = (await import("jmespath")).default as JmesPath;
  try {
    // Parse now, so a bad expression is a usage error before any call is made.
    jmespath.compile(expression);
  } catch (error) {
    throw new UsageError(
      `Bad value for --query ${
        safeText(expression)
      }: Invalid jmespath expression: ${safeText((error as Error).message)}`,
    );
  }
  return (data) => jmespath.search(data, expression) as JsonValue;
}
