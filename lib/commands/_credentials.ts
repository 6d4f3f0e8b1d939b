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
import type { ParsedArgs } from "../cli/flags.ts";
import { ConfigurationError, UsageError } from "../errors.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  loginCommand,
  type ResolvedProfile,
  resolveProfile,
} from "../config/selection.ts";
import { resolveCredentials } from "../credentials/chain.ts";
import {
  AUTO_LOGIN_WAIT_S,
  type AutoLogin,
  type Credentials,
} from "../credentials/types.ts";
import { trustingFetch } from "../http/tls.ts";
import { type Env, envFlag } from "../util/env.ts";
import { browserAvailability } from "../util/desktop.ts";
import { MAX_TIMER_SECONDS, type Sleep } from "../util/sleep.ts";

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
    /** `--auto-login`: sign the session in again in the browser when it can give no credentials. */
    readonly autoLogin?: AutoLogin | undefined;
  } = {},
): Promise<Credentials | undefined> {
  const env = options.env ?? ctx.env;
  return resolveCredentials({
    ...(options.autoLogin ? { autoLogin: options.autoLogin } : {}),
    makeAutoLogin: (timeoutMs) => autoLoginFor(ctx, { timeoutMs }),
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
  autoLogin?: AutoLogin,
): Promise<Credentials> {
  const profile = resolveProfile(await loadSharedConfig(ctx.env), {
    name,
    source: "flag",
  });
  const creds = await credentialsFor(ctx, profile, {
    interruptible: false,
    prompt: false,
    autoLogin,
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

/** The `--auto-login` settings of a command: enabled by the flag or `AWS_SIGNIN_AUTO_LOGIN`, with its timeout. */
export function autoLoginSetting(
  args: ParsedArgs,
  env: Env,
  /** The default wait, in seconds (`configure export-credentials` waits less: see {@linkcode AUTO_LOGIN_WAIT_S}). */
  defaultSeconds: number = AUTO_LOGIN_WAIT_S.other,
): { readonly timeoutMs: number } | undefined {
  const raw = args.string("auto-login-timeout");
  if (
    raw !== undefined &&
    (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_TIMER_SECONDS)
  ) {
    throw new UsageError(
      `Invalid value "${raw}" for "--auto-login-timeout": expected a whole number of seconds from 1 to ` +
        `${MAX_TIMER_SECONDS} (about 24 days).`,
    );
  }
  if (!args.bool("auto-login") && !envFlag(env.AWS_SIGNIN_AUTO_LOGIN)) {
    return undefined;
  }
  return {
    timeoutMs: (raw === undefined ? defaultSeconds : Number(raw)) * 1000,
  };
}

/**
 * The sign-in `--auto-login` runs for this command (the flow's code is
 * loaded only when a sign-in starts).
 */
export function autoLoginFor(
  ctx: Context,
  options: {
    readonly timeoutMs: number;
    readonly onSignIn?: (active: boolean) => void;
  },
): AutoLogin {
  const available = browserAvailability(ctx.env);
  return {
    timeoutMs: options.timeoutMs,
    available: available.ok ? { ok: true } : available,
    onSignIn: options.onSignIn,
    signIn: async (request) =>
      await (await import("../flow/auto_login.ts")).signInAgain(
        ctx,
        options,
        request,
      ),
    ssoSignIn: async (request) =>
      await (await import("../flow/sso_auto_login.ts")).ssoSignInAgain(
        ctx,
        options,
        request,
      ),
  };
}
