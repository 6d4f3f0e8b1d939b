/**
 * Web identity: a role assumed with STS `AssumeRoleWithWebIdentity` and an
 * OIDC token from a file (EKS service accounts, GitHub Actions, GitLab), as
 * botocore's `AssumeRoleWithWebIdentityProvider` does it:
 *
 * - `web_identity_token_file`, `role_arn` and `role_session_name` come from
 *   `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN` and `AWS_ROLE_SESSION_NAME`
 *   when set (unless `--profile` named the profile, or the profile is a
 *   role's source), else from the profile; no token file, no web identity;
 * - the session name is the profile's, else `botocore-session-<seconds>`;
 *   `duration_seconds` is sent when the profile sets it (botocore does not
 *   send it, and leaves it out of the key, so the entry stays shared);
 * - the answer goes to the AWS CLI's role cache under botocore's key (SHA-1
 *   of `RoleArn` and a configured `RoleSessionName`, never the token), and
 *   is used until 15 minutes before it expires;
 * - the token is read from its file at each call, the call is unsigned, and
 *   one process calls while others wait for its answer.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * declare const ctx: ProviderContext;
 * const creds = await webIdentityCredentials(ctx); // undefined: no token file configured
 * ```
 * @module
 */

import { AwsSigninError, ConfigurationError } from "../errors.ts";
import { type ResolvedProfile, stringSetting } from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { plainHttpWarning, resolveEndpoint } from "../endpoints/resolve.ts";
import {
  readRoleCache,
  roleCacheDir,
  roleCacheFile,
  roleCacheKey,
} from "../cache/role_cache.ts";
import { prepareCacheDir } from "../cache/login_cache_dir.ts";
import { assumeRoleWithWebIdentity } from "../sts/client.ts";
import type { Env } from "../util/env.ts";
import { withFileLock } from "../util/lock.ts";
import { fromCache, ROLE_EXPIRY_WINDOW_MS } from "./role_config.ts";
import { saveAssumedRole } from "./role_save.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** The settings of a web identity profile (or environment). */
export interface WebIdentityConfig {
  readonly tokenFile: string;
  readonly roleArn: string;
  /** The configured session name, if any (part of the cache key). */
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  /** Where the token file was named: `AWS_WEB_IDENTITY_TOKEN_FILE` or the profile. */
  readonly from: "environment" | "profile";
}

const ENV_NAMES = {
  web_identity_token_file: "AWS_WEB_IDENTITY_TOKEN_FILE",
  role_arn: "AWS_ROLE_ARN",
  role_session_name: "AWS_ROLE_SESSION_NAME",
} as const;

/**
 * The web identity settings in effect for a profile, or `undefined` when no
 * token file is configured. The environment counts unless the profile was
 * named explicitly (`--profile`, or as a role's source).
 *
 * @throws {ConfigurationError} when a token file is configured without a role ARN.
 */
export function webIdentityConfig(
  profile: ResolvedProfile,
  env: Env,
): WebIdentityConfig | undefined {
  const useEnv = profile.source !== "flag";
  const get = (key: keyof typeof ENV_NAMES) =>
    useEnv && env[ENV_NAMES[key]] !== undefined
      ? env[ENV_NAMES[key]]
      : stringSetting(profile.settings, key);
  const tokenFile = get("web_identity_token_file");
  if (!tokenFile) return undefined;
  const roleArn = get("role_arn");
  if (!roleArn) {
    throw new ConfigurationError(
      "The provided profile or the current environment is configured to assume role with web identity but " +
        "has no role ARN configured. Ensure that the profile has the role_arn configuration set or the " +
        "AWS_ROLE_ARN env var is set.",
    );
  }
  const sessionName = get("role_session_name");
  const rawDuration = stringSetting(profile.settings, "duration_seconds");
  const duration =
    rawDuration !== undefined && /^\s*[-+]?\d+\s*$/.test(rawDuration)
      ? Number(rawDuration)
      : undefined;
  return {
    tokenFile,
    roleArn,
    ...(sessionName ? { sessionName } : {}),
    ...(duration !== undefined ? { durationSeconds: duration } : {}),
    from: useEnv && env.AWS_WEB_IDENTITY_TOKEN_FILE !== undefined
      ? "environment"
      : "profile",
  };
}

/** The cache file of a web identity configuration (botocore's key). */
export async function webIdentityCacheFile(
  config: WebIdentityConfig,
  env: Env,
): Promise<string> {
  return roleCacheFile(
    roleCacheDir(env),
    await roleCacheKey({
      RoleArn: config.roleArn,
      ...(config.sessionName ? { RoleSessionName: config.sessionName } : {}),
    }),
  );
}

const fresh = (file: string, now: number) => {
  const cached = readRoleCache(file);
  return cached && cached.expiresAtMs - now > ROLE_EXPIRY_WINDOW_MS
    ? { ...fromCache(cached), method: "assume-role-with-web-identity" as const }
    : undefined;
};

/**
 * The credentials of the profile's web identity, or `undefined` when it has
 * none. Errors met while assuming the role are marked `duringRefresh` (the
 * AWS CLI reports them as they are).
 */
export async function webIdentityCredentials(
  ctx: ProviderContext,
): Promise<Credentials | undefined> {
  const config = webIdentityConfig(ctx.profile, ctx.env);
  if (!config) return undefined;
  const file = await webIdentityCacheFile(config, ctx.env);
  ctx.debug(
    `web identity: ${config.roleArn} with the token in ${config.tokenFile} (from the ${config.from}); role ` +
      `cache ${file}`,
  );
  const cached = fresh(file, ctx.now());
  if (cached) {
    ctx.debug("web identity: the role cache entry is fresh; no STS call");
    return cached;
  }
  try {
    const dir = roleCacheDir(ctx.env);
    await prepareCacheDir(dir, ctx.warn, {
      what: "role cache folder",
      fix:
        "Make the folder yours and writable (it is the AWS CLI's ~/.aws/cli/cache), or remove it.",
    });
    return await withFileLock(`${file}.lock`, async () => {
      const again = fresh(file, ctx.now());
      if (again) {
        ctx.debug("web identity: another process assumed the role meanwhile");
        return again;
      }
      return await callSts(config, file, ctx);
    }, {
      now: ctx.now,
      sleep: ctx.sleep,
      signal: ctx.signal,
      timeoutMs: 60_000,
      purpose: `to finish assuming ${config.roleArn} with web identity`,
      debug: ctx.debug,
    });
  } catch (error) {
    const reported = error instanceof AwsSigninError
      ? error
      : new AwsSigninError((error as Error).message, "other", {
        cause: error,
      });
    reported.duringRefresh = true;
    throw reported;
  }
}

/** Reads the token as botocore does (the whole file, at each call). */
function readToken(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "No such file or directory"
      : error instanceof Deno.errors.PermissionDenied
      ? "Permission denied"
      : (error as Error).message;
    throw new AwsSigninError(
      `${why}: '${path}' (the web identity token file). Write the token there, or point ` +
        "web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE) at it.",
    );
  }
}

async function callSts(
  config: WebIdentityConfig,
  file: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const token = readToken(config.tokenFile);
  const top = ctx.profile;
  const region =
    resolveRegion({ env: ctx.env, profile: top.settings })?.region ??
      "us-east-1";
  const endpoint = resolveEndpoint("sts", {
    region,
    env: ctx.env,
    profile: top.settings,
    shared: top.shared,
  });
  const insecure = plainHttpWarning(endpoint.url, "sts");
  if (insecure) ctx.warn(insecure);
  const sessionName = config.sessionName ||
    `botocore-session-${Math.floor(ctx.now() / 1000)}`;
  ctx.debug(
    `AssumeRoleWithWebIdentity ${config.roleArn} as session ${sessionName} at ${endpoint.url} (from ${endpoint.source})`,
  );
  const out = await assumeRoleWithWebIdentity({
    endpoint: endpoint.url,
    region,
    now: ctx.now,
    fetch: ctx.fetch,
    sleep: ctx.sleep,
    signal: ctx.signal,
    debug: ctx.debug,
  }, {
    RoleArn: config.roleArn,
    RoleSessionName: sessionName,
    WebIdentityToken: token,
    ...(config.durationSeconds !== undefined
      ? { DurationSeconds: config.durationSeconds }
      : {}),
  });
  const result = await saveAssumedRole(ctx, file, out);
  return { ...fromCache(result), method: "assume-role-with-web-identity" };
}
