/**
 * `doctor`'s session checks, from the caches alone (no refresh, no lock, no
 * write): each login profile's entry (valid, due, expired, ended, logged
 * out, unreadable), whose layout it has (another SDK's rewrite loses the
 * region that issued the session), the region a refresh goes to against the
 * one that issued it, and the role profiles built on it with their role
 * cache. Also works out what the online checks need: the Sign-In and STS
 * endpoints, and credentials that can be used as they are.
 *
 * @example
 * ```ts
 * import type { ResolvedProfile } from "../config/selection.ts";
 * declare const dev: ResolvedProfile;
 * const { checks, targets } = await sessionChecks({ env: {}, now: Date.now(), profiles: [dev], all: false });
 * ```
 * @module
 */

import {
  loginCommand,
  type ResolvedProfile,
  resolveProfile,
  stringSetting,
} from "../config/selection.ts";
import { configSectionFor } from "../config/profiles.ts";
import { resolveRegion } from "../config/region.ts";
import {
  readRoleCache,
  roleCacheDir,
  roleCacheFile,
  roleCacheKey,
} from "../cache/role_cache.ts";
import {
  fromCache,
  isRoleProfile,
  roleChain,
} from "../credentials/role_config.ts";
import { rolesBuiltOn } from "../credentials/login_profiles.ts";
import { ownExportCommand } from "../credentials/own_command.ts";
import { isSsoProfile } from "../config/sso_config.ts";
import { explainChain, LINK_WORDS } from "../credentials/chain_links.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import type { Env } from "../util/env.ts";
import { safeText } from "../util/safe_text.ts";
import { formatExpiresAt, relativeTime } from "../util/time.ts";
import { type Check, check, shellWord } from "./check.ts";
import { ssoProfileChecks } from "./sso.ts";
import {
  loginSessionChecks,
  type StsRegion,
  type Target,
  USABLE_MS,
} from "./login_session.ts";

export type { Target };

/** The checks and the online targets of a set of profiles. */
export async function sessionChecks(init: {
  readonly env: Env;
  readonly now: number;
  readonly profiles: readonly ResolvedProfile[];
  /** `--all`: the role profiles are among `profiles` already. */
  readonly all: boolean;
}): Promise<{ checks: Check[]; targets: Target[] }> {
  const { env, now } = init;
  const checks: Check[] = [];
  const targets: Target[] = [];
  const loginDone = new Map<string, Target>();
  const roleDone = new Set<string>();
  const ssoDone = new Map<string, Target>();
  const ssoSeen = new Set<string>();

  /** The STS endpoint of a profile, in its region, else in `fallback` (the session's or the source profile's), else us-east-1. */
  const stsOf = (
    profile: ResolvedProfile,
    fallback?: StsRegion,
  ): Target["sts"] | undefined => {
    const own = resolveRegion({ env, profile: profile.settings });
    const region: StsRegion = own
      ? { ...own, profile: profile.name }
      : fallback ?? { region: "us-east-1", source: "default" };
    try {
      const endpoint = resolveEndpoint("sts", {
        region: region.region,
        env,
        profile: profile.settings,
        shared: profile.shared,
      });
      return { ...region, url: endpoint.url, endpointSource: endpoint.source };
    } catch {
      return undefined;
    }
  };

  const envKeys = (): Target["credentials"] | undefined =>
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
        value: {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN
            ? { sessionToken: env.AWS_SESSION_TOKEN }
            : {}),
          method: "env",
        },
        from: "the environment's AWS_ACCESS_KEY_ID (not the profile)",
      }
      : undefined;

  async function login(profile: ResolvedProfile): Promise<Target> {
    const done = loginDone.get(profile.name);
    if (done) return done;
    const t = await loginSessionChecks(profile, { env, now, checks, stsOf });
    loginDone.set(profile.name, t);
    return t;
  }

  async function sso(profile: ResolvedProfile): Promise<Target> {
    const done = ssoDone.get(profile.name);
    if (done) return done;
    const t = await ssoProfileChecks(profile, {
      env,
      now,
      checks,
      stsOf: (p) => stsOf(p),
      seen: ssoSeen,
    });
    ssoDone.set(profile.name, t);
    return t;
  }

  async function role(profile: ResolvedProfile): Promise<Target> {
    const name = profile.name;
    roleDone.add(name);
    let chain;
    try {
      chain = roleChain(profile, now);
    } catch (error) {
      checks.push(check(
        "session.role",
        "error",
        "session",
        name,
        safeText((error as Error).message),
        `Fix source_profile or credential_source in [${
          safeText(configSectionFor(name))
        }] (${safeText(profile.shared.configPath)}).`,
      ));
      return { profile, noIdentity: "the role chain is broken" };
    }
    const roleArn = stringSetting(profile.settings, "role_arn") ?? "";
    let file = "";
    let cached;
    try {
      file = roleCacheFile(
        roleCacheDir(env),
        await roleCacheKey(chain[0]!.args),
      );
      cached = readRoleCache(file);
    } catch (error) {
      checks.push(check(
        "session.role",
        "error",
        "session",
        name,
        safeText((error as Error).message),
        file
          ? `rm ${shellWord(file)}   (the next use assumes the role again)`
          : "Set HOME (the role cache is under it).",
      ));
      return { profile, noIdentity: "the role cache cannot be read" };
    }
    const sourceName = chain[chain.length - 1]!.sourceProfile;
    const source = sourceName === undefined ? undefined : resolveProfile(
      profile.shared,
      { name: sourceName, source: "flag" },
    );
    const sourceIsLogin = source !== undefined &&
      !isRoleProfile(source.settings) &&
      stringSetting(source.settings, "login_session") !== undefined;
    const sourceIsSso = source !== undefined &&
      !isRoleProfile(source.settings) && isSsoProfile(source.settings);
    const base = sourceIsSso
      ? await sso(source)
      : sourceIsLogin
      ? await login(source)
      : undefined;
    const via = chain.length > 1
      ? ` through ${chain.length - 1} more role${chain.length > 2 ? "s" : ""}`
      : "";
    const left = cached ? cached.expiresAtMs - now : -1;
    const sourceWord = sourceName === undefined
      ? "its credential_source"
      : `profile '${safeText(sourceName)}'`;
    checks.push(check(
      "session.role",
      "ok",
      "session",
      name,
      cached && left > 0
        ? `Role ${
          safeText(roleArn)
        } is assumed${via}; the role cache holds its credentials until ${
          formatExpiresAt(cached.expiresAtMs)
        } (${relativeTime(left)}).`
        : `Role ${safeText(roleArn)} is ${
          cached ? "cached with expired credentials" : "not in the role cache"
        }: the next use assumes it${via} with the credentials of ${sourceWord}.`,
    ));
    const sts = stsOf(profile, base?.sts);
    return {
      profile,
      ...(base?.loginProfile ? { loginProfile: base.loginProfile } : {}),
      ...(base?.again ? { again: base.again } : {}),
      ...(sts ? { sts } : {}),
      ...(cached && left > USABLE_MS
        ? {
          credentials: {
            value: fromCache(cached),
            from: "the role cache",
          },
        }
        : {
          noIdentity:
            "the role has no cached credentials, and assuming it is a write doctor does not make",
        }),
    };
  }

  async function one(profile: ResolvedProfile): Promise<Target | undefined> {
    const s = profile.settings;
    const environment = profile.source !== "flag" ? envKeys() : undefined;
    const withEnv = (t: Target): Target =>
      environment
        ? (({ noIdentity: _, ...rest }) => ({
          ...rest,
          credentials: environment,
        }))(t)
        : t;
    if (isRoleProfile(s)) return withEnv(await role(profile));
    // botocore's SSO provider comes before the credentials file, login_session and credential_process.
    if (isSsoProfile(s)) return withEnv(await sso(profile));
    const keysInFile = profile.credentialsSettings?.aws_access_key_id !==
      undefined;
    if (!keysInFile && stringSetting(s, "login_session") !== undefined) {
      return withEnv(await login(profile));
    }
    const process = stringSetting(s, "credential_process");
    const own = process !== undefined && !keysInFile
      ? ownExportCommand(process)
      : undefined;
    if (own) {
      const targetName = own.profile ?? "default";
      const target = resolveProfile(profile.shared, {
        name: targetName,
        source: "flag",
      });
      checks.push(check(
        "session.credentials",
        "ok",
        "session",
        profile.name,
        `Profile '${
          safeText(profile.name)
        }' gets its credentials from aws-signin (credential_process) for profile '${
          safeText(targetName)
        }'.`,
      ));
      if (!target.exists || target.name === profile.name) return undefined;
      const inner = await one(target);
      return inner ? withEnv({ ...inner, profile }) : undefined;
    }
    const id = stringSetting(s, "aws_access_key_id");
    const secret = stringSetting(s, "aws_secret_access_key");
    if (id && secret) {
      checks.push(check(
        "session.credentials",
        "ok",
        "session",
        profile.name,
        `Profile '${
          safeText(profile.name)
        }' uses long-term access keys: there is no session to expire.`,
      ));
      const token = stringSetting(s, "aws_session_token");
      const sts = stsOf(profile);
      return withEnv({
        profile,
        ...(sts ? { sts } : {}),
        credentials: {
          value: {
            accessKeyId: id,
            secretAccessKey: secret,
            ...(token ? { sessionToken: token } : {}),
            method: "shared-credentials-file",
          },
          from: "the profile's access keys",
        },
      });
    }
    const chained = explainChain(profile, env).answeredBy;
    const style =
      (process !== undefined ? "a credential_process" : undefined) ??
        (chained === "web-identity" || chained === "container"
          ? `the ${LINK_WORDS[chained]} (selection.chain)`
          : undefined);
    if (style) {
      checks.push(check(
        "session.credentials",
        "ok",
        "session",
        profile.name,
        `Profile '${
          safeText(profile.name)
        }' uses ${style}, which doctor does not check.`,
      ));
      return undefined;
    }
    if (environment) {
      const sts = stsOf(profile);
      return {
        profile,
        ...(sts ? { sts } : {}),
        credentials: environment,
      };
    }
    if (!profile.exists) return undefined; // selection.profile says so
    checks.push(check(
      "session.credentials",
      "error",
      "session",
      profile.name,
      `Profile '${
        safeText(profile.name)
      }' has no credentials: no login_session, role, keys or credential_process.`,
      loginCommand(profile.name),
    ));
    return undefined;
  }

  for (const profile of init.profiles) {
    if (isRoleProfile(profile.settings) && roleDone.has(profile.name)) continue;
    const target = await one(profile);
    if (target) targets.push(target);
    // The role profiles built on a login (or IAM Identity Center) profile, with their role cache.
    if (
      !init.all && !isRoleProfile(profile.settings) &&
      ((target?.loginProfile !== undefined &&
        stringSetting(profile.settings, "login_session") !== undefined) ||
        ssoDone.has(profile.name))
    ) {
      for (const other of rolesBuiltOn(profile)) {
        if (!roleDone.has(other.name)) await role(other);
      }
    }
  }
  return { checks, targets };
}
