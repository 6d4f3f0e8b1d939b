/**
 * IAM Identity Center settings (protocol-sso.md §1): which profiles are SSO
 * profiles (botocore's rule, and the JS SDK's wider one), the settings of an
 * SSO profile with its `[sso-session NAME]` merged in, checked as botocore's
 * credential provider checks them (its texts, exit 255), and the settings
 * `sso login` uses (the AWS CLI's texts, `ConfigurationError`, exit 253),
 * optionally following a role profile's `source_profile` to its SSO profile.
 * Session names are read with botocore's shlex rule (`[sso-session 'my
 * sso']`) by `profiles.ts`; names the JS SDK cannot read are told apart here.
 *
 * @example
 * ```ts
 * import { buildSharedConfig } from "./profiles.ts";
 * import { resolveProfile } from "./selection.ts";
 * const shared = buildSharedConfig("config",
 *   "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n" +
 *   "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n",
 *   "credentials", null);
 * ssoCredentialConfig(resolveProfile(shared, { name: "dev", source: "flag" }))?.region; // "us-east-1"
 * ```
 * @module
 */

import { AwsSigninError, ConfigurationError } from "../errors.ts";
import { shlexQuote, shlexSplit } from "../util/shlex.ts";
import {
  ProfileNotFoundError,
  type ProfileValues,
  type ResolvedProfile,
  resolveProfile,
  stringSetting,
} from "./selection.ts";

/**
 * An SSO profile's settings are wrong (botocore's `InvalidConfigError`:
 * exit 255, as the AWS CLI reports it on the credential path).
 *
 * @example
 * ```ts
 * new SsoConfigError('The specified sso-session does not exist: "nope"').kind; // "other"
 * ```
 */
export class SsoConfigError extends AwsSigninError {
  constructor(message: string) {
    super(message, "other");
    this.name = "SsoConfigError";
  }
}

function has(values: ProfileValues, key: string): boolean {
  return values[key] !== undefined;
}

/**
 * Whether botocore resolves a profile with its SSO provider: it has
 * `sso_account_id` or `sso_role_name` (then it is SSO even beside
 * `credential_process` or static keys).
 *
 * @example
 * ```ts
 * isSsoProfile({ sso_session: "corp", sso_role_name: "Admin" }); // true
 * isSsoProfile({ sso_session: "corp" }); // false
 * ```
 */
export function isSsoProfile(values: ProfileValues): boolean {
  return has(values, "sso_account_id") || has(values, "sso_role_name");
}

/**
 * Whether the JS SDK takes a profile for an SSO profile (`isSsoProfile` of
 * credential-provider-sso): any of `sso_start_url`, `sso_account_id`,
 * `sso_session`, `sso_region`, `sso_role_name` as a string. It then needs
 * all of them, so profiles this and {@linkcode isSsoProfile} disagree on
 * resolve differently in the two SDKs.
 *
 * @example
 * ```ts
 * jsTreatsAsSso({ sso_session: "corp" }); // true
 * ```
 */
export function jsTreatsAsSso(values: ProfileValues): boolean {
  return [
    "sso_start_url",
    "sso_account_id",
    "sso_session",
    "sso_region",
    "sso_role_name",
  ].some((key) => typeof values[key] === "string");
}

/**
 * `sso_registration_scopes` as the AWS CLI parses it: split on `,`, each
 * item stripped, empty items dropped.
 *
 * @example
 * ```ts
 * parseRegistrationScopes("sso:account:access, ,custom:x"); // ["sso:account:access", "custom:x"]
 * ```
 */
export function parseRegistrationScopes(raw: string): string[] {
  return raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * The section header of a session as the AWS CLI writes it
 * (`get_section_header`): a name with a space or tab is shell-quoted.
 *
 * @example
 * ```ts
 * ssoSessionSection("my sso"); // "sso-session 'my sso'"
 * ```
 */
export function ssoSessionSection(name: string): string {
  return `sso-session ${/[ \t]/.test(name) ? shlexQuote(name) : name}`;
}

/**
 * The section to write a session's settings into: its header as the AWS CLI
 * writes it, and any header botocore reads as that session
 * (`[sso-session "my sso"]` too), so that a value lands in the existing
 * section instead of a second one.
 *
 * @example
 * ```ts
 * ssoSessionTarget("my sso").alsoMatches('sso-session "my sso"'); // true
 * ```
 */
export function ssoSessionTarget(name: string): {
  readonly section: string;
  readonly alsoMatches: (header: string) => boolean;
} {
  return {
    section: ssoSessionSection(name),
    alsoMatches: (header) => {
      if (!header.startsWith("sso-session")) return false;
      const parts = shlexSplit(header);
      return parts !== undefined && parts.length === 2 && parts[1] === name;
    },
  };
}

/**
 * Whether the JS SDK can read a session of this name (its section header
 * pattern): create only such names, and warn about others.
 *
 * @example
 * ```ts
 * isPortableSessionName("my-sso"); // true
 * isPortableSessionName("my sso"); // false
 * ```
 */
export function isPortableSessionName(name: string): boolean {
  return /^[A-Za-z0-9_\-@+.%:/]+$/.test(name);
}

/**
 * The command that signs a session (or a legacy profile) in again, for the
 * next step of a message.
 *
 * @example
 * ```ts
 * ssoLoginCommand({ sessionName: "my-sso" }); // "aws-signin sso login --sso-session my-sso"
 * ssoLoginCommand({ profile: "legacy" }); // "aws-signin sso login --profile legacy"
 * ```
 */
export function ssoLoginCommand(
  target: { readonly sessionName?: string; readonly profile?: string },
): string {
  if (target.sessionName !== undefined) {
    return `aws-signin sso login --sso-session ${
      shlexQuote(target.sessionName)
    }`;
  }
  const profile = target.profile ?? "default";
  return profile === "default"
    ? "aws-signin sso login"
    : `aws-signin sso login --profile ${shlexQuote(profile)}`;
}

/** An SSO profile's settings for credentials, checked. */
export interface SsoCredentialConfig {
  /** The profile. */
  readonly profile: string;
  readonly accountId: string;
  readonly roleName: string;
  /** The start URL (the session's for a session profile). */
  readonly startUrl: string;
  /** `sso_region`: the region of the OIDC and portal endpoints. */
  readonly region: string;
  /** The `[sso-session]` the token comes from; absent for a legacy profile (which cannot refresh). */
  readonly sessionName?: string;
}

function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

const REQUIRED = [
  "sso_role_name",
  "sso_account_id",
  "sso_start_url",
  "sso_region",
] as const;

/**
 * The settings botocore's SSO provider reads for a profile, or `undefined`
 * when it is not an SSO profile ({@linkcode isSsoProfile}). A session's
 * keys are merged in (a key set differently in both is an error); then
 * `sso_role_name, sso_account_id, sso_start_url, sso_region` are required,
 * and a session must itself hold `sso_start_url` and `sso_region` (the
 * token provider's check).
 *
 * @example
 * ```ts
 * import { buildSharedConfig } from "./profiles.ts";
 * import { resolveProfile } from "./selection.ts";
 * const shared = buildSharedConfig("config", "[profile a]\nsso_role_name = R\n", "credentials", null);
 * try {
 *   ssoCredentialConfig(resolveProfile(shared, { name: "a", source: "flag" }));
 * } catch (error) {
 *   // 'The profile "a" is configured to use SSO but is missing required configuration: sso_account_id, …'
 *   if (!(error instanceof SsoConfigError)) throw error;
 * }
 * ```
 * @throws {SsoConfigError} with botocore's texts (exit 255).
 */
export function ssoCredentialConfig(
  profile: ResolvedProfile,
): SsoCredentialConfig | undefined {
  const values = profile.settings;
  if (!isSsoProfile(values)) return undefined;
  const merged: ProfileValues = { ...values };
  const sessionName = values.sso_session === undefined
    ? undefined
    : show(values.sso_session);
  let session: ProfileValues | undefined;
  if (sessionName !== undefined) {
    session = profile.shared.ssoSessions.get(sessionName);
    if (!session) {
      throw new SsoConfigError(
        `The specified sso-session does not exist: "${sessionName}"`,
      );
    }
    for (const [key, value] of Object.entries(session)) {
      const mine = merged[key];
      if (mine !== undefined && show(mine) !== show(value)) {
        throw new SsoConfigError(
          `The value for ${key} is inconsistent between profile (${
            show(mine)
          }) and sso-session (${show(value)}).`,
        );
      }
      merged[key] = value;
    }
  }
  const missing: string[] = [];
  for (const key of REQUIRED) {
    if (merged[key] === undefined) missing.push(key);
  }
  if (sessionName !== undefined && merged.sso_session === undefined) {
    missing.push("sso_session");
  }
  if (missing.length > 0) {
    throw new SsoConfigError(
      `The profile "${profile.name}" is configured to use SSO but is missing required configuration: ${
        missing.join(", ")
      }`,
    );
  }
  if (session) {
    const lacking: string[] = [];
    if (session.sso_start_url === undefined) lacking.push("sso_start_url");
    if (session.sso_region === undefined) lacking.push("sso_region");
    if (lacking.length > 0) {
      throw new SsoConfigError(
        `The profile "${profile.name}" is configured to use the SSO token provider but is missing the following ` +
          `configuration: [${lacking.map((k) => `'${k}'`).join(", ")}].`,
      );
    }
  }
  return {
    profile: profile.name,
    accountId: show(merged.sso_account_id),
    roleName: show(merged.sso_role_name),
    startUrl: show(merged.sso_start_url),
    region: show(merged.sso_region),
    ...(sessionName !== undefined ? { sessionName } : {}),
  };
}

/** What `sso login` signs in to. */
export interface SsoLoginConfig {
  /** The profile whose settings were used (after `via`). */
  readonly profile: string;
  /** The session; absent for a legacy profile (device flow, no refresh). */
  readonly sessionName?: string;
  /** The configured `sso_start_url` (the token file's `startUrl`). */
  readonly startUrl: string;
  /** The configured `sso_region`. */
  readonly region: string;
  /** The session's parsed `sso_registration_scopes`: `null` when absent (the registration key tells them apart). */
  readonly registrationScopes: string[] | null;
  /** Role profiles followed through `source_profile` to get here, outermost first. */
  readonly via: readonly string[];
}

const REQUIRED_FOR_LOGIN = ["sso_start_url", "sso_region"];

function missingForLogin(values: ProfileValues): string[] {
  return REQUIRED_FOR_LOGIN.filter((key) => values[key] === undefined);
}

function missingMessage(missing: readonly string[]): string {
  // The AWS CLI's text, trailing space included.
  return `Missing the following required SSO configuration values: ${
    missing.join(", ")
  }. `;
}

function fromSession(
  profile: ResolvedProfile,
  sessionName: string,
  via: readonly string[],
): SsoLoginConfig {
  const session = profile.shared.ssoSessions.get(sessionName);
  if (!session) {
    throw new ConfigurationError(
      `The specified sso-session does not exist: "${sessionName}"`,
    );
  }
  const missing = missingForLogin(session);
  if (missing.length > 0) {
    throw new ConfigurationError(missingMessage(missing));
  }
  const scopes = session.sso_registration_scopes;
  return {
    profile: profile.name,
    sessionName,
    startUrl: show(session.sso_start_url),
    region: show(session.sso_region),
    registrationScopes: scopes === undefined
      ? null
      : parseRegistrationScopes(show(scopes)),
    via,
  };
}

/** The SSO profile a role profile stands on, through `source_profile`, or `undefined`. */
function followSourceProfiles(
  profile: ResolvedProfile,
): { profile: ResolvedProfile; via: string[] } | undefined {
  const via: string[] = [];
  let current = profile;
  for (let hops = 0; hops < 16; hops++) {
    const source = stringSetting(current.settings, "source_profile");
    if (current.settings.role_arn === undefined || source === undefined) {
      return undefined;
    }
    via.push(current.name);
    if (via.includes(source)) return undefined;
    const next = resolveProfile(
      current.shared,
      { name: source, source: "flag" },
      profile.chain,
    );
    if (!next.exists) return undefined;
    const s = next.settings;
    if (
      stringSetting(s, "sso_session") ||
      missingForLogin(s).length < REQUIRED_FOR_LOGIN.length
    ) return { profile: next, via };
    current = next;
  }
  return undefined;
}

/**
 * The settings `sso login` uses ([SSO-UTILS] `_get_sso_config`): the
 * profile is loaded first (a named profile that does not exist fails); then
 * `--sso-session`, else the profile's `sso_session`, names the session,
 * which must exist and hold `sso_start_url` and `sso_region`; without a
 * session the profile itself must (a legacy profile; account and role are
 * not needed to sign in). With `followSourceProfile` (aws-signin's
 * improvement), a role profile without SSO settings leads through
 * `source_profile` to the SSO profile it stands on.
 *
 * @example
 * ```ts
 * import { buildSharedConfig } from "./profiles.ts";
 * import { resolveProfile } from "./selection.ts";
 * const shared = buildSharedConfig("config",
 *   "[profile legacy]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n",
 *   "credentials", null);
 * ssoLoginConfig(resolveProfile(shared, { name: "legacy", source: "flag" })).sessionName; // undefined
 * ```
 * @throws {ProfileNotFoundError} when a named profile does not exist (exit 255).
 * @throws {ConfigurationError} with the AWS CLI's texts (exit 253).
 */
export function ssoLoginConfig(
  profile: ResolvedProfile,
  options: {
    readonly ssoSession?: string | undefined;
    readonly followSourceProfile?: boolean;
  } = {},
): SsoLoginConfig {
  if (!profile.exists && profile.source !== "default") {
    throw new ProfileNotFoundError(
      profile.name,
      `aws-signin configure sso --profile ${shlexQuote(profile.name)}`,
    );
  }
  const sessionName = options.ssoSession ||
    stringSetting(profile.settings, "sso_session");
  if (sessionName) return fromSession(profile, sessionName, []);
  const missing = missingForLogin(profile.settings);
  if (missing.length > 0) {
    const followed = options.followSourceProfile
      ? followSourceProfiles(profile)
      : undefined;
    if (followed) {
      const target = followed.profile;
      const name = stringSetting(target.settings, "sso_session");
      if (name) return fromSession(target, name, followed.via);
      if (missingForLogin(target.settings).length === 0) {
        return legacy(target, followed.via);
      }
    }
    throw new ConfigurationError(
      `${
        missingMessage(missing)
      }To make sure this profile is properly configured to use SSO, please run: aws-signin configure sso`,
    );
  }
  return legacy(profile, []);
}

function legacy(
  profile: ResolvedProfile,
  via: readonly string[],
): SsoLoginConfig {
  return {
    profile: profile.name,
    startUrl: show(profile.settings.sso_start_url),
    region: show(profile.settings.sso_region),
    registrationScopes: null,
    via,
  };
}
