/**
 * `--auto-login` in the credential chain: when a login session can give no
 * credentials (its cache entry is gone, or Sign-In refused the refresh
 * because the session ended or the password changed), sign it in again in
 * the browser, with the entry's lock held so that every process that needs
 * the session at the same time waits for one sign-in and uses its result
 * (the holder leaves a note on its locks, so waiters wait as long as the
 * sign-in may take).
 *
 * A sign-in that was refused or timed out (or whose process was killed) is
 * remembered beside the entry (`ENTRY.sign-in`): for a cool-down after it
 * no caller opens another browser, whether it waited for the lock or came
 * later (a retrying IDE or SDK would open one per try). The cool-down is
 * {@linkcode COOL_DOWN_MS} for the outcome and doubles with each failure in
 * a row, up to an hour; `aws-signin login` (and `logout`) clear it. Without a
 * browser, the error is today's plus a line that says why no sign-in was
 * started.
 *
 * @example
 * ```ts
 * const reason = autoLoginReason(undefined); // "was logged out (it has no login cache entry)"
 * ```
 * @module
 */

import { loginCommand } from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import {
  type LoginCacheEntry,
  signInMarkerPath,
} from "../cache/login_cache.ts";
import { writeCacheFile } from "../cache/login_cache_write.ts";
import { AuthCodeError } from "../sso/errors.ts";
import {
  AwsSigninError,
  InterruptedError,
  ServiceError,
  SignInRefusedError,
  WaitTimeoutError,
} from "../errors.ts";
import { announceOnHeldLocks, type LockNote } from "../util/lock.ts";
import { writeFileAtomic } from "../util/files.ts";
import { durationInWords } from "../util/time.ts";
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

/** How a sign-in that did not give credentials ended. */
export type SignInOutcome = "refused" | "timed out" | "failed";

/** The first cool-down after each outcome (it doubles with each failure in a row, up to {@linkcode MAX_COOL_DOWN_MS}). */
export const COOL_DOWN_MS: Readonly<Record<SignInOutcome, number>> = {
  refused: 10 * 60_000,
  "timed out": 2 * 60_000,
  failed: 2 * 60_000,
};
/** The longest cool-down. */
export const MAX_COOL_DOWN_MS = 60 * 60_000;

/** What the marker beside an entry holds. */
interface Marker {
  /** When the last sign-in started, and until when it could take (ms since the epoch). */
  readonly started: number;
  readonly until: number;
  /** How it ended; none: it did not end (its process was killed, or it is running). */
  readonly outcome?: SignInOutcome;
  readonly ended?: number;
  /** Failed sign-ins in a row, this one included once it ended. */
  readonly failures: number;
}

function readMarker(file: string): Marker | undefined {
  try {
    const value = JSON.parse(Deno.readTextFileSync(signInMarkerPath(file)));
    if (
      !Number.isFinite(value?.started) || !Number.isFinite(value?.until) ||
      !Number.isInteger(value?.failures)
    ) return undefined;
    return value as Marker;
  } catch {
    return undefined;
  }
}

async function writeMarker(file: string, marker: Marker): Promise<void> {
  await writeFileAtomic(signInMarkerPath(file), JSON.stringify(marker), {
    mode: 0o600,
    noFollow: true,
  }).catch(() => {});
}

/** The last failed sign-in of the entry while its cool-down lasts, else undefined. */
export function coolingDown(
  file: string,
  now: number,
):
  | {
    readonly outcome: SignInOutcome;
    readonly ended: number;
    readonly left: number;
  }
  | undefined {
  const marker = readMarker(file);
  if (!marker) return undefined;
  // A sign-in that never said how it ended: its process was stopped (a tool's own timeout kills it).
  const outcome = marker.outcome ?? "timed out";
  // Never in the future (a clock set back): the cool-down stays within its length.
  const ended = Math.min(marker.ended ?? marker.until, now);
  const failures = marker.outcome ? marker.failures : marker.failures + 1;
  const coolDown = Math.min(
    MAX_COOL_DOWN_MS,
    COOL_DOWN_MS[outcome] * 2 ** Math.max(0, Math.min(failures, 10) - 1),
  );
  const left = ended + coolDown - now;
  return left > 0 ? { outcome, ended, left } : undefined;
}

/** "the last sign-in in the browser for this session was refused just now, and no other is opened for 10 minutes" */
export function coolDownWords(
  recent: NonNullable<ReturnType<typeof coolingDown>>,
  now: number,
): string {
  const how = recent.outcome === "refused"
    ? "was refused"
    : recent.outcome === "timed out"
    ? "timed out"
    : "failed";
  return `the last sign-in in the browser for this session ${how} ${
    ago(now - recent.ended)
  }, and no other is opened for ${durationInWords(recent.left)}`;
}

function outcomeOf(error: unknown): SignInOutcome {
  // IAM Identity Center's refusals keep the AWS CLI's errors: a callback with error= (denied on the consent
  // page), a device code denied.
  const ssoRefused = (error instanceof AuthCodeError &&
    error.failure === "no-code") ||
    (error instanceof ServiceError && error.code === "AccessDeniedException");
  return error instanceof SignInRefusedError || ssoRefused
    ? "refused"
    : error instanceof WaitTimeoutError || error instanceof InterruptedError
    ? "timed out"
    : "failed";
}

/** What a process says when it waits for another's sign-in (from the note on the lock). */
export function waitingFor(note: LockNote, now: number): string {
  return `Waiting for another process ${note.what}; it may take up to ${
    durationInWords(note.until - now)
  }.`;
}

function ago(ms: number): string {
  return ms < 60_000 ? "just now" : `${durationInWords(ms)} ago`;
}

/**
 * Runs one sign-in for `--auto-login` with the entry's lock held, for any
 * kind of session (a login session, an IAM Identity Center token): refused
 * with `failure` and a line of why when no browser can open here or a
 * sign-in for this entry just failed (the cool-down); otherwise the marker
 * beside `file` records it, whoever waits for the locks this process holds
 * is told how long it may take, and its outcome is remembered.
 */
export async function signInOnce<T>(init: {
  /** The entry the sign-in is for (the marker goes beside it). */
  readonly file: string;
  readonly failure: AwsSigninError;
  /** The command that signs in by hand, for the messages. */
  readonly command: string;
  /** What the sign-in does, for waiters: "to finish signing in again ... for profile 'dev'". */
  readonly what: string;
  readonly ctx: ProviderContext;
  /** The sign-in; returns what the caller saves. */
  readonly run: () => Promise<T>;
}): Promise<T> {
  const { ctx, failure, command } = init;
  const auto = ctx.autoLogin!;
  if (!auto.available.ok) {
    failure.hint ??=
      `No sign-in was started (--auto-login): ${auto.available.why}. Run '${command}' where a ` +
      `browser can open, or '${command} --${
        command.includes(" sso ") ? "use-device-code" : "remote"
      }'.`;
    throw failure;
  }
  const now = ctx.now();
  const recent = coolingDown(init.file, now);
  if (recent) {
    failure.hint ??= `No sign-in was started (--auto-login): ${
      coolDownWords(recent, now)
    }. Run '${command}' to sign in now.`;
    throw failure;
  }
  const previous = readMarker(init.file);
  const failures = previous
    ? previous.outcome ? previous.failures : previous.failures + 1
    : 0;
  const started = ctx.now();
  const until = started + auto.timeoutMs + 30_000;
  await writeMarker(init.file, { started, until, failures });
  // Whoever waits for this entry (or for a role built on it) waits for the person at the browser.
  await announceOnHeldLocks({ what: init.what, until });
  try {
    return await init.run();
  } catch (error) {
    if (error instanceof InterruptedError && ctx.signal?.reason === "SIGINT") {
      // Ctrl-C at the terminal, on purpose: the next run may open the browser again. (A tool that
      // stops us with SIGTERM gave up waiting: that counts as a time-out.)
      await Deno.remove(signInMarkerPath(init.file)).catch(() => {});
      throw error;
    }
    await writeMarker(init.file, {
      started,
      until,
      outcome: outcomeOf(error),
      ended: ctx.now(),
      failures: failures + 1,
    });
    if (error instanceof InterruptedError) throw error;
    throw new AutoLoginFailedError((error as Error).message, { cause: error });
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
  readonly ctx: ProviderContext;
}): Promise<Credentials> {
  const { ctx } = init;
  const auto = ctx.autoLogin!;
  const profile = ctx.profile;
  return await signInOnce({
    file: init.file,
    failure: init.failure,
    command: loginCommand(profile.name),
    what:
      `to finish signing in again in the browser for profile '${profile.name}' (--auto-login)`,
    ctx,
    run: async () => {
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
      const result = await auto.signIn({
        profile,
        session: init.session,
        region: region.region,
        endpoint: endpoint.url,
        reason: autoLoginReason(init.errorCode),
        fetch: ctx.fetch,
      });
      await writeCacheFile(init.file, result.cacheJson);
      await Deno.remove(signInMarkerPath(init.file)).catch(() => {});
      ctx.debug(`signed in again; wrote the login cache entry ${init.file}`);
      return result.credentials;
    },
  });
}
