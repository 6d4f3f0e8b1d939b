/**
 * The credentials `serve` and `exec --server` hand out: the profile's, as
 * they are at each request, with the memory of a long-running server (see
 * `lib/serve/credential_memory.ts`). Kept apart from `_credentials.ts`, which
 * `configure export-credentials` loads: the memory knows the refresh errors.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * declare const ctx: Context;
 * const served = servedCredentials(ctx, "dev");
 * await served.credentials();
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import { loginCommand } from "../config/selection.ts";
import { sharedFilePaths } from "../config/paths.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import { type ResolvedProfile, resolveProfile } from "../config/selection.ts";
import {
  cacheFilesOf,
  signInCommandOf,
} from "../credentials/login_profiles.ts";
import type { Credentials } from "../credentials/types.ts";
import { rememberingCredentials } from "../serve/credential_memory.ts";
import type { Env } from "../util/env.ts";
import { autoLoginFor, currentCredentials } from "./_credentials.ts";

function statOf(path: string): string {
  try {
    const info = Deno.statSync(path);
    return `${info.ino}:${info.size}:${info.mtime?.getTime()}`;
  } catch {
    return "-";
  }
}

/**
 * What changes when the user signs in again, assumes the role at a terminal
 * or edits the shared files, for one profile: the config and credentials
 * files and the cache entries its credentials come from (the login cache
 * entry, or the IAM Identity Center token and role files, and its roles'
 * entries: name, inode, size, time), read without opening any of them.
 * Other profiles' entries (another session refreshed every 15 minutes)
 * change nothing. `onProfile` is told the profile each time the files are
 * read again.
 */
export function filesFingerprint(
  env: Env,
  name: string,
  onProfile?: (profile: ResolvedProfile) => void,
): () => Promise<string> {
  let files: { readonly key: string; readonly paths: string[] } | undefined;
  return async () => {
    const paths = sharedFilePaths(env);
    const key = `${statOf(paths.config)}|${statOf(paths.credentials)}`;
    if (files?.key !== key) {
      let dependsOn: string[] = [];
      try {
        const profile = resolveProfile(await loadSharedConfig(env), {
          name,
          source: "flag",
        });
        dependsOn = await cacheFilesOf(profile, env);
        onProfile?.(profile);
      } catch {
        // A config that cannot be read: its own stat says when it changes.
      }
      files = { key, paths: dependsOn };
    }
    return [key, ...files.paths.map((p) => `${p}=${statOf(p)}`)].join("|");
  };
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
  options: {
    readonly seed?: Credentials;
    /** `--auto-login`: a session that ended is signed in again, while the server keeps answering. */
    readonly autoLogin?: { readonly timeoutMs: number };
  } = {},
): {
  readonly credentials: () => Promise<Credentials>;
  readonly busy: () => string | undefined;
} {
  let signingIn = false;
  const autoLogin = options.autoLogin &&
    autoLoginFor(ctx, {
      timeoutMs: options.autoLogin.timeoutMs,
      onSignIn: (active) => (signingIn = active),
    });
  // What signs the profile in again: `sso login` for IAM Identity Center (as the files say now).
  let again = loginCommand(name);
  const credentials = rememberingCredentials({
    lookup: () => currentCredentials(ctx, name, autoLogin),
    fingerprint: filesFingerprint(
      ctx.env,
      name,
      (profile) => (again = signInCommandOf(profile)),
    ),
    now: ctx.now,
    warn: (m) => ctx.warn(m),
    debug: (m) => ctx.debug(m),
    lastingHint: () =>
      `Clients get an error until then: run "${again}" (the server keeps running).`,
    ...(options.seed ? { seed: options.seed } : {}),
  });
  return {
    credentials,
    // While a person signs in at the browser, requests are answered at once (SDKs do not wait that long).
    busy: () =>
      signingIn
        ? `Sign-in for profile '${name}' is waiting in the browser (--auto-login); try again when it is done.`
        : undefined,
  };
}
