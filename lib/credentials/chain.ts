/**
 * The credential chain, in the AWS CLI's order: environment variables (unless
 * `--profile` named the profile), then the profile: static keys from the
 * credentials file, `login_session`, `credential_process`, static keys from
 * the config file. Profile kinds this tool does not implement (role
 * assumption, web identity, IAM Identity Center) fail clearly instead of
 * falling through to something else.
 *
 * @example
 * ```ts
 * const creds = await resolveCredentials(providerContext); // undefined when nothing is configured
 * ```
 * @module
 */

import { ConfigurationError, ProfileNotFoundError } from "../errors.ts";
import {
  profileExists,
  type ProfileValues,
  stringSetting,
} from "../config/profiles.ts";
import { parseTime } from "../cache/login_cache.ts";
import { loginCredentials } from "./login_provider.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** Environment variable with the profile chain of nested `export-credentials` runs (the AWS CLI's name). */
export const PROFILE_CHAIN_VAR = "_AWS_CLI_PROFILE_CHAIN";

function staticKeys(
  values: ProfileValues | undefined,
  method: Credentials["method"],
  where: string,
  profile: string,
) {
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

function unsupported(values: ProfileValues): string | undefined {
  if (
    values.role_arn !== undefined &&
    values.web_identity_token_file !== undefined
  ) return "Web Identity (web_identity_token_file)";
  if (values.role_arn !== undefined) return "Assume Role (role_arn)";
  if (values.web_identity_token_file !== undefined) {
    return "Web Identity (web_identity_token_file)";
  }
  if (
    values.sso_session !== undefined || values.sso_start_url !== undefined ||
    values.sso_account_id !== undefined ||
    values.sso_role_name !== undefined
  ) return "IAM Identity Center (sso_*)";
  return undefined;
}

/** Finds credentials for the profile, or `undefined` when none are configured. */
export async function resolveCredentials(
  ctx: ProviderContext,
): Promise<Credentials | undefined> {
  const { env } = ctx;
  if (
    !ctx.profileFromFlag && (env.AWS_ACCESS_KEY_ID || env.AWS_SECRET_ACCESS_KEY)
  ) {
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
  if (ctx.profile !== "default" && !profileExists(ctx.shared, ctx.profile)) {
    throw new ProfileNotFoundError(ctx.profile);
  }
  const config = ctx.shared.configProfiles.get(ctx.profile);
  const credentials = ctx.shared.credentialProfiles.get(ctx.profile);
  const merged: ProfileValues = { ...config, ...credentials };
  const style = unsupported(merged);
  if (style) {
    throw new ConfigurationError(
      `Profile '${ctx.profile}' uses ${style} credentials, which aws-signin does not handle. Use the AWS CLI or ` +
        `an AWS SDK for this profile (for tools that need a command: credential_process = aws configure ` +
        `export-credentials --profile ${ctx.profile}).`,
    );
  }
  const fromCredentialsFile = staticKeys(
    credentials,
    "shared-credentials-file",
    ctx.shared.credentialsPath,
    ctx.profile,
  );
  if (fromCredentialsFile) {
    ctx.debug(
      `credentials from the credentials file ${ctx.shared.credentialsPath}`,
    );
    return fromCredentialsFile;
  }
  const session = stringSetting(merged, "login_session");
  if (session) {
    ctx.debug(`profile '${ctx.profile}' has login_session ${session}`);
    return await loginCredentials(session, ctx);
  }
  const commandLine = stringSetting(merged, "credential_process");
  if (commandLine) {
    const { processCredentials } = await import("./process_provider.ts");
    const chain = env[PROFILE_CHAIN_VAR];
    return await processCredentials(
      commandLine,
      ctx,
      chain ? { [PROFILE_CHAIN_VAR]: chain } : {},
    );
  }
  const fromConfig = staticKeys(
    config,
    "config-file",
    ctx.shared.configPath,
    ctx.profile,
  );
  if (fromConfig) {
    ctx.debug(`credentials from the config file ${ctx.shared.configPath}`);
    return fromConfig;
  }
  return undefined;
}
