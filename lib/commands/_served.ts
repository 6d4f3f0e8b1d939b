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
import { loginCacheDir } from "../cache/login_cache.ts";
import type { Credentials } from "../credentials/types.ts";
import { rememberingCredentials } from "../serve/credential_memory.ts";
import type { Env } from "../util/env.ts";
import { joinPath } from "../util/path.ts";
import { autoLoginFor, currentCredentials } from "./_credentials.ts";

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
  const credentials = rememberingCredentials({
    lookup: () => currentCredentials(ctx, name, autoLogin),
    fingerprint: () => filesFingerprint(ctx.env),
    now: ctx.now,
    warn: (m) => ctx.warn(m),
    debug: (m) => ctx.debug(m),
    lastingHint: `Clients get an error until then: run "${
      loginCommand(name)
    }" (the server keeps running).`,
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
