/**
 * `doctor`'s IAM Identity Center checks (protocol-sso.md §7.3), from the
 * config and the caches alone (no refresh, no lock, no write, no token
 * printed), each with a stable id:
 *
 * - `sso.config`: the profile's SSO settings as botocore checks them;
 * - `sso.mixed`: a profile with SSO settings and keys or a
 *   `credential_process` (botocore uses SSO, the JavaScript SDK the other);
 * - `sso.start-url`: not https, or written with `#…` or a trailing `/`
 *   (tools compare start URLs as written: different token files);
 * - `sso.region`: a portal host that names another region than `sso_region`
 *   ("invalid grant", aws/aws-cli#5058);
 * - `sso.scopes`: a session without `sso_registration_scopes` (device-code
 *   sign-ins then get no refresh token);
 * - `sso.legacy`: a legacy profile, whose token cannot be refreshed;
 * - `sso.token`: the token (valid, due, expired, about to expire without a
 *   refresh, absent, unreadable) and the command that signs in again;
 * - `sso.refresh`: a session's valid token that cannot be refreshed;
 * - `sso.foreign-tokens`: token files for the same start URL that are not
 *   the AWS CLI's for any session or legacy profile here (an IDE's): never used;
 * - `sso.credentials`: the role credentials in the cache.
 *
 * @example
 * ```ts
 * import type { ResolvedProfile } from "../config/selection.ts";
 * import type { Check } from "./check.ts";
 * declare const dev: ResolvedProfile;
 * const checks: Check[] = [];
 * const target = await ssoProfileChecks(dev, { env: {}, now: Date.now(), checks, stsOf: () => undefined, seen: new Set() });
 * ```
 * @module
 */

import { configSectionFor } from "../config/profiles.ts";
import {
  profileArgument,
  type ProfileValues,
  type ResolvedProfile,
  stringSetting,
} from "../config/selection.ts";
import {
  type SsoCredentialConfig,
  ssoCredentialConfig,
  ssoLoginCommand,
} from "../config/sso_config.ts";
import { readRoleCache } from "../cache/role_cache.ts";
import { readSsoCacheJson, ssoCacheDir } from "../cache/sso_token_cache.ts";
import { ssoRoleFile } from "../credentials/sso_role.ts";
import {
  SSO_REFRESH_WINDOW_MS,
  ssoTokenFileOf,
  ssoTokenState,
} from "../credentials/sso_state.ts";
import { regionFromPortalHost } from "../sso/start_url.ts";
import type { Env } from "../util/env.ts";
import { joinPath } from "../util/path.ts";
import { safeText } from "../util/safe_text.ts";
import { formatExpiresAt, relativeTime } from "../util/time.ts";
import { type Check, check, shellWord } from "./check.ts";
import { type Target, USABLE_MS } from "./login_session.ts";

const keysIn = (values: ProfileValues | undefined) =>
  values !== undefined &&
  (values.aws_access_key_id !== undefined ||
    values.aws_secret_access_key !== undefined);

/**
 * What an SSO profile (botocore's kind: `sso_account_id` or
 * `sso_role_name`) also holds that the JavaScript SDK uses before its SSO
 * settings, in words, or `undefined`.
 */
export function ssoMixedWith(profile: ResolvedProfile): string | undefined {
  const s = profile.settings;
  if (s.sso_account_id === undefined && s.sso_role_name === undefined) {
    return undefined;
  }
  if (s.role_arn !== undefined) return undefined;
  const what = [
    ...(keysIn(profile.credentialsSettings) || keysIn(profile.configSettings)
      ? ["access keys"]
      : []),
    ...(s.credential_process !== undefined ? ["a credential_process"] : []),
  ];
  return what.length > 0 ? what.join(" and ") : undefined;
}

/** Where a session's (or legacy profile's) settings are, for a fix. */
function sectionOf(config: SsoCredentialConfig): string {
  return config.sessionName !== undefined
    ? `[sso-session ${config.sessionName}]`
    : `[${configSectionFor(config.profile)}]`;
}

/** A start URL without a trailing `/` or `#…`, as the portal compares them. */
function plainStartUrl(url: string): string {
  return url.replace(/#.*$/s, "").replace(/\/+$/, "");
}

/** The token files the config's sessions and legacy profiles name (the AWS CLI's, and ours). */
async function expectedTokenFiles(
  profile: ResolvedProfile,
  env: Env,
): Promise<Set<string>> {
  const files = new Set<string>();
  const shared = profile.shared;
  for (const name of shared.ssoSessions.keys()) {
    files.add(
      await ssoTokenFileOf({ sessionName: name, startUrl: "" }, { env }),
    );
  }
  for (const values of shared.configProfiles.values()) {
    const url = stringSetting(values, "sso_start_url");
    if (url !== undefined && values.sso_session === undefined) {
      files.add(await ssoTokenFileOf({ startUrl: url }, { env }));
    }
  }
  return files;
}

/** Token files in the cache for this start URL that no session or legacy profile here names. */
async function foreignTokens(
  config: SsoCredentialConfig,
  profile: ResolvedProfile,
  env: Env,
): Promise<string[]> {
  const dir = ssoCacheDir(env);
  const ours = await expectedTokenFiles(profile, env);
  const found: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return found;
  }
  const wanted = plainStartUrl(config.startUrl);
  for (const entry of entries) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    const file = joinPath(dir, entry.name);
    if (ours.has(file)) continue;
    const json = readSsoCacheJson(file);
    if (
      typeof json?.accessToken === "string" &&
      typeof json.startUrl === "string" &&
      plainStartUrl(json.startUrl) === wanted
    ) found.push(entry.name);
  }
  return found.sort();
}

/** The checks of a session's (or legacy start URL's) settings and token, once per session. */
async function sessionChecks(
  config: SsoCredentialConfig,
  profile: ResolvedProfile,
  init: { readonly env: Env; readonly now: number; readonly checks: Check[] },
): Promise<void> {
  const { env, now, checks } = init;
  const name = profile.name;
  const legacy = config.sessionName === undefined;
  const what = legacy
    ? `The legacy profile '${safeText(name)}'`
    : `sso-session '${safeText(config.sessionName!)}'`;
  const again = ssoLoginCommand(
    legacy ? { profile: name } : { sessionName: config.sessionName! },
  );
  const where = `${sectionOf(config)} of ${
    safeText(profile.shared.configPath)
  }`;
  const set = (key: string, value: string) =>
    legacy
      ? `aws-signin configure set ${key} ${shellWord(value)}${
        profileArgument(name)
      }`
      : `Set ${key} = ${safeText(value)} in ${where}`;
  // The start URL: https, and written without "#…" or a trailing "/".
  let url: URL | undefined;
  try {
    url = new URL(config.startUrl);
  } catch { /* reported below */ }
  if (!url || url.protocol !== "https:") {
    checks.push(check(
      "sso.start-url",
      "error",
      "sso",
      name,
      `${what} has the start URL ${
        safeText(config.startUrl)
      }, which is not an https:// URL: sso login refuses it.`,
      `${
        set("sso_start_url", "https://YOUR-PORTAL.awsapps.com/start")
      }   (the AWS access portal URL your administrator gave you)`,
    ));
  } else if (plainStartUrl(config.startUrl) !== config.startUrl) {
    const plain = plainStartUrl(config.startUrl);
    checks.push(check(
      "sso.start-url",
      "warning",
      "sso",
      name,
      `${what} has the start URL ${safeText(config.startUrl)}, written with ${
        config.startUrl.includes("#")
          ? `"${safeText(url.hash)}"`
          : 'a trailing "/"'
      }: tools compare start URLs as they are written (a legacy profile's token file is named after it, and ` +
        "tools that look tokens up by start URL match it exactly), so …/start, …/start/ and …/start#/ are " +
        "three different sign-ins.",
      `${set("sso_start_url", plain)}${legacy ? `, then ${again}` : ""}`,
    ));
  }
  // The portal's host names the region of the instance: sso_region must be it.
  const hostRegion = url ? regionFromPortalHost(url.hostname) : undefined;
  if (hostRegion !== undefined && hostRegion !== config.region) {
    checks.push(check(
      "sso.region",
      "error",
      "sso",
      name,
      `${what} has sso_region ${safeText(config.region)}, but its portal ${
        safeText(url!.hostname)
      } is in ${
        safeText(hostRegion)
      }: IAM Identity Center answers a sign-in or refresh in the wrong region with "invalid grant" ` +
        "(aws/aws-cli#5058).",
      set("sso_region", hostRegion),
    ));
  }
  if (!legacy) {
    const session = profile.shared.ssoSessions.get(config.sessionName!);
    if (session?.sso_registration_scopes === undefined) {
      checks.push(check(
        "sso.scopes",
        "warning",
        "sso",
        name,
        `${what} has no sso_registration_scopes: a sign-in with a device code (--use-device-code, or where ` +
          "no browser opens) gets a token without a refresh token, which ends after 8 hours.",
        `Add sso_registration_scopes = sso:account:access to ${where}, then ${again}`,
      ));
    }
  }
  const token = await ssoTokenState(config, { env, now });
  const file = safeText(token.file);
  const left = (token.expiresAtMs ?? 0) - now;
  const until = token.expiresAtMs !== undefined
    ? `${formatExpiresAt(token.expiresAtMs)} (${relativeTime(left)})`
    : "";
  if (token.state === "absent") {
    checks.push(check(
      "sso.token",
      "error",
      "sso",
      name,
      `${what} is not signed in: there is no token (${file}).`,
      again,
    ));
  } else if (token.state === "invalid") {
    checks.push(check(
      "sso.token",
      "error",
      "sso",
      name,
      `${what}'s token cannot be used: ${
        safeText(token.error ?? "")
      } (${file}).`,
      again,
    ));
  } else if (!token.usable) {
    checks.push(check(
      "sso.token",
      "error",
      "sso",
      name,
      `${what}'s token expired ${until} and cannot be refreshed: ${
        safeText(token.noRefresh ?? "")
      }.`,
      again,
    ));
  } else if (!token.canRefresh && left < SSO_REFRESH_WINDOW_MS) {
    checks.push(check(
      "sso.token",
      "warning",
      "sso",
      name,
      `${what}'s token expires ${until} and cannot be refreshed: ${
        safeText(token.noRefresh ?? "")
      }.`,
      again,
    ));
  } else {
    checks.push(check(
      "sso.token",
      "ok",
      "sso",
      name,
      `${what} is signed in: its token ${
        left > 0 ? "is valid until" : "expired"
      } ${until}${
        token.canRefresh
          ? `${
            left < SSO_REFRESH_WINDOW_MS
              ? ", and the next use refreshes it"
              : ""
          }; it can be refreshed while the IAM Identity Center session lasts (client registration valid until ${
            formatExpiresAt(token.registrationExpiresAtMs!)
          })`
          : ""
      }.`,
    ));
  }
  if (legacy) {
    checks.push(check(
      "sso.legacy",
      "warning",
      "sso",
      name,
      `${what} names its start URL itself (no sso_session): its token cannot be refreshed, so every tool ` +
        "needs a new sign-in when it ends (8 hours).",
      `Move sso_start_url and sso_region to an [sso-session NAME] section with sso_registration_scopes = ` +
        `sso:account:access, and set sso_session = NAME in [${
          safeText(configSectionFor(name))
        }] instead (aws-signin configure sso-session writes such a section); then aws-signin sso login --sso-session NAME`,
    ));
  } else if (token.usable && !token.canRefresh && left > 0) {
    checks.push(check(
      "sso.refresh",
      "warning",
      "sso",
      name,
      `${what}'s token cannot be refreshed (${
        safeText(token.noRefresh ?? "")
      }): it ends ${until}, and every tool then needs a new sign-in.`,
      again,
    ));
  }
  const foreign = await foreignTokens(config, profile, env);
  if (foreign.length > 0) {
    checks.push(check(
      "sso.foreign-tokens",
      "ok",
      "sso",
      name,
      `${foreign.length} other token file${
        foreign.length === 1 ? "" : "s"
      } in ${safeText(ssoCacheDir(env))} ${
        foreign.length === 1 ? "has" : "have"
      } the start URL of ${what} but ${
        foreign.length === 1 ? "is" : "are"
      } no sso-session's or legacy profile's here (another tool's, such as an IDE's or Amazon Q's, often with ` +
        `other scopes): ${
          foreign.map(safeText).join(", ")
        }. aws-signin and the AWS CLI never use them (tools that pick a token by its start URL may, and fail).`,
    ));
  }
}

/**
 * An SSO profile's checks (pushed to `checks`; its session's once per run,
 * `seen` remembers which) and what the online checks need: the role
 * credentials in the cache, usable as they are.
 */
export async function ssoProfileChecks(
  profile: ResolvedProfile,
  init: {
    readonly env: Env;
    readonly now: number;
    readonly checks: Check[];
    readonly stsOf: (profile: ResolvedProfile) => Target["sts"] | undefined;
    readonly seen: Set<string>;
  },
): Promise<Target> {
  const { env, now, checks } = init;
  const name = profile.name;
  let config: SsoCredentialConfig | undefined;
  try {
    config = ssoCredentialConfig(profile);
  } catch (error) {
    checks.push(check(
      "sso.config",
      "error",
      "sso",
      name,
      safeText((error as Error).message),
      `Fix the sso_* settings of [${
        safeText(configSectionFor(name))
      }] and its [sso-session] in ${
        safeText(profile.shared.configPath)
      } (aws-signin configure sso writes them).`,
    ));
    return {
      profile,
      noIdentity: "the IAM Identity Center settings are wrong",
    };
  }
  if (!config) {
    return { profile, noIdentity: "not an IAM Identity Center profile" };
  }
  const mixed = ssoMixedWith(profile);
  if (mixed) {
    checks.push(check(
      "sso.mixed",
      "warning",
      "sso",
      name,
      `Profile '${
        safeText(name)
      }' has IAM Identity Center settings (sso_account_id, sso_role_name) and ${mixed}: botocore (the AWS ` +
        `CLI, boto3, aws-signin) uses IAM Identity Center, but the JavaScript SDK uses ${mixed} first, so ` +
        "tools disagree about whose credentials sign their calls.",
      `Keep one: remove ${mixed} from [${safeText(configSectionFor(name))}]${
        profile.credentialsSettings
          ? ` and [${safeText(name)}] of ${
            safeText(profile.shared.credentialsPath)
          }`
          : ""
      }, or move the sso_* settings to a profile of their own.`,
    ));
  }
  const key = config.sessionName !== undefined
    ? `session ${config.sessionName}`
    : `legacy ${config.startUrl}`;
  if (!init.seen.has(key)) {
    init.seen.add(key);
    await sessionChecks(config, profile, init);
  }
  const file = await ssoRoleFile(config, { env });
  const cached = readRoleCache(file);
  const left = cached ? cached.expiresAtMs - now : -1;
  checks.push(check(
    "sso.credentials",
    "ok",
    "sso",
    name,
    cached && left > 0
      ? `The role credentials of ${safeText(config.roleName)} in account ${
        safeText(config.accountId)
      } are cached until ${formatExpiresAt(cached.expiresAtMs)} (${
        relativeTime(left)
      }).`
      : `The role credentials of ${safeText(config.roleName)} in account ${
        safeText(config.accountId)
      } are ${
        cached ? "cached but expired" : "not cached"
      }: the next use gets them with the token (GetRoleCredentials).`,
  ));
  const sts = init.stsOf(profile);
  return {
    profile,
    again: ssoLoginCommand(
      config.sessionName !== undefined
        ? { sessionName: config.sessionName }
        : { profile: name },
    ),
    ...(sts ? { sts } : {}),
    ...(cached && left > USABLE_MS
      ? {
        credentials: {
          value: {
            accessKeyId: cached.accessKeyId,
            secretAccessKey: cached.secretAccessKey,
            sessionToken: cached.sessionToken,
            expiration: cached.expiresAtMs,
            method: "sso",
          },
          from: "the IAM Identity Center role cache",
        },
      }
      : {
        noIdentity:
          "the role credentials are not cached, and getting them is a call doctor does not make",
      }),
  };
}
