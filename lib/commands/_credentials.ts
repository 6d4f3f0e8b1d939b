/**
 * The credential chain as the commands call it: the profile the command
 * resolved, with the command's environment, clock, network and debug log.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import { loadSharedConfig } from "../config/profiles.ts";
 * import { resolveProfile, selectProfile } from "../config/selection.ts";
 * declare const ctx: Context;
 * const profile = resolveProfile(await loadSharedConfig(ctx.env), selectProfile(undefined, ctx.env));
 * const creds = await credentialsFor(ctx, profile);
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import { ConfigurationError } from "../errors.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  loginCommand,
  type ResolvedProfile,
  resolveProfile,
} from "../config/selection.ts";
import { resolveCredentials } from "../credentials/chain.ts";
import type { Credentials } from "../credentials/types.ts";
import { trustingFetch } from "../http/tls.ts";
import type { Env } from "../util/env.ts";
import type { Sleep } from "../util/sleep.ts";

/** What every call to AWS from a command gets: the clock, `fetch` trusting the profile's CA bundle, timers, Ctrl-C, the debug log. */
export function callWorld(ctx: Context, profile: ResolvedProfile): {
  now: () => number;
  fetch: typeof fetch;
  sleep: Sleep;
  signal: AbortSignal;
  debug: (message: string) => void;
} {
  return {
    now: ctx.now,
    fetch: trustingFetch(ctx.fetch, {
      env: ctx.env,
      profile: profile.settings,
      connection: ctx.connection,
      warn: (m) => ctx.warn(m),
    }),
    sleep: ctx.sleep,
    signal: ctx.signal,
    debug: (m) => ctx.debug(m),
  };
}

/** Resolves the profile's credentials (`undefined` when none are configured). */
export function credentialsFor(
  ctx: Context,
  profile: ResolvedProfile,
  options: {
    /** The environment to resolve with (default `ctx.env`). */
    readonly env?: Env;
    /** Whether Ctrl-C cancels (default true; export-credentials keeps the default signal behaviour). */
    readonly interruptible?: boolean;
    /** Whether an MFA code may be asked for on the terminal (default: when stdin is one). */
    readonly prompt?: boolean;
  } = {},
): Promise<Credentials | undefined> {
  const env = options.env ?? ctx.env;
  return resolveCredentials({
    profile,
    env,
    now: ctx.now,
    fetch: trustingFetch(ctx.fetch, {
      env,
      profile: profile.settings,
      connection: ctx.connection,
      warn: (m) => ctx.warn(m),
    }),
    baseFetch: ctx.fetch,
    sleep: ctx.sleep,
    debug: (m) => ctx.debug(m),
    warn: (m) => ctx.warn(m),
    ...(ctx.io.stdinIsTerminal && options.prompt !== false
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

/**
 * The credentials of a profile as they are now: the shared files are read
 * again, so a server that runs for hours sees a new login or setting.
 */
export async function currentCredentials(
  ctx: Context,
  name: string,
): Promise<Credentials> {
  const profile = resolveProfile(await loadSharedConfig(ctx.env), {
    name,
    source: "flag",
  });
  const creds = await credentialsFor(ctx, profile, {
    interruptible: false,
    prompt: false,
  });
  if (!creds) {
    throw new ConfigurationError(
      `Profile '${name}' has no credentials. Run "${
        loginCommand(name)
      }" to sign in.`,
      { code: "NoCredentials" },
    );
  }
  return creds;
}
