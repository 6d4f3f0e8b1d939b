/**
 * `status --verify`: one STS `GetCallerIdentity` with the profile's
 * credentials (refreshed as needed), as `sts get-caller-identity` makes it.
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
import { resolveEndpoint } from "../endpoints/resolve.ts";
import { trustingFetch } from "../http/tls.ts";
import { type CallerIdentity, getCallerIdentity } from "../sts/client.ts";
import { credentialsFor } from "./_credentials.ts";

/** The live identity of the profile's credentials, or why there is none. */
export async function verifyIdentity(
  ctx: Context,
  profile: ResolvedProfile,
): Promise<CallerIdentity | { error: string }> {
  try {
    const credentials = await credentialsFor(ctx, profile, { prompt: false });
    if (!credentials) return { error: "no credentials" };
    const region = resolveRegion({ env: ctx.env, profile: profile.settings })
      ?.region ?? "us-east-1";
    const endpoint = resolveEndpoint("sts", {
      region,
      env: ctx.env,
      profile: profile.settings,
      shared: profile.shared,
    });
    const id = await getCallerIdentity({
      endpoint: endpoint.url,
      region,
      credentials,
      now: ctx.now,
      fetch: trustingFetch(ctx.fetch, {
        env: ctx.env,
        profile: profile.settings,
      }),
      sleep: ctx.sleep,
      signal: ctx.signal,
      debug: (m) => ctx.debug(m),
    });
    return { UserId: id.UserId, Account: id.Account, Arn: id.Arn };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
