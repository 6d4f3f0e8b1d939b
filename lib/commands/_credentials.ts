/**
 * The credential chain as the commands call it: the selected profile, the
 * command's environment, clock and debug log.
 *
 * @example
 * ```ts
 * const creds = await credentialsFor(ctx, selectProfile(flag, ctx.env), shared);
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { Env } from "../config/files.ts";
import type { ProfileSource, SharedConfig } from "../config/profiles.ts";
import { resolveCredentials } from "../credentials/chain.ts";
import type { Credentials } from "../credentials/types.ts";

/** Resolves the selected profile's credentials (`undefined` when none are configured). */
export function credentialsFor(
  ctx: Context,
  selected: { readonly name: string; readonly source: ProfileSource },
  shared: SharedConfig,
  options: {
    /** The environment to resolve with (default `ctx.env`). */
    readonly env?: Env;
    /** Whether Ctrl-C cancels (default true; export-credentials keeps the default signal behaviour). */
    readonly interruptible?: boolean;
  } = {},
): Promise<Credentials | undefined> {
  return resolveCredentials({
    profile: selected.name,
    profileFromFlag: selected.source === "flag",
    shared,
    env: options.env ?? ctx.env,
    now: ctx.now,
    debug: (m) => ctx.debug(m),
    ...(options.interruptible === false ? {} : { signal: ctx.signal }),
  });
}
