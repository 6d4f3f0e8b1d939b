/**
 * One STS `GetCallerIdentity` with a profile's credentials, through the
 * profile's STS endpoint, CA bundle and proxy: what `sts get-caller-identity`
 * prints and what `status --verify` shows.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import type { ResolvedProfile } from "../config/selection.ts";
 * declare const ctx: Context;
 * declare const profile: ResolvedProfile;
 * const identity = await verifyIdentity(ctx, profile); // { UserId, Account, Arn } or { error }
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { ResolvedProfile } from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { plainHttpWarning, resolveEndpoint } from "../endpoints/resolve.ts";
import { type CallerIdentity, getCallerIdentity } from "../sts/client.ts";
import type { Credentials } from "../credentials/types.ts";
import { callWorld, credentialsFor } from "./_credentials.ts";
import type { AutoLogin } from "../credentials/types.ts";

/** Calls `GetCallerIdentity` for the profile (`endpointUrl`: `--endpoint-url`, when given). */
export async function callerIdentity(
  ctx: Context,
  profile: ResolvedProfile,
  init: {
    readonly credentials: Credentials;
    readonly region: string;
    readonly endpointUrl?: string | undefined;
  },
): Promise<CallerIdentity> {
  const endpoint = resolveEndpoint("sts", {
    region: init.region,
    env: ctx.env,
    profile: profile.settings,
    shared: profile.shared,
    flag: init.endpointUrl,
  });
  ctx.debug(`STS endpoint ${endpoint.url} (from ${endpoint.source})`);
  const insecure = plainHttpWarning(endpoint.url, "sts");
  if (insecure) ctx.warn(insecure);
  const id = await getCallerIdentity({
    endpoint: endpoint.url,
    region: init.region,
    credentials: init.credentials,
    ...callWorld(ctx, profile),
  });
  return { UserId: id.UserId, Account: id.Account, Arn: id.Arn };
}

/** The live identity of the profile's credentials, or why there is none (`status --verify`). */
export async function verifyIdentity(
  ctx: Context,
  profile: ResolvedProfile,
  autoLogin?: AutoLogin,
): Promise<CallerIdentity | { error: string }> {
  try {
    const credentials = await credentialsFor(ctx, profile, {
      prompt: false,
      autoLogin,
    });
    if (!credentials) return { error: "no credentials" };
    const region = resolveRegion({ env: ctx.env, profile: profile.settings })
      ?.region ?? "us-east-1";
    return await callerIdentity(ctx, profile, { credentials, region });
  } catch (error) {
    return { error: (error as Error).message };
  }
}
