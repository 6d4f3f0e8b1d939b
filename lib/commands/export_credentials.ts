/**
 * `aws-signin configure export-credentials`: the AWS CLI's command of the same
 * name, fast enough to be every tool's `credential_process`. From a fresh
 * login cache it reads three small files and prints; a refresh (with its
 * crypto and network code) is loaded only when one is due.
 *
 * @example
 * ```ini
 * [profile dev-process]
 * credential_process = aws-signin configure export-credentials --profile dev --format process
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  AUTO_LOGIN_FLAGS,
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { ConfigurationError } from "../errors.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import { resolveProfile, selectProfile } from "../config/selection.ts";
import {
  exportError,
  noCredentialsError,
} from "../credentials/export_error.ts";
import { PROFILE_CHAIN_VAR } from "../credentials/chain.ts";
import { AUTO_LOGIN_WAIT_S } from "../credentials/types.ts";
import { parseCsvRow } from "../util/csv.ts";
import {
  autoLoginFor,
  autoLoginSetting,
  credentialsFor,
} from "./_credentials.ts";
import {
  type CredentialFormat,
  formatCredentials,
  FORMATS,
} from "../credentials/format.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "configure export-credentials",
  summary:
    "Print the profile's credentials for other tools (credential_process, env vars).",
  description:
    "Resolves credentials as the AWS CLI does (environment variables, then the profile: a role it assumes, " +
    "web identity, credentials file, login_session, credential_process, config file; then the container " +
    "endpoint; never the EC2 instance metadata service), refreshing a login session when five minutes or less " +
    'remain, and prints them in the chosen format, byte for byte as "aws configure export-credentials".\n\n' +
    "Use it as the credential_process of a profile for tools that do not read login_session (Terraform, " +
    "OpenTofu, JetBrains IDEs, older SDKs). Refreshes are safe when many processes run at once: one refreshes, " +
    "the others wait for it and use its result.",
  flags: {
    profile: PROFILE_FLAG,
    format: {
      type: "string",
      placeholder: "FORMAT",
      choices: FORMATS,
      help:
        "process (default: the JSON credential_process expects), env (export lines), env-no-export, " +
        "powershell, windows-cmd or fish.",
    },
    ...AUTO_LOGIN_FLAGS,
  },
  positionals: [],
  examples: [
    "aws-signin configure export-credentials --profile dev",
    'eval "$(aws-signin configure export-credentials --profile dev --format env)"',
    "credential_process = aws-signin configure export-credentials --profile dev   # in ~/.aws/config",
    "credential_process = aws-signin configure export-credentials --profile dev --auto-login   # past 12 hours",
  ],
};

const MAX_CHAIN = 4;

/** Runs `configure export-credentials`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const format = (args.string("format") ?? "process") as CredentialFormat;
  const selected = selectProfile(args.string("profile"), ctx.env);
  const seen = parseCsvRow(ctx.env[PROFILE_CHAIN_VAR] ?? "");
  if (seen.length >= MAX_CHAIN) {
    throw new ConfigurationError(
      `Maximum recursive credential process resolution reached (${MAX_CHAIN}).\nProfiles seen: ${
        seen.join(" -> ")
      }`,
    );
  }
  if (seen.includes(selected.name)) {
    throw new ConfigurationError(
      `Credential process resolution detected an infinite loop, profile cycle: ${
        [...seen, selected.name].join(" -> ")
      }`,
    );
  }
  // A bad --auto-login-timeout is a usage error (252), not a reason the credentials cannot be had.
  const auto = autoLoginSetting(args, ctx.env, AUTO_LOGIN_WAIT_S.export);
  let creds;
  try {
    const shared = await loadSharedConfig(ctx.env);
    const profile = resolveProfile(shared, selected, [...seen, selected.name]);
    // Not interruptible: Ctrl-C simply ends a credential_process (writes are atomic, locks die with us).
    creds = await credentialsFor(ctx, profile, {
      interruptible: false,
      autoLogin: auto && autoLoginFor(ctx, auto),
    });
  } catch (error) {
    throw exportError(error);
  }
  if (!creds) throw noCredentialsError(selected.name, ctx.env);
  ctx.debug(
    `credentials from ${creds.method}; access key ****${
      creds.accessKeyId.slice(-4)
    }`,
  );
  await ctx.io.out(formatCredentials(creds, format));
  return 0;
}
