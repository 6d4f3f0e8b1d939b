/**
 * The credential chain as the commands call it: the profile the command
 * resolved, with the command's environment, clock, network and debug log.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import { loadSharedConfig, resolveProfile, selectProfile } from "../config/profiles.ts";
 * declare const ctx: Context;
 * const profile = resolveProfile(await loadSharedConfig(ctx.env), selectProfile(undefined, ctx.env));
 * const creds = await credentialsFor(ctx, profile);
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { ResolvedProfile } from "../config/profiles.ts";
import { resolveCredentials } from "../credentials/chain.ts";
import type { Credentials } from "../credentials/types.ts";
import { trustingFetch } from "../http/tls.ts";
import type { Env } from "../util/env.ts";

/** Resolves the profile's credentials (`undefined` when none are configured). */
export function credentialsFor(
  ctx: Context,
  profile: ResolvedProfile,
  options: {
    /** The environment to resolve with (default `ctx.env`). */
    readonly env?: Env;
    /** Whether Ctrl-C cancels (default true; export-credentials keeps the default signal behaviour). */
    readonly interruptible?: boolean;
  } = {},
): Promise<Credentials | undefined> {
  const env = options.env ?? ctx.env;
  return resolveCredentials({
    profile,
    env,
    now: ctx.now,
    fetch: trustingFetch(ctx.fetch, { env, profile: profile.settings }),
    sleep: ctx.sleep,
    debug: (m) => ctx.debug(m),
    warn: (m) => ctx.warn(m),
    ...(ctx.io.stdinIsTerminal
      ? {
        prompt: async (question: string) => {
          await ctx.io.err(question);
          return await ctx.io.readLine();
        },
      }
      : {}),
    ...(options.interruptible === false ? {} : { signal: ctx.signal }),
  });
}
