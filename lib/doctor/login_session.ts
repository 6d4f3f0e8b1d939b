/**
 * One login profile's session checks, from its cache entry alone: present,
 * valid, due, expired, ended or logged out; the layout of the tool that last
 * wrote it (another SDK's rewrite loses the region that issued the session);
 * and the region a refresh goes to, for aws-signin and for the AWS CLI,
 * against the one that issued the session.
 *
 * @example
 * ```ts
 * import type { ResolvedProfile } from "../config/selection.ts";
 * import type { Check } from "./check.ts";
 * declare const dev: ResolvedProfile;
 * const checks: Check[] = [];
 * const target = await loginSessionChecks(dev, { env: {}, now: Date.now(), checks, stsOf: () => undefined });
 * ```
 * @module
 */

import {
  loginCommand,
  profileArgument,
  type ResolvedProfile,
  stringSetting,
} from "../config/selection.ts";
import {
  REGION_SOURCE_WORDS,
  type RegionSource,
  resolveRegion,
} from "../config/region.ts";
import {
  cacheFilePath,
  loginCacheDir,
  type LoginCacheEntry,
  readCacheFile,
} from "../cache/login_cache.ts";
import {
  credentialsFromEntry,
  REFRESH_WINDOW_MS,
  SESSION_LIMIT_MS,
} from "../credentials/login_entry.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import type { Env } from "../util/env.ts";
import { safeText } from "../util/safe_text.ts";
import { formatExpiresAt, relativeTime } from "../util/time.ts";
import { lstatOrUndefined } from "../util/read.ts";
import type { Credentials } from "../credentials/types.ts";
import { type Check, check, shellWord } from "./check.ts";

/** The region STS calls are signed for, and where it comes from. */
export interface StsRegion {
  readonly region: string;
  /** `default`: nothing names one, so us-east-1. */
  readonly source: RegionSource | "default";
  /** The profile whose settings or session named it, if any. */
  readonly profile?: string;
}

/** What the online checks need for one profile. */
export interface Target {
  readonly profile: ResolvedProfile;
  /** The Sign-In endpoint a refresh of its login session goes to. */
  readonly signin?: { readonly url: string; readonly region: string };
  /** The STS endpoint its calls go to, the region they are signed for, and where both come from. */
  readonly sts?: StsRegion & {
    readonly url: string;
    /** Where the endpoint comes from (`AWS_ENDPOINT_URL_STS`, `partition aws`, ...). */
    readonly endpointSource: string;
  };
  /** Credentials usable as they are (no refresh, no write), and where they come from. */
  readonly credentials?: {
    readonly value: Credentials;
    readonly from: string;
  };
  /** Why the identity is not checked, when there are no such credentials. */
  readonly noIdentity?: string;
  /** The login profile its credentials come from (directly or through roles), if any. */
  readonly loginProfile?: string;
  /** The command that signs its credentials in again when it is not `aws-signin login` (IAM Identity Center). */
  readonly again?: string;
}

/** Credentials used for the identity check must have at least this long left. */
export const USABLE_MS = 60_000;

/** Which tool wrote a cache entry, from its layout (protocol.md §7, §8, §14). */
function writerOf(text: string, raw: Record<string, unknown>): string {
  if ("identityToken" in raw) return "the Go or Java SDK";
  if (/^\{\s*\n\s+"/.test(text)) {
    return raw.idToken === null || /\.\d{3}Z"/.test(text)
      ? "AWS Tools for PowerShell (.NET)"
      : "the JavaScript SDK";
  }
  if (text.startsWith('{"accessToken":{')) return "the Rust SDK";
  return "the AWS CLI or aws-signin";
}

/** The checks of a login profile's session (pushed to `checks`), and what the online checks need. */
export async function loginSessionChecks(
  profile: ResolvedProfile,
  init: {
    readonly env: Env;
    readonly now: number;
    readonly checks: Check[];
    readonly stsOf: (
      profile: ResolvedProfile,
      fallback?: StsRegion,
    ) => Target["sts"] | undefined;
  },
): Promise<Target> {
  const { env, now, checks, stsOf } = init;
  const name = profile.name;
  const session = stringSetting(profile.settings, "login_session")!;
  const again = loginCommand(name);
  let file: string;
  try {
    file = await cacheFilePath(loginCacheDir(env), session);
  } catch (error) {
    checks.push(check(
      "session.cache",
      "error",
      "session",
      name,
      (error as Error).message,
      "Set HOME, or AWS_LOGIN_CACHE_DIRECTORY to the login cache folder.",
    ));
    const t = { profile, loginProfile: name, noIdentity: "no login cache" };
    return t;
  }
  let entry: LoginCacheEntry | undefined;
  try {
    entry = readCacheFile(file, session, name);
  } catch (error) {
    const absent = lstatOrUndefined(file) === undefined;
    checks.push(check(
      "session.cache",
      "error",
      "session",
      name,
      absent
        ? `Profile '${
          safeText(name)
        }' is logged out: there is no cache entry for its session ${
          safeText(session)
        } (${file}).`
        : `The cache entry of profile '${safeText(name)}' cannot be used: ${
          safeText((error as Error).message)
        }`,
      again,
    ));
  }
  const refresh = resolveRegion({
    env,
    profile: profile.settings,
    refresh: { sessionRegion: entry?.signInRegion },
  });
  let signin: Target["signin"];
  if (refresh) {
    try {
      signin = {
        region: refresh.region,
        url: resolveEndpoint("signin", {
          region: refresh.region,
          env,
          profile: profile.settings,
          shared: profile.shared,
        }).url,
      };
    } catch { /* reported by the commands themselves */ }
  }
  const sts = stsOf(
    profile,
    refresh ? { ...refresh, profile: profile.name } : undefined,
  );
  if (!entry) {
    const t = {
      profile,
      loginProfile: name,
      ...(signin ? { signin } : {}),
      ...(sts ? { sts } : {}),
      noIdentity: "the login session has no usable cache entry",
    };
    return t;
  }
  const left = entry.expiresAtMs - now;
  const account = safeText(entry.accessToken.accountId);
  const until = `${formatExpiresAt(entry.expiresAtMs)} (${relativeTime(left)})`;
  if (left > REFRESH_WINDOW_MS) {
    checks.push(check(
      "session.cache",
      "ok",
      "session",
      name,
      `Profile '${
        safeText(name)
      }' is signed in (account ${account}); its credentials are valid until ${until}.`,
    ));
  } else if (left > 0 || -left < SESSION_LIMIT_MS) {
    checks.push(check(
      "session.cache",
      "ok",
      "session",
      name,
      `Profile '${
        safeText(name)
      }' is signed in (account ${account}); its credentials ${
        left > 0 ? "expire" : "expired"
      } ${until}, and the next use refreshes them.`,
    ));
  } else {
    checks.push(check(
      "session.cache",
      "error",
      "session",
      name,
      `The login session of profile '${
        safeText(name)
      }' has ended: its credentials expired ${until}, and a console session lasts at most 12 hours.`,
      `${again}   (or add --auto-login to the tools' credential_process line to sign in again on use)`,
    ));
  }
  let text = "";
  try {
    text = Deno.readTextFileSync(file);
  } catch { /* read a moment ago */ }
  const writer = writerOf(text, entry.raw);
  const issued = entry.signInRegion;
  if (writer === "the AWS CLI or aws-signin" || issued) {
    checks.push(check(
      "session.layout",
      "ok",
      "session",
      name,
      `The cache entry has the layout ${writer} write${
        writer.startsWith("the AWS CLI") ? "" : "s"
      }${
        issued
          ? `, and records the region that issued the session (${
            safeText(issued)
          })`
          : ""
      }.`,
    ));
  } else {
    checks.push(check(
      "session.layout",
      "warning",
      "session",
      name,
      `${writer[0]!.toUpperCase()}${
        writer.slice(1)
      } rewrote the cache entry and dropped signInRegion, the region that issued the session: refreshes go to ${
        refresh
          ? `${refresh.region} (${REGION_SOURCE_WORDS[refresh.source]})`
          : "the configured region"
      }, and fail with "invalid grant" if that is not where you signed in.`,
      `${again}   (a new sign-in records its region again)`,
    ));
  }
  // botocore (the AWS CLI, boto3) refreshes in the session region and ignores signInRegion.
  const cli = resolveRegion({ env, profile: profile.settings });
  const setRegion = (region: string) =>
    `aws-signin configure set region ${shellWord(region)}${
      profileArgument(name)
    }`;
  if (!refresh) {
    checks.push(check(
      "session.region",
      "error",
      "session",
      name,
      `No region is configured for profile '${
        safeText(name)
      }', and the entry does not record the one that issued the session: refreshes cannot be made.`,
      `${setRegion("REGION")}   (the region you signed in to)`,
    ));
  } else if (issued && !cli) {
    checks.push(check(
      "session.region",
      "warning",
      "session",
      name,
      `aws-signin and the JavaScript SDK refresh in ${
        safeText(issued)
      }, the region that issued the session, but profile '${
        safeText(name)
      }' has no region, so the AWS CLI and boto3 refresh it only when --region or AWS_REGION names one, and then in that region.`,
      setRegion(issued),
    ));
  } else if (issued && cli && cli.region !== issued) {
    checks.push(check(
      "session.region",
      "warning",
      "session",
      name,
      `The session was issued in ${
        safeText(issued)
      }, but the AWS CLI and boto3 refresh it in ${
        safeText(cli.region)
      } (from ${
        REGION_SOURCE_WORDS[cli.source]
      }): their refreshes fail with "invalid grant" (aws-signin and the JavaScript SDK use ${
        safeText(issued)
      }).`,
      cli.source === "profile"
        ? setRegion(issued)
        : `unset ${cli.source}   (or export ${cli.source}=${
          shellWord(issued)
        } while you use this profile)`,
    ));
  } else {
    checks.push(check(
      "session.region",
      "ok",
      "session",
      name,
      issued
        ? `Refreshes go to Sign-In in ${
          safeText(issued)
        }, the region that issued the session.`
        : `Refreshes go to Sign-In in ${safeText(refresh.region)} (from ${
          REGION_SOURCE_WORDS[refresh.source] ?? refresh.source
        }); the entry does not record the issuing region (the AWS CLI never does), so that must be where you signed in.`,
    ));
  }
  const t: Target = {
    profile,
    loginProfile: name,
    ...(signin ? { signin } : {}),
    ...(sts ? { sts } : {}),
    ...(left > USABLE_MS
      ? {
        credentials: {
          value: credentialsFromEntry(entry),
          from: "the login cache",
        },
      }
      : {
        noIdentity: left > -SESSION_LIMIT_MS
          ? `its credentials need a refresh first, which doctor does not make (it never writes). "aws-signin status --verify${
            profileArgument(safeText(name))
          }" refreshes them and shows the identity; if that refresh says AccessDenied, ask for the ` +
            "SignInLocalDevelopmentAccess managed policy"
          : "the session has ended",
      }),
  };
  return t;
}
