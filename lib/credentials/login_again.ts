/**
 * `--auto-login` in the credential chain: when a login session can give no
 * credentials (its cache entry is gone, or Sign-In refused the refresh
 * because the session ended or the password changed), sign it in again in
 * the browser, with the entry's lock held so that every process that needs
 * the session at the same time waits for one sign-in and uses its result.
 * A process that waited while another's sign-in failed does not open a
 * browser of its own (a marker beside the entry says a sign-in just
 * failed); without a browser, the error is today's plus a line that says
 * why no sign-in was started.
 *
 * @example
 * ```ts
 * import type { ProviderContext } from "./types.ts";
 * declare const ctx: ProviderContext;
 * const reason = autoLoginReason(undefined); // "was logged out"
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";
import { loginCommand } from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import type { LoginCacheEntry } from "../cache/login_cache.ts";
import { writeCacheFile } from "../cache/login_cache_write.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** A sign-in that `--auto-login` started did not end with credentials. Remembered by a server until the files change. */
export class AutoLoginFailedError extends AwsSigninError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "other", options);
    this.name = "AutoLoginFailedError";
  }
}

/** The OAuth2 codes of a refused refresh that a new sign-in cures. */
export const SESSION_ENDED_CODES: ReadonlySet<string> = new Set([
  "TOKEN_EXPIRED",
  "USER_CREDENTIALS_CHANGED",
]);

/** Why the session must be signed in again, in a few words. */
export function autoLoginReason(errorCode: string | undefined): string {
  return errorCode === undefined
    ? "was logged out (it has no login cache entry)"
    : errorCode === "USER_CREDENTIALS_CHANGED"
    ? "ended when your password changed"
    : "has ended";
}

/** The marker beside an entry that says a sign-in for it just failed. */
function markerOf(file: string): string {
  return `${file}.sign-in`;
}

function failedRecently(file: string, windowMs: number, now: number): boolean {
  try {
    const info = Deno.statSync(markerOf(file));
    return info.mtime !== null && now - info.mtime.getTime() < windowMs;
  } catch {
    return false;
  }
}

/**
 * Signs the session in again (the entry's lock is held) and returns its new
 * credentials, or throws `failure` (the error that made it needed) with a
 * line that says why no sign-in was started.
 */
export async function signInAgain(init: {
  readonly session: string;
  readonly file: string;
  /** The entry as it is (undefined: logged out). */
  readonly entry: LoginCacheEntry | undefined;
  readonly failure: AwsSigninError;
  /** The OAuth2 code of the refused refresh (undefined: logged out). */
  readonly errorCode: string | undefined;
  /** Whether this process waited for the lock (another may have just tried). */
  readonly waited: boolean;
  readonly ctx: ProviderContext;
}): Promise<Credentials> {
  const { ctx, failure } = init;
  const auto = ctx.autoLogin!;
  const profile = ctx.profile;
  const command = loginCommand(profile.name);
  if (!auto.available.ok) {
    failure.hint ??=
      `No sign-in was started (--auto-login): ${auto.available.why}. Run '${command}' where a ` +
      `browser can open, or '${command} --remote'.`;
    throw failure;
  }
  if (
    init.waited &&
    failedRecently(init.file, auto.timeoutMs + 60_000, ctx.now())
  ) {
    failure.hint ??=
      `No sign-in was started: another process's sign-in in the browser for this session just failed. Run '${command}'.`;
    throw failure;
  }
  // The region that issued the session, else the configured one, else the AWS CLI's default for a
  // login: a new sign-in works in any region, and the entry then records the one it used.
  const region = resolveRegion({
    env: ctx.env,
    profile: profile.settings,
    refresh: { sessionRegion: init.entry?.signInRegion },
  }) ?? { region: "us-east-1", source: "default" };
  ctx.debug(`signing in again in ${region.region} (from ${region.source})`);
  const endpoint = resolveEndpoint("signin", {
    region: region.region,
    env: ctx.env,
    profile: profile.settings,
    shared: profile.shared,
  });
  await Deno.writeTextFile(markerOf(init.file), "", { mode: 0o600 }).catch(
    () => {},
  );
  let result;
  try {
    result = await auto.signIn({
      profile,
      session: init.session,
      region: region.region,
      endpoint: endpoint.url,
      reason: autoLoginReason(init.errorCode),
      fetch: ctx.fetch,
    });
  } catch (error) {
    throw new AutoLoginFailedError((error as Error).message, { cause: error });
  }
  await writeCacheFile(init.file, result.cacheJson);
  await Deno.remove(markerOf(init.file)).catch(() => {});
  ctx.debug(`signed in again; wrote the login cache entry ${init.file}`);
  return result.credentials;
}
