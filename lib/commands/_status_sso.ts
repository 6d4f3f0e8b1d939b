/**
 * What `status` shows for IAM Identity Center: each SSO profile's role
 * credentials in the cache (`~/.aws/cli/cache`, the AWS CLI's key) and
 * whether a command can get them without a new sign-in, and each session
 * (or legacy start URL) with its token's expiry, whether it can be
 * refreshed, which profiles use it (roles built on them included) and the
 * `--auto-login` cool-down beside its token file. From the files alone: no
 * lock, no refresh, no network.
 *
 * @example
 * ```ts
 * import type { SsoCredentialConfig } from "../config/sso_config.ts";
 * declare const dev: SsoCredentialConfig;
 * const { fields, token } = await ssoProfileStatus(dev, { env: {}, now: Date.now() });
 * ```
 * @module
 */

import { type ResolvedProfile, resolveProfile } from "../config/selection.ts";
import {
  type SsoCredentialConfig,
  ssoCredentialConfig,
  ssoLoginCommand,
} from "../config/sso_config.ts";
import { readRoleCache } from "../cache/role_cache.ts";
import {
  isRoleProfile,
  ROLE_EXPIRY_WINDOW_MS,
} from "../credentials/role_config.ts";
import { sessionBase } from "../credentials/login_profiles.ts";
import { ssoRoleFile } from "../credentials/sso_role.ts";
import { type SsoTokenState, ssoTokenState } from "../credentials/sso_state.ts";
import type { Env } from "../util/env.ts";
import { safeText } from "../util/safe_text.ts";
import { formatExpiresAt, relativeTime } from "../util/time.ts";

/** The `--auto-login` part of a status (the same shape for login profiles and SSO sessions). */
export interface AutoSignInStatus {
  enabled: boolean;
  possible: boolean;
  why?: string;
  /** After a refused or timed-out sign-in: when `--auto-login` may open a browser again. */
  notBefore?: string;
}

/** One session (or legacy start URL): field names are the JSON output's `ssoSessions` (stable for scripts). */
export interface SsoSessionStatus {
  /** The `[sso-session]`, or `null` for legacy profiles (sso_start_url on the profile). */
  ssoSession: string | null;
  startUrl: string;
  ssoRegion: string;
  /** The token: `valid`, `needs-refresh`, `expired`, `absent` (never signed in, signed out), `invalid`. */
  state: SsoTokenState["state"];
  expiresAt: string | null;
  canRefresh: boolean;
  /** Why the token cannot be refreshed, or `null`. */
  refreshNote: string | null;
  registrationExpiresAt: string | null;
  /** The profiles whose credentials come from this token (SSO profiles and the roles built on them). */
  profiles: string[];
  tokenFile: string;
  usable: boolean;
  note?: string;
  autoSignIn?: AutoSignInStatus;
}

/** The fields of an SSO profile's status (`type: "sso"`), in the JSON output's order. */
export interface SsoProfileFields {
  ssoSession: string | null;
  startUrl: string;
  ssoRegion: string;
  account: string;
  roleName: string;
  state: "valid" | "needs-refresh" | "expired" | "absent";
  expiresAt: string | null;
  sessionEndsAt: null;
  cacheFile: string;
  tokenFile: string;
  usable: boolean;
  note?: string;
}

/** An SSO profile's checked settings, or the error that says what is wrong with them. */
export function ssoConfigOf(
  profile: ResolvedProfile,
): SsoCredentialConfig | Error | undefined {
  try {
    return ssoCredentialConfig(profile);
  } catch (error) {
    return error as Error;
  }
}

/** The command that signs the session (or legacy profile) in. */
export function ssoAgain(config: SsoCredentialConfig): string {
  return ssoLoginCommand(
    config.sessionName !== undefined
      ? { sessionName: config.sessionName }
      : { profile: config.profile },
  );
}

/** Why a token gives no credentials without a new sign-in, and what to run. */
function tokenNote(token: SsoTokenState, again: string): string {
  const why = token.state === "absent"
    ? "not signed in to IAM Identity Center (no token)"
    : token.state === "invalid"
    ? token.error ?? "the IAM Identity Center token cannot be read"
    : "the IAM Identity Center token has expired and cannot be refreshed";
  return `${why}: run "${again}"`;
}

/** The status fields of an SSO profile whose settings are right. */
export async function ssoProfileStatus(
  config: SsoCredentialConfig,
  ctx: { readonly env: Env; readonly now: number },
): Promise<{ fields: SsoProfileFields; token: SsoTokenState }> {
  const file = await ssoRoleFile(config, ctx);
  const token = await ssoTokenState(config, ctx);
  const cached = readRoleCache(file);
  const left = cached ? cached.expiresAtMs - ctx.now : 0;
  const state = !cached
    ? "absent"
    : left > ROLE_EXPIRY_WINDOW_MS
    ? "valid"
    : left > 0
    ? "needs-refresh"
    : "expired";
  const usable = left > 0 || token.usable;
  return {
    token,
    fields: {
      ssoSession: config.sessionName ?? null,
      startUrl: config.startUrl,
      ssoRegion: config.region,
      account: config.accountId,
      roleName: config.roleName,
      state,
      expiresAt: cached ? formatExpiresAt(cached.expiresAtMs) : null,
      sessionEndsAt: null,
      cacheFile: file,
      tokenFile: token.file,
      usable,
      ...(usable ? {} : { note: tokenNote(token, ssoAgain(config)) }),
    },
  };
}

/** The SSO profile a profile's credentials rest on (itself, or the end of its role chain), if any. */
export function ssoBaseOf(
  profile: ResolvedProfile,
): SsoCredentialConfig | undefined {
  let base: ResolvedProfile | undefined = profile;
  if (isRoleProfile(profile.settings)) {
    const source = sessionBase(profile);
    base = source
      ? resolveProfile(profile.shared, { name: source, source: "flag" })
      : undefined;
  }
  const config = base && ssoConfigOf(base);
  return config instanceof Error ? undefined : config;
}

/** The key of a session in the list: its name, or the legacy start URL. */
function keyOf(config: SsoCredentialConfig): string {
  return config.sessionName !== undefined
    ? `session ${config.sessionName}`
    : `legacy ${config.startUrl}`;
}

/**
 * The sessions (and legacy start URLs) the given SSO configs use, each with
 * every profile of the files that uses it, in the files' order.
 */
export async function ssoSessionStatuses(
  configs: readonly SsoCredentialConfig[],
  all: readonly ResolvedProfile[],
  ctx: { readonly env: Env; readonly now: number },
): Promise<SsoSessionStatus[]> {
  const wanted = new Map<string, SsoCredentialConfig>();
  for (const c of configs) if (!wanted.has(keyOf(c))) wanted.set(keyOf(c), c);
  const users = new Map<string, string[]>();
  for (const p of all) {
    const base = ssoBaseOf(p);
    if (!base) continue;
    const list = users.get(keyOf(base)) ?? [];
    list.push(p.name);
    users.set(keyOf(base), list);
  }
  const out: SsoSessionStatus[] = [];
  for (const [key, config] of wanted) {
    const token = await ssoTokenState(config, ctx);
    out.push({
      ssoSession: config.sessionName ?? null,
      startUrl: config.startUrl,
      ssoRegion: config.region,
      state: token.state,
      expiresAt: token.expiresAtMs !== undefined
        ? formatExpiresAt(token.expiresAtMs)
        : null,
      canRefresh: token.canRefresh,
      refreshNote: token.noRefresh ?? null,
      registrationExpiresAt: token.registrationExpiresAtMs !== undefined
        ? formatExpiresAt(token.registrationExpiresAtMs)
        : null,
      profiles: users.get(key) ?? [config.profile],
      tokenFile: token.file,
      usable: token.usable,
      ...(token.usable ? {} : {
        note: `run "${ssoAgain(config)}" to sign in${
          token.state === "absent" ? "" : " again"
        }`,
      }),
    });
  }
  return out;
}

/** Every profile of the files, resolved (to find who uses a session). */
export function allProfiles(
  profile: ResolvedProfile,
): ResolvedProfile[] {
  const shared = profile.shared;
  return [
    ...new Set([
      ...shared.configProfiles.keys(),
      ...shared.credentialProfiles.keys(),
    ]),
  ].map((name) => resolveProfile(shared, { name, source: "flag" }));
}

/** The text lines of an SSO profile's status (before its cache, identity and note). */
export function ssoProfileLines(s: SsoProfileFields): [string, string][] {
  const lines: [string, string][] = [
    s.ssoSession !== null
      ? ["sso session", s.ssoSession]
      : ["start URL", `${s.startUrl} (legacy: no sso-session)`],
    ["account", s.account],
    ["role", s.roleName],
  ];
  return lines;
}

/** The words of an SSO profile's credentials line. */
export function ssoCredentialWords(
  s: Pick<SsoProfileFields, "state" | "usable">,
  when: string,
): string {
  switch (s.state) {
    case "valid":
      return `valid until ${when}`;
    case "needs-refresh":
      return `valid until ${when}; fetched again on next use`;
    case "expired":
      return s.usable
        ? `expired at ${when}; fetched again on next use`
        : `expired at ${when}`;
    case "absent":
      return s.usable
        ? "absent (fetched with the token on next use)"
        : "absent";
  }
}

/** The text form of one session (control characters escaped). */
export function formatSsoSessionText(s: SsoSessionStatus, now: number): string {
  const when = s.expiresAt
    ? `${s.expiresAt} (${relativeTime(Date.parse(s.expiresAt) - now)})`
    : "";
  const token = {
    "valid": `valid until ${when}`,
    "needs-refresh": `valid until ${when}; refreshed on next use`,
    "expired": s.canRefresh
      ? `expired at ${when}; refreshed on next use`
      : `expired at ${when}`,
    "absent": "absent (not signed in, or signed out)",
    "invalid": "unusable",
  }[s.state];
  const lines: [string, string][] = [
    ...(s.ssoSession !== null
      ? [["start URL", s.startUrl] as [string, string]]
      : []),
    ["sso region", s.ssoRegion],
    ["token", token],
  ];
  if (s.state !== "absent" && s.state !== "invalid") {
    lines.push([
      "refresh",
      s.canRefresh
        ? `possible (a refresh token; the client registration is valid until ${s.registrationExpiresAt})`
        : `not possible: ${s.refreshNote}`,
    ]);
  }
  lines.push(["profiles", s.profiles.join(", ")]);
  const auto = autoSignInLine(s.autoSignIn, s.usable);
  if (auto) lines.push(auto);
  lines.push(["cache", s.tokenFile]);
  if (s.note) lines.push(["note", s.note]);
  // Names, URLs and paths come from files: shown with control characters escaped.
  return `${
    safeText(
      s.ssoSession !== null
        ? `sso-session ${s.ssoSession}`
        : `legacy start URL ${s.startUrl}`,
    )
  }\n${lines.map(([k, v]) => `  ${k.padEnd(16)} ${safeText(v)}\n`).join("")}`;
}

/** The `auto sign-in` line, shown when the session cannot give credentials or a cool-down is on. */
export function autoSignInLine(
  auto: AutoSignInStatus | undefined,
  usable: boolean,
): [string, string] | undefined {
  if (!auto || (usable && auto.notBefore === undefined)) return undefined;
  return [
    "auto sign-in",
    !auto.enabled
      ? "off (--auto-login or AWS_SIGNIN_AUTO_LOGIN=true signs the session in again on next use)"
      : auto.possible
      ? "on: the next use opens a browser here to sign in again"
      : `on, but not possible here: ${auto.why}`,
  ];
}
