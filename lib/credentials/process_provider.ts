/**
 * `credential_process`, run as the AWS SDKs run it: the command line split
 * like a shell would, its stdout read as JSON with `Version` 1,
 * `AccessKeyId`, `SecretAccessKey`, and optional `SessionToken` and
 * `Expiration`.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * declare const ctx: ProviderContext;
 * const creds = await processCredentials("aws-signin configure export-credentials --profile x", ctx, {});
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";
import { splitCommandLine } from "./own_command.ts";
import { safeText } from "../util/safe_text.ts";
import { parseTime } from "../util/time.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** The process failed or printed something that is not credentials. */
export class CredentialProcessError extends AwsSigninError {
  constructor(detail: string) {
    super(`Error when retrieving credentials from custom-process: ${detail}`);
    this.name = "CredentialProcessError";
  }
}

/** Runs the command and reads its credentials. `extraEnv` is added to the child's environment. */
export async function processCredentials(
  commandLine: string,
  ctx: ProviderContext,
  extraEnv: Record<string, string>,
): Promise<Credentials> {
  const argv = splitCommandLine(commandLine);
  if (!argv || argv.length === 0) {
    throw new CredentialProcessError(
      `cannot parse the command line "${commandLine}"`,
    );
  }
  ctx.debug(`running credential_process ${argv[0]}`);
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      env: extraEnv,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    }).output();
  } catch (error) {
    throw new CredentialProcessError(
      `cannot run "${argv[0]}": ${(error as Error).message}`,
    );
  }
  if (!output.success) {
    const stderr = safeText(new TextDecoder().decode(output.stderr).trim());
    throw new CredentialProcessError(
      stderr || `the process exited with code ${output.code}`,
    );
  }
  return parseProcessOutput(new TextDecoder().decode(output.stdout));
}

/** Reads what a credential process printed, as the AWS SDKs read it. */
export function parseProcessOutput(stdout: string): Credentials {
  let parsed: Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(stdout);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new Error();
    }
    parsed = value as Record<string, unknown>;
  } catch {
    throw new CredentialProcessError("the process did not print a JSON object");
  }
  if (parsed.Version !== 1) {
    throw new CredentialProcessError(
      `Unsupported version '${
        safeText(String(parsed.Version))
      }' for credential process provider, supported versions: 1`,
    );
  }
  for (const key of ["AccessKeyId", "SecretAccessKey"]) {
    if (typeof parsed[key] !== "string" || parsed[key] === "") {
      throw new CredentialProcessError(
        `Missing required key in response: '${key}'`,
      );
    }
  }
  let expiration: number | undefined;
  if (parsed.Expiration !== undefined) {
    expiration = typeof parsed.Expiration === "string"
      ? parseTime(parsed.Expiration)
      : NaN;
    if (Number.isNaN(expiration)) {
      throw new CredentialProcessError(
        `invalid Expiration "${safeText(String(parsed.Expiration))}"`,
      );
    }
  }
  return {
    accessKeyId: parsed.AccessKeyId as string,
    secretAccessKey: parsed.SecretAccessKey as string,
    sessionToken: typeof parsed.SessionToken === "string"
      ? parsed.SessionToken
      : undefined,
    expiration,
    accountId: typeof parsed.AccountId === "string"
      ? parsed.AccountId
      : undefined,
    method: "custom-process",
  };
}
