/**
 * `aws-signin status`: what each login session, IAM Identity Center profile
 * (and role profile built on one) looks like from the caches: valid, due for
 * a refresh, expired, or absent (logged out), when the credentials expire,
 * which region a refresh goes to and why, and where the cache file is; and
 * each IAM Identity Center session with its token (`_status_sso.ts`). No
 * network call and no refresh unless `--verify` asks for one
 * `GetCallerIdentity` per profile.
 *
 * @example
 * ```sh
 * aws-signin status --all
 * aws-signin status --profile dev --output json --verify
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  AUTO_LOGIN_FLAGS,
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { formatJson, type JsonValue } from "../util/aws_output.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  loginCommand,
  ProfileNotFoundError,
  type ResolvedProfile,
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import {
  cacheFilePath,
  loginCacheDir,
  readCacheFile,
} from "../cache/login_cache.ts";
import {
  readRoleCache,
  roleCacheDir,
  roleCacheFile,
  roleCacheKey,
} from "../cache/role_cache.ts";
import {
  REFRESH_WINDOW_MS,
  SESSION_LIMIT_MS,
} from "../credentials/login_entry.ts";
import {
  isRoleProfile,
  ROLE_EXPIRY_WINDOW_MS,
  roleChain,
} from "../credentials/role_config.ts";
import { loginProfiles } from "../credentials/login_profiles.ts";
import { explainChain, LINK_WORDS } from "../credentials/chain_links.ts";
import { autoLoginFor, autoLoginSetting } from "./_credentials.ts";
import { coolDownWords, coolingDown } from "../credentials/login_again.ts";
import { browserAvailability } from "../util/desktop.ts";
import { formatExpiresAt } from "../util/time.ts";
import { lstatOrUndefined } from "../util/read.ts";
import {
  allProfiles,
  type AutoSignInStatus,
  formatSsoSessionText,
  ssoBaseOf,
  ssoConfigOf,
  ssoProfileStatus,
  ssoSessionStatuses,
} from "./_status_sso.ts";
import {
  formatChainText,
  formatStatusText,
  type ProfileStatus,
} from "./_status_text.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "status",
  summary:
    "Show login sessions, IAM Identity Center sessions and role profiles: valid, due, expired or logged out.",
  description:
    "For the profile (or, with --all, every profile with a login_session, every IAM Identity Center profile, " +
    "and every role profile built on one): the session, the account, whether the cached credentials are valid, " +
    "need a refresh, have expired " +
    "or are absent (logged out), when they expire, when the console session ends if the cache says (it does " +
    "not today: unknown), the region a refresh will use and why, and the cache file. It reads only the " +
    "caches: no network call and no refresh, unless --verify asks for one GetCallerIdentity per profile " +
    "(which refreshes what needs it) to show the live identity.\n\n" +
    "For IAM Identity Center profiles: the sso-session (or the legacy start URL), the account and role, and " +
    "the role credentials in the cache; then each session with its token's expiry, whether it can be " +
    "refreshed (a refresh token and a client registration that has not expired; legacy profiles cannot), " +
    "and which profiles use it.\n\n" +
    "For one profile (no --all) it also shows the credential chain as the AWS CLI asks it: which link answers " +
    "(environment keys, a role, web identity, IAM Identity Center, the credentials file, login_session, " +
    "credential_process, the config file, the container endpoint) and why each link before it does not.\n\n" +
    "Exit status: 0 when every listed profile is usable (valid, due for a refresh, or expired less than 12 " +
    "hours ago, so a refresh may still work; with --verify: the call succeeded), 1 otherwise.",
  flags: {
    profile: PROFILE_FLAG,
    all: {
      type: "boolean",
      help:
        "Every profile with a login_session or IAM Identity Center settings, and every role profile built on one.",
    },
    output: {
      type: "string",
      placeholder: "FORMAT",
      choices: ["text", "json"],
      help: "text (default) or json (fields documented in the README).",
    },
    verify: {
      type: "boolean",
      help:
        "Call STS GetCallerIdentity for each profile (refreshing as needed) and show the live identity.",
    },
    ...AUTO_LOGIN_FLAGS,
  },
  positionals: [],
  examples: [
    "aws-signin status",
    "aws-signin status --all",
    "aws-signin status --profile dev --output json --verify",
  ],
};

function stateOf(
  expiresAtMs: number,
  now: number,
  window: number,
): ProfileStatus["state"] {
  const left = expiresAtMs - now;
  return left > window ? "valid" : left > 0 ? "needs-refresh" : "expired";
}

async function loginStatus(
  profile: ResolvedProfile,
  ctx: Context,
): Promise<ProfileStatus> {
  const session = stringSetting(profile.settings, "login_session")!;
  const file = await cacheFilePath(loginCacheDir(ctx.env), session);
  const base = {
    profile: profile.name,
    type: "login" as const,
    session,
    sessionEndsAt: null,
    cacheFile: file,
  };
  const accountOf = (arn: string) => arn.split(":")[4] ?? null;
  let entry;
  try {
    entry = readCacheFile(file, session, profile.name);
  } catch (error) {
    const absent = lstatOrUndefined(file) === undefined;
    return {
      ...base,
      account: accountOf(session),
      state: absent ? "absent" : "invalid",
      expiresAt: null,
      refreshRegion: null,
      refreshRegionFrom: null,
      usable: false,
      note: absent
        ? `logged out: run "${loginCommand(profile.name)}"`
        : `${(error as Error).message}`,
    };
  }
  const region = resolveRegion({
    env: ctx.env,
    profile: profile.settings,
    refresh: { sessionRegion: entry.signInRegion },
  });
  const now = ctx.now();
  const state = stateOf(entry.expiresAtMs, now, REFRESH_WINDOW_MS);
  const usable = state !== "expired" ||
    now - entry.expiresAtMs < SESSION_LIMIT_MS;
  return {
    ...base,
    account: entry.accessToken.accountId,
    state,
    expiresAt: formatExpiresAt(entry.expiresAtMs),
    refreshRegion: region?.region ?? null,
    refreshRegionFrom: region?.source ?? null,
    issuingRegion: entry.signInRegion ?? null,
    usable,
    ...(usable ? {} : {
      note: `the console session has ended: run "${
        loginCommand(profile.name)
      }"`,
    }),
  };
}

async function roleStatus(
  profile: ResolvedProfile,
  ctx: Context,
): Promise<ProfileStatus> {
  const roleArn = stringSetting(profile.settings, "role_arn")!;
  const base = {
    profile: profile.name,
    type: "assume-role" as const,
    roleArn,
    sourceProfile: stringSetting(profile.settings, "source_profile") ?? null,
    account: roleArn.split(":")[4] ?? null,
    sessionEndsAt: null,
  };
  let chain;
  try {
    chain = roleChain(profile, ctx.now());
  } catch (error) {
    return {
      ...base,
      state: "invalid",
      expiresAt: null,
      cacheFile: null,
      usable: false,
      note: (error as Error).message,
    };
  }
  const file = roleCacheFile(
    roleCacheDir(ctx.env),
    await roleCacheKey(chain[0]!.args),
  );
  const cached = readRoleCache(file);
  const state = cached
    ? stateOf(cached.expiresAtMs, ctx.now(), ROLE_EXPIRY_WINDOW_MS)
    : "absent";
  // Usable when the role cache holds credentials, or the chain's login session (if any) can assume it again.
  let usable = state === "valid" || state === "needs-refresh";
  let note: string | undefined;
  if (!usable) {
    const last = chain[chain.length - 1]!;
    const sourceName = last.sourceProfile;
    const source = sourceName === undefined ? undefined : resolveProfile(
      profile.shared,
      { name: sourceName, source: "flag" },
    );
    const sso = source && ssoBaseOf(source);
    if (sso) {
      const base = await ssoProfileStatus(sso, {
        env: ctx.env,
        now: ctx.now(),
      });
      usable = base.fields.usable;
      if (!usable) note = `its source ${base.fields.note}`;
    } else if (source && stringSetting(source.settings, "login_session")) {
      const login = await loginStatus(source, ctx);
      usable = login.usable;
      if (!usable) note = `its source ${login.note}`;
    } else usable = true;
  }
  return {
    ...base,
    state,
    expiresAt: cached ? formatExpiresAt(cached.expiresAtMs) : null,
    cacheFile: file,
    usable,
    ...(note ? { note } : {}),
  };
}

async function statusOf(
  profile: ResolvedProfile,
  ctx: Context,
): Promise<ProfileStatus> {
  if (isRoleProfile(profile.settings)) return await roleStatus(profile, ctx);
  const sso = ssoConfigOf(profile);
  if (sso instanceof Error) {
    return {
      profile: profile.name,
      type: "sso",
      account: null,
      state: "invalid",
      expiresAt: null,
      sessionEndsAt: null,
      cacheFile: null,
      usable: false,
      note: sso.message,
    };
  }
  if (sso) {
    const { fields } = await ssoProfileStatus(sso, {
      env: ctx.env,
      now: ctx.now(),
    });
    return { profile: profile.name, type: "sso", ...fields };
  }
  if (stringSetting(profile.settings, "login_session") !== undefined) {
    return await loginStatus(profile, ctx);
  }
  return {
    profile: profile.name,
    type: "other",
    account: null,
    state: "none",
    expiresAt: null,
    sessionEndsAt: null,
    cacheFile: null,
    usable: false,
    note: `it has no login_session and assumes no role: run "${
      loginCommand(profile.name)
    }" to sign it in`,
  };
}

/** `--auto-login`'s state for the cache file a sign-in would write (its cool-down marker is beside it). */
function autoSignInFor(
  file: string | null,
  ctx: Context,
  enabled: boolean,
  browser: ReturnType<typeof browserAvailability>,
): AutoSignInStatus {
  const recent = file === null ? undefined : coolingDown(file, ctx.now());
  return {
    enabled,
    possible: browser.ok && recent === undefined,
    ...(!browser.ok
      ? { why: browser.why }
      : recent
      ? { why: coolDownWords(recent, ctx.now()) }
      : {}),
    ...(recent ? { notBefore: formatExpiresAt(ctx.now() + recent.left) } : {}),
  };
}

/** Runs `status`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const shared = await loadSharedConfig(ctx.env);
  let profiles: ResolvedProfile[];
  if (args.bool("all")) {
    profiles = loginProfiles(shared);
  } else {
    const profile = resolveProfile(
      shared,
      selectProfile(args.string("profile"), ctx.env),
    );
    if (profile.name !== "default" && !profile.exists) {
      throw new ProfileNotFoundError(profile.name);
    }
    profiles = [profile];
  }
  const auto = autoLoginSetting(args, ctx.env);
  const statuses: ProfileStatus[] = [];
  // One profile: where its credentials come from right now, link by link.
  const chain = args.bool("all")
    ? undefined
    : explainChain(profiles[0]!, ctx.env);
  const browser = browserAvailability(ctx.env);
  // The IAM Identity Center sessions (or legacy start URLs) the listed profiles rest on.
  const sessions = profiles.length === 0 ? [] : await ssoSessionStatuses(
    profiles.flatMap((p) => ssoBaseOf(p) ?? []),
    allProfiles(profiles[0]!),
    { env: ctx.env, now: ctx.now() },
  );
  for (const session of sessions) {
    session.autoSignIn = autoSignInFor(
      session.tokenFile,
      ctx,
      auto !== undefined,
      browser,
    );
  }
  for (const profile of profiles) {
    const s = await statusOf(profile, ctx);
    if (s.type === "other" && chain?.answeredBy) {
      s.usable = true;
      s.note = `its credentials come from the ${
        LINK_WORDS[chain.answeredBy]
      } link of the chain (below): nothing for aws-signin to sign in`;
    }
    if (s.type === "login" || (s.type === "sso" && s.tokenFile)) {
      s.autoSignIn = autoSignInFor(
        s.type === "sso" ? s.tokenFile! : s.cacheFile,
        ctx,
        auto !== undefined,
        browser,
      );
    }
    if (args.bool("verify") && s.type !== "other") {
      const { verifyIdentity } = await import("./_verify.ts");
      s.identity = await verifyIdentity(
        ctx,
        profile,
        auto && autoLoginFor(ctx, auto),
      );
      s.usable = !("error" in s.identity);
    }
    statuses.push(s);
  }
  if (args.string("output") === "json") {
    await ctx.io.out(
      formatJson(
        {
          profiles: statuses,
          ...(sessions.length > 0 ? { ssoSessions: sessions } : {}),
          ...(chain ? { chain } : {}),
        } as unknown as JsonValue,
      ),
    );
  } else if (statuses.length === 0) {
    await ctx.io.out(
      `No profile has a login_session or IAM Identity Center settings. Run "aws-signin login" (or ` +
        `"aws-signin sso login") to sign one in.\n`,
    );
  } else {
    await ctx.io.out(
      [
        ...statuses.map((s) => formatStatusText(s, ctx.now())),
        ...sessions.map((s) => formatSsoSessionText(s, ctx.now())),
        ...(chain ? [formatChainText(chain)] : []),
      ].join("\n"),
    );
  }
  return statuses.length > 0 && statuses.every((s) => s.usable) ? 0 : 1;
}
