/**
 * `configure export-credentials` output, byte for byte as the AWS CLI prints
 * it (protocol.md §11).
 *
 * @example
 * ```ts
 * formatCredentials(
 *   { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI", method: "env" },
 *   "env",
 * ); // "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n"
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { pyJsonString } from "../util/py_json.ts";
import { isoUtc } from "../util/time.ts";
import type { Credentials } from "./types.ts";

/** The formats, in the AWS CLI's order. */
export const FORMATS = [
  "process",
  "env",
  "env-no-export",
  "powershell",
  "windows-cmd",
  "fish",
] as const;

/** One of {@linkcode FORMATS}. */
export type CredentialFormat = typeof FORMATS[number];

/** Python's `datetime.isoformat()` of a UTC time: `+00:00`, microseconds only when not zero. */
export function isoformat(ms: number): string {
  const iso = isoUtc(ms); // 2025-09-01T18:39:33.123Z
  const millis = iso.slice(20, 23);
  return millis === "000"
    ? `${iso.slice(0, 19)}+00:00`
    : `${iso.slice(0, 19)}.${millis}000+00:00`;
}

/** One assignment of a shell format. */
function shellLine(
  format: Exclude<CredentialFormat, "process">,
  n: string,
  v: string,
): string {
  switch (format) {
    case "env":
      return `export ${n}=${v}`;
    case "env-no-export":
      return `${n}=${v}`;
    case "powershell":
      return `$Env:${n}="${v}"`;
    case "windows-cmd":
      return `set ${n}=${v}`;
    case "fish":
      return `set -gx ${n} "${v}"`;
  }
}

/** A shell format's assignment of a value that must be safe to evaluate. */
function assign(
  format: Exclude<CredentialFormat, "process">,
  name: string,
  value: string,
): string {
  return shellLine(format, name, checkShellSafe(name, value));
}

// Access key ids, base64 secrets and session tokens, ISO 8601 times: nothing a shell would act on.
const SHELL_SAFE = /^[A-Za-z0-9+/=._:-]*$/;

/**
 * The shell formats print values unquoted (or in double quotes), as the AWS
 * CLI does, so a value a shell would act on is refused instead of printed.
 * Real credentials never have such characters, so real output stays
 * byte-identical to the AWS CLI's.
 */
function checkShellSafe(name: string, value: string): string {
  if (!SHELL_SAFE.test(value)) {
    throw new ConfigurationError(
      `Cannot print the credentials for a shell: ${name} has characters that AWS credentials never contain, ` +
        "so evaluating the output could run commands. Check where the credentials come from (--debug shows " +
        "it), or use --format process.",
    );
  }
  return value;
}

/** Formats credentials for stdout. */
export function formatCredentials(
  creds: Credentials,
  format: CredentialFormat,
): string {
  const expiration = creds.expiration === undefined
    ? undefined
    : isoformat(creds.expiration);
  if (format === "process") {
    // Python's json.dumps(..., indent=2) of the AWS CLI's dict, in its key order.
    let body = `  "Version": 1,\n  "AccessKeyId": ${
      pyJsonString(creds.accessKeyId)
    },\n  "SecretAccessKey": ${pyJsonString(creds.secretAccessKey)}`;
    if (creds.sessionToken !== undefined) {
      body += `,\n  "SessionToken": ${pyJsonString(creds.sessionToken)}`;
    }
    if (expiration !== undefined) {
      body += `,\n  "Expiration": ${pyJsonString(expiration)}`;
    }
    return `{\n${body}\n}\n`;
  }
  let out = `${assign(format, "AWS_ACCESS_KEY_ID", creds.accessKeyId)}\n${
    assign(format, "AWS_SECRET_ACCESS_KEY", creds.secretAccessKey)
  }\n`;
  if (creds.sessionToken !== undefined) {
    out += `${assign(format, "AWS_SESSION_TOKEN", creds.sessionToken)}\n`;
  }
  if (expiration !== undefined) {
    out += `${assign(format, "AWS_CREDENTIAL_EXPIRATION", expiration)}\n`;
  }
  return out;
}
