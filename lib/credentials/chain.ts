/**
 * The credential chain, in the order botocore's `create_credential_resolver`
 * builds it for the AWS CLI v2: environment variables (unless `--profile`
 * named the profile), a role the profile assumes (`role_arn` with
 * `source_profile` or `credential_source`), then the profile's own links —
 * web identity, IAM Identity Center, static keys from the credentials file,
 * `login_session`, `credential_process`, static keys from the config file —
 * then the container endpoint (asked even for a named profile). botocore
 * would ask the EC2 instance metadata service last; aws-signin does not
 * (`imds.ts`), nor boto2's legacy files. Profile kinds this tool does not
 * implement fail clearly instead of falling through to something else.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * declare const ctx: ProviderContext;
 * const creds = await resolveCredentials(ctx); // undefined when nothing is configured
 * ```
 * @module
 */

import {
  AwsSigninError,
  ConfigurationError,
  InterruptedError,
} from "../errors.ts";
import { trustingFetch } from "../http/tls.ts";
import { safeText } from "../util/safe_text.ts";
import { exportError, noCredentialsError } from "./export_error.ts";
import {
  ProfileNotFoundError,
  type ProfileValues,
  type ResolvedProfile,
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import { csvRow, parseCsvRow } from "../util/csv.ts";
import { formatCredentials } from "./format.ts";
import { type OwnExport, ownExportCommand } from "./own_command.ts";
import { envFlag } from "../util/env.ts";
import { parseTime } from "../util/time.ts";
import { loginCredentials } from "./login_provider.ts";
import { ssoCredentialConfig } from "../config/sso_config.ts";
import { ssoCredentials } from "./sso_provider.ts";
import {
  AUTO_LOGIN_WAIT_S,
  type Credentials,
  type ProviderContext,
} from "./types.ts";

/** Environment variable with the profile chain of nested `export-credentials` runs (the AWS CLI's name). */
export const PROFILE_CHAIN_VAR = "_AWS_CLI_PROFILE_CHAIN";

function staticKeys(
  values: ProfileValues | undefined,
  method: Credentials["method"],
  where: string,
  profile: string,
): Credentials | undefined {
  if (!values) return undefined;
  const id = stringSetting(values, "aws_access_key_id");
  const secret = stringSetting(values, "aws_secret_access_key");
  if (id === undefined && secret === undefined) return undefined;
  if (!id || !secret) {
    throw new ConfigurationError(
      `Partial credentials found in ${where} for profile '${profile}', missing: ` +
        `${
          id ? "aws_secret_access_key" : "aws_access_key_id"
        }. Add it, or remove the other key.`,
    );
  }
  const token = stringSetting(values, "aws_session_token") ??
    stringSetting(values, "aws_security_token");
  return {
    accessKeyId: id,
    secretAccessKey: secret,
    ...(token ? { sessionToken: token } : {}),
    method,
  };
}

function environmentCredentials(
  ctx: ProviderContext,
): Credentials | undefined {
  const { env } = ctx;
  if (!env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY) return undefined;
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    throw new ConfigurationError(
      `Partial credentials found in env, missing: ${
        env.AWS_ACCESS_KEY_ID ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"
      }`,
    );
  }
  ctx.debug("credentials from the environment (AWS_ACCESS_KEY_ID)");
  const token = env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN;
  const expiration = env.AWS_CREDENTIAL_EXPIRATION
    ? parseTime(env.AWS_CREDENTIAL_EXPIRATION)
    : undefined;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(token ? { sessionToken: token } : {}),
    ...(expiration !== undefined && !Number.isNaN(expiration)
      ? { expiration }
      : {}),
    method: "env",
  };
}

/**
 * What aws-signin's own `configure export-credentials` would print as this
 * profile's `credential_process`, resolved here instead of in a new process,
 * as that process would: no terminal to ask on, its own chain of profiles,
 * its own profile's TLS settings. `undefined` only for what this path cannot
 * answer (a name it refuses, a loop, a chain too deep): then the process is
 * run, and reports it. Any other failure is the process's failure, with its
 * message: never followed by a process that would try again.
 */
async function ownCredentials(
  own: OwnExport,
  ctx: ProviderContext,
): Promise<Credentials | undefined> {
  const seen = ctx.profile.chain.length > 0
    ? ctx.profile.chain
    : parseCsvRow(ctx.env[PROFILE_CHAIN_VAR] ?? "");
  let selected;
  try {
    selected = selectProfile(own.profile, ctx.env);
  } catch {
    return undefined;
  }
  if (seen.length >= 4 || seen.includes(selected.name)) return undefined;
  const profile = resolveProfile(ctx.profile.shared, selected, [
    ...seen,
    selected.name,
  ]);
  ctx.debug(
    `credential_process is aws-signin's own export-credentials for profile '${selected.name}': ` +
      "resolved in this process",
  );
  const { prompt: _, autoLogin: __, ...asAProcess } = ctx;
  // --auto-login as that command line (or its environment) asks for it, not as ours does.
  const autoLogin = own.autoLogin || envFlag(ctx.env.AWS_SIGNIN_AUTO_LOGIN)
    ? ctx.makeAutoLogin?.(
      own.autoLoginTimeoutMs ?? AUTO_LOGIN_WAIT_S.export * 1000,
    )
    : undefined;
  let creds: Credentials | undefined;
  try {
    creds = await resolveCredentials({
      ...asAProcess,
      ...(autoLogin ? { autoLogin } : {}),
      profile,
      fetch: trustingFetch(ctx.baseFetch ?? ctx.fetch, {
        env: ctx.env,
        profile: profile.settings,
      }),
    });
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    throw await asProcessFailure(exportError(error), ctx, profile);
  }
  if (!creds) {
    throw await asProcessFailure(
      noCredentialsError(selected.name, ctx.env),
      ctx,
      profile,
    );
  }
  const { parseProcessOutput } = await import("./process_provider.ts");
  return parseProcessOutput(formatCredentials(creds, "process"));
}

/** The error the process provider would raise for a process that failed with `error` (printed in its error format). */
async function asProcessFailure(
  error: AwsSigninError,
  ctx: ProviderContext,
  profile: ResolvedProfile,
): Promise<Error> {
  const [{ formatError, resolveErrorFormat }, { CredentialProcessError }] =
    await Promise.all([
      import("../error_format.ts"),
      import("./process_provider.ts"),
    ]);
  const format = resolveErrorFormat({
    env: ctx.env.AWS_CLI_ERROR_FORMAT,
    setting: stringSetting(profile.settings, "cli_error_format"),
  });
  return new CredentialProcessError(
    safeText(formatError(error, { format }).trim()),
  );
}

/** Finds credentials for the profile, or `undefined` when none are configured. */
export async function resolveCredentials(
  ctx: ProviderContext,
): Promise<Credentials | undefined> {
  const profile = ctx.profile;
  if (profile.source !== "flag") {
    const fromEnv = environmentCredentials(ctx);
    if (fromEnv) return fromEnv;
  }
  if (profile.name !== "default" && !profile.exists) {
    throw new ProfileNotFoundError(profile.name);
  }
  if (
    profile.settings.role_arn !== undefined &&
    profile.settings.web_identity_token_file === undefined
  ) {
    const { assumeRoleCredentials } = await import("./role_provider.ts");
    return await assumeRoleCredentials(ctx, {
      profileCredentials: profileCredentials,
    });
  }
  return await profileCredentials(ctx) ?? await containerLink(ctx);
}

/**
 * The last link aws-signin asks: the container endpoint, when the
 * environment names one (botocore asks it after the profile's links, even
 * for a profile named with `--profile`; then IMDS, which aws-signin does not).
 */
async function containerLink(
  ctx: ProviderContext,
): Promise<Credentials | undefined> {
  if (
    ctx.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI === undefined &&
    ctx.env.AWS_CONTAINER_CREDENTIALS_FULL_URI === undefined
  ) return undefined;
  const { containerCredentials } = await import("./container_provider.ts");
  return await containerCredentials(ctx);
}

/**
 * The profile's own credentials, without environment keys or role
 * assumption: what botocore's profile providers give, in their order (also
 * for a role's source profile, where the environment's web identity is not
 * asked, as for a profile named with `--profile`).
 */
export async function profileCredentials(
  ctx: ProviderContext,
): Promise<Credentials | undefined> {
  const profile = ctx.profile;
  if (
    (profile.source !== "flag" &&
      ctx.env.AWS_WEB_IDENTITY_TOKEN_FILE !== undefined) ||
    profile.settings.web_identity_token_file !== undefined
  ) {
    const { webIdentityCredentials } = await import(
      "./web_identity_provider.ts"
    );
    const creds = await webIdentityCredentials(ctx);
    if (creds) return creds;
  }
  // botocore's SSO provider: after web identity, before the credentials file (a profile with
  // sso_account_id or sso_role_name is SSO even when it has keys too).
  const sso = ssoCredentialConfig(profile);
  if (sso) {
    ctx.debug(
      `profile '${profile.name}' is an IAM Identity Center profile (${
        sso.sessionName !== undefined
          ? `sso-session ${sso.sessionName}`
          : `start URL ${sso.startUrl}`
      })`,
    );
    return await ssoCredentials(sso, ctx);
  }
  const fromCredentialsFile = staticKeys(
    profile.credentialsSettings,
    "shared-credentials-file",
    profile.shared.credentialsPath,
    profile.name,
  );
  if (fromCredentialsFile) {
    ctx.debug(
      `credentials from the credentials file ${profile.shared.credentialsPath}`,
    );
    return fromCredentialsFile;
  }
  const session = stringSetting(profile.settings, "login_session");
  if (session) {
    ctx.debug(`profile '${profile.name}' has login_session ${session}`);
    return await loginCredentials(session, ctx);
  }
  const commandLine = stringSetting(profile.settings, "credential_process");
  if (commandLine) {
    const own = ownExportCommand(commandLine);
    const inProcess = own ? await ownCredentials(own, ctx) : undefined;
    if (inProcess) return inProcess;
    const { processCredentials } = await import("./process_provider.ts");
    return await processCredentials(
      commandLine,
      ctx,
      profile.chain.length > 0
        ? { [PROFILE_CHAIN_VAR]: csvRow(profile.chain) }
        : {},
    );
  }
  const fromConfig = staticKeys(
    profile.configSettings,
    "config-file",
    profile.shared.configPath,
    profile.name,
  );
  if (fromConfig) {
    ctx.debug(`credentials from the config file ${profile.shared.configPath}`);
    return fromConfig;
  }
  return undefined;
}
