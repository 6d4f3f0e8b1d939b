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
import { sharedFilePaths } from "../config/paths.ts";
import { loginCacheDir } from "../cache/login_cache.ts";
import { rememberingCredentials } from "../serve/credential_memory.ts";
import type { Env } from "../util/env.ts";
import { joinPath } from "../util/path.ts";
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
    fetch: trustingFetch(ctx.fetch, { env, profile: profile.settings }),
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
    );
  }
  return creds;
}

/**
 * What changes when the user signs in again or edits the shared files: the
 * config and credentials files and the login cache entries (name, inode,
 * size, time), read without opening any of them.
 */
export function filesFingerprint(env: Env): string {
  const stat = (path: string) => {
    try {
      const info = Deno.statSync(path);
      return `${info.ino}:${info.size}:${info.mtime?.getTime()}`;
    } catch {
      return "-";
    }
  };
  const parts: string[] = [];
  try {
    const paths = sharedFilePaths(env);
    parts.push(stat(paths.config), stat(paths.credentials));
    const dir = loginCacheDir(env);
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.name.endsWith(".json")) {
        parts.push(`${entry.name}=${stat(joinPath(dir, entry.name))}`);
      }
    }
  } catch {
    // A folder that cannot be listed changes nothing to compare.
  }
  return parts.sort().join("|");
}

/**
 * The credentials a long-running server hands out for a profile: looked up
 * for each request, with the memory of {@linkcode rememberingCredentials}
 * (lasting refusals until the files change, back-off after failures that may
 * pass, one warning per situation).
 */
export function servedCredentials(
  ctx: Context,
  name: string,
  options: { readonly seed?: Credentials } = {},
): () => Promise<Credentials> {
  return rememberingCredentials({
    lookup: () => currentCredentials(ctx, name),
    fingerprint: () => filesFingerprint(ctx.env),
    now: ctx.now,
    warn: (m) => ctx.warn(m),
    debug: (m) => ctx.debug(m),
    lastingHint: `Clients get an error until then: run "${
      loginCommand(name)
    }" (the server keeps running).`,
    ...(options.seed ? { seed: options.seed } : {}),
  });
}
