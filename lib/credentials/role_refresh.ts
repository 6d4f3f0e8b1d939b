/**
 * Assuming a role again (loaded only when the role cache has nothing fresh):
 * for each role of the chain, under the cache entry's lock, re-read the entry
 * (another process may have assumed the role meanwhile), get the source
 * credentials (the next role, environment variables, or the source profile's
 * own credentials: static keys, a login session refreshed as needed, a
 * credential process), ask for an MFA code when the role wants one, call STS
 * `AssumeRole` signed with the source credentials, and store the answer where
 * the AWS CLI looks for it.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * import { roleChain } from "./role_config.ts";
 * declare const ctx: ProviderContext;
 * const creds = await refreshRoleChain(roleChain(ctx.profile, Date.now()), ctx, {
 *   profileCredentials: () => Promise.resolve(undefined),
 * });
 * ```
 * @module
 */

import { AwsSigninError, ConfigurationError } from "../errors.ts";
import { resolveProfile } from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { plainHttpWarning, resolveEndpoint } from "../endpoints/resolve.ts";
import {
  readRoleCache,
  roleCacheDir,
  roleCacheFile,
  roleCacheKey,
} from "../cache/role_cache.ts";
import { prepareCacheDir } from "../cache/login_cache_dir.ts";
import { assumeRole } from "../sts/client.ts";
import { LockTimeoutError, withFileLock } from "../util/lock.ts";
import { waitingFor } from "./login_again.ts";
import {
  fromCache,
  ROLE_EXPIRY_WINDOW_MS,
  type RoleConfig,
  type RoleDeps,
} from "./role_config.ts";
import { saveAssumedRole } from "./role_save.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** How long a process waits for another that is assuming the same role (its source may need a refresh). */
const ROLE_LOCK_WAIT_MS = 60_000;

/** Assumes the first role of the chain (and, as needed, the ones it stands on). Errors are marked `duringRefresh`. */
export async function refreshRoleChain(
  chain: readonly RoleConfig[],
  ctx: ProviderContext,
  deps: RoleDeps,
): Promise<Credentials> {
  try {
    return await assumeAt(0, chain, ctx, deps, new Set());
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

/**
 * Assumes the role at `index` under its cache entry's lock. `held` holds the
 * locks this chain already holds: two levels of a chain may assume the same
 * role with the same arguments (one cache entry), and the inner level then
 * works under the outer one's lock instead of waiting for itself.
 */
async function assumeAt(
  index: number,
  chain: readonly RoleConfig[],
  ctx: ProviderContext,
  deps: RoleDeps,
  held: Set<string>,
): Promise<Credentials> {
  const config = chain[index]!;
  const dir = roleCacheDir(ctx.env);
  const file = roleCacheFile(dir, await roleCacheKey(config.args));
  const fresh = () => {
    const cached = readRoleCache(file);
    return cached && cached.expiresAtMs - ctx.now() > ROLE_EXPIRY_WINDOW_MS
      ? cached
      : undefined;
  };
  if (index > 0) {
    const cached = fresh();
    if (cached) {
      ctx.debug(`role cache ${file} (${config.roleArn}) is fresh`);
      return fromCache(cached);
    }
  }
  await prepareCacheDir(dir, ctx.warn, {
    what: "role cache folder",
    fix:
      "Make the folder yours and writable (it is the AWS CLI's ~/.aws/cli/cache), or remove it.",
  });
  const lock = `${file}.lock`;
  if (held.has(lock)) {
    ctx.debug(
      `${config.roleArn} is assumed with the same arguments at two levels of the chain (one cache entry)`,
    );
    const source = await sourceCredentials(index, chain, ctx, deps, held);
    return await callAssumeRole(config, source, file, ctx);
  }
  try {
    return await withFileLock(lock, async () => {
      const cached = fresh();
      if (cached) {
        ctx.debug(
          `another process assumed ${config.roleArn} while we waited; using its credentials`,
        );
        return fromCache(cached);
      }
      held.add(lock);
      try {
        const source = await sourceCredentials(index, chain, ctx, deps, held);
        return await callAssumeRole(config, source, file, ctx);
      } finally {
        held.delete(lock);
      }
    }, {
      now: ctx.now,
      sleep: ctx.sleep,
      signal: ctx.signal,
      timeoutMs: ROLE_LOCK_WAIT_MS,
      purpose: `to finish assuming ${config.roleArn}`,
      debug: ctx.debug,
      onNote: (note) => ctx.warn(waitingFor(note, ctx.now())),
    });
  } catch (error) {
    const cached = readRoleCache(file);
    if (
      error instanceof LockTimeoutError && cached &&
      cached.expiresAtMs > ctx.now()
    ) {
      ctx.debug(
        `timed out waiting for the lock ${error.path}; the cached role credentials are still valid, using them`,
      );
      return {
        ...fromCache(cached),
        staleReason: "another process held the role's lock too long",
      };
    }
    throw error;
  }
}

/** The credentials that assume the role at `index`. */
async function sourceCredentials(
  index: number,
  chain: readonly RoleConfig[],
  ctx: ProviderContext,
  deps: RoleDeps,
  held: Set<string>,
): Promise<Credentials> {
  const config = chain[index]!;
  if (config.credentialSource === "EcsContainer") {
    return await containerSource(config, ctx);
  }
  if (config.credentialSource !== undefined) {
    return environmentSource(config, ctx);
  }
  if (index + 1 < chain.length) {
    return await assumeAt(index + 1, chain, ctx, deps, held);
  }
  const name = config.sourceProfile!;
  const source = resolveProfile(
    config.profile.shared,
    { name, source: "flag" },
    ctx.profile.chain,
  );
  ctx.debug(
    `source profile '${name}' provides the credentials that assume ${config.roleArn}`,
  );
  const creds = await deps.profileCredentials({ ...ctx, profile: source });
  if (!creds) {
    throw new ConfigurationError(
      `The source profile "${name}" must have credentials (referenced by profile "${config.profile.name}"). ` +
        `Sign it in with "aws-signin login --profile ${name}", or give it credentials.`,
    );
  }
  return creds;
}

/** `credential_source = EcsContainer`: the container endpoint's credentials (botocore's `ContainerProvider`). */
async function containerSource(
  config: RoleConfig,
  ctx: ProviderContext,
): Promise<Credentials> {
  const { containerConfigured, containerCredentials } = await import(
    "./container_provider.ts"
  );
  if (!containerConfigured(ctx.env)) {
    throw new ConfigurationError(
      `Error when retrieving credentials from EcsContainer: No credentials found in credential_source ` +
        `referenced in profile ${config.profile.name}: set AWS_CONTAINER_CREDENTIALS_FULL_URI (or ` +
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI).",
    );
  }
  ctx.debug(
    `credential_source EcsContainer provides the credentials that assume ${config.roleArn}`,
  );
  return await containerCredentials(ctx);
}

/** `credential_source = Environment` (role_config.ts refused the values botocore does not know, and IMDS). */
function environmentSource(
  config: RoleConfig,
  ctx: ProviderContext,
): Credentials {
  const { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret } = ctx.env;
  if (!id || !secret) {
    throw new ConfigurationError(
      `No credentials found in credential_source referenced in profile ${config.profile.name}: set ` +
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
    );
  }
  const token = ctx.env.AWS_SESSION_TOKEN || ctx.env.AWS_SECURITY_TOKEN;
  ctx.debug(
    `credential_source Environment provides the credentials that assume ${config.roleArn}`,
  );
  return {
    accessKeyId: id,
    secretAccessKey: secret,
    ...(token ? { sessionToken: token } : {}),
    method: "env",
  };
}

async function mfaCode(
  config: RoleConfig,
  ctx: ProviderContext,
): Promise<string> {
  const serial = config.mfaSerial!;
  if (!ctx.prompt) {
    throw new ConfigurationError(
      `Profile '${config.profile.name}' needs an MFA code for ${serial} (mfa_serial), and there is no terminal ` +
        "to ask for it. Run the command once in a terminal: the role's credentials are then cached in " +
        "~/.aws/cli/cache until they expire.",
    );
  }
  const answer = (await ctx.prompt(`Enter MFA code for ${serial}: `))?.trim();
  if (!answer) {
    throw new AwsSigninError(
      `No MFA code was entered for ${serial}, so the role of profile '${config.profile.name}' was not assumed.`,
    );
  }
  return answer;
}

async function callAssumeRole(
  config: RoleConfig,
  source: Credentials,
  file: string,
  ctx: ProviderContext,
): Promise<Credentials> {
  const tokenCode = config.mfaSerial ? await mfaCode(config, ctx) : undefined;
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
  ctx.debug(
    `AssumeRole ${config.roleArn} as session ${config.sessionName} at ${endpoint.url} (from ${endpoint.source})`,
  );
  const out = await assumeRole({
    endpoint: endpoint.url,
    region,
    credentials: source,
    now: ctx.now,
    fetch: ctx.fetch,
    sleep: ctx.sleep,
    signal: ctx.signal,
    debug: ctx.debug,
  }, {
    RoleArn: config.roleArn,
    RoleSessionName: config.sessionName,
    ...(config.args.ExternalId !== undefined
      ? { ExternalId: config.args.ExternalId }
      : {}),
    ...(config.mfaSerial !== undefined
      ? { SerialNumber: config.mfaSerial }
      : {}),
    ...(tokenCode !== undefined ? { TokenCode: tokenCode } : {}),
    ...(config.args.DurationSeconds !== undefined
      ? { DurationSeconds: config.args.DurationSeconds }
      : {}),
  });
  return fromCache(await saveAssumedRole(ctx, file, out));
}
