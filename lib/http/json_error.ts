/**
 * Reading an AWS JSON error answer as botocore does (restJson1 and
 * awsJson): the code from `x-amzn-ErrorType` (before the first `:`), else
 * the body's `code`, `Code` or `__type` (after the last `#`), else the HTTP
 * status; a body that is not JSON becomes the message. Shared by the
 * Sign-In, IAM Identity Center OIDC and portal clients.
 *
 * @example
 * ```ts
 * const headers = new Headers({ "x-amzn-ErrorType": "AuthorizationPendingException:http://internal.amazon.com/coral/" });
 * errorCodeOf(headers, {}, 400); // "AuthorizationPendingException"
 * ```
 * @module
 */

/**
 * The error code of an AWS JSON error response, with botocore's precedence.
 *
 * @example
 * ```ts
 * errorCodeOf(new Headers(), { __type: "com.amazon#SlowDownException" }, 400); // "SlowDownException"
 * ```
 */
export function errorCodeOf(
  headers: Headers,
  body: Record<string, unknown>,
  status: number,
): string {
  const header = headers.get("x-amzn-errortype");
  if (header) return header.split(":")[0]!.split("#").pop()!;
  for (const key of ["code", "Code", "__type"]) {
    const v = body[key];
    if (typeof v === "string" && v !== "") {
      return v.split(":")[0]!.split("#").pop()!;
    }
  }
  return String(status);
}

/**
 * An error answer's body as botocore parses it: the JSON object, `{}` for
 * an empty body or JSON that is not an object, and `{ message: text }` for
 * a body that is not JSON at all (a proxy's page).
 *
 * @example
 * ```ts
 * errorBody('{"message":"No access"}'); // { message: "No access" }
 * errorBody("Bad Gateway"); // { message: "Bad Gateway" }
 * ```
 */
export function errorBody(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: text };
  }
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
    ? parsed as Record<string, unknown>
    : {};
}
