/**
 * Which profile a command uses, and what it holds: the name and where it came
 * from (checked, so it can never break out of a section header), its
 * settings from the config and credentials files and merged, and the
 * profiles whose credentials led here. Free of the file parser, so the
 * `credential_process` hot path can use it over its quick reader too.
 *
 * @example
 * ```ts
 * const files: ProfileFiles = {
 *   configPath: "~/.aws/config",
 *   credentialsPath: "~/.aws/credentials",
 *   configProfiles: new Map([["dev", { region: "eu-west-1" }]]),
 *   credentialProfiles: new Map(),
 *   ssoSessions: new Map(),
 *   services: new Map(),
 *   otherSections: new Map(),
 * };
 * resolveProfile(files, selectProfile("dev", {})).settings.region; // "eu-west-1"
 * ```
 * @module
 */

import { AwsSigninError, UsageError } from "../errors.ts";
import { hasControlCharacters, safeText } from "../util/safe_text.ts";
import { shlexQuote } from "../util/shlex.ts";
import type { Env } from "../util/env.ts";
import type { IniValue } from "./ini.ts";

/** The settings of one profile (keys lowercased, nested maps parsed). */
export type ProfileValues = Record<string, IniValue>;

/** The profiles of both shared files (what settings are read from). */
export interface ProfileFiles {
  readonly configPath: string;
  readonly credentialsPath: string;
  /** Profiles of the config file (`[default]`, `[profile NAME]`). */
  readonly configProfiles: ReadonlyMap<string, ProfileValues>;
  /** Profiles of the credentials file (`[NAME]`). */
  readonly credentialProfiles: ReadonlyMap<string, ProfileValues>;
  /** `[sso-session NAME]` sections of the config file. */
  readonly ssoSessions: ReadonlyMap<string, ProfileValues>;
  /** `[services NAME]` sections of the config file. */
  readonly services: ReadonlyMap<string, ProfileValues>;
  /** Every other section of the config file (for example `[plugins]`), by name. */
  readonly otherSections: ReadonlyMap<string, ProfileValues>;
}

/** Where the selected profile name came from. */
export type ProfileSource = "flag" | "env" | "default";

// A line break would end the section header and start lines of the attacker's
// choosing (`dev]\ncredential_process=...`); brackets end or open a header.
function isBadName(name: string): boolean {
  return hasControlCharacters(name) || name.includes("[") ||
    name.includes("]");
}

/**
 * Refuses a profile name that could break out of its section header.
 *
 * @param from Where the name came from, for the message (`--profile`, `AWS_PROFILE`, ...).
 * @throws {UsageError} when the name has a line break, `[`, `]` or another control character.
 */
export function checkProfileName(name: string, from: string): string {
  if (isBadName(name)) {
    throw new UsageError(
      `Invalid profile name "${
        safeText(name)
      }" (from ${from}): a profile name cannot contain line breaks, ` +
        `"[", "]" or other control characters.`,
    );
  }
  return name;
}

/** The profile in effect: `--profile` > `AWS_PROFILE` > `AWS_DEFAULT_PROFILE` > `default`. */
export function selectProfile(
  flag: string | undefined,
  env: Env,
): { name: string; source: ProfileSource } {
  if (flag !== undefined && flag !== "") {
    return { name: checkProfileName(flag, "--profile"), source: "flag" };
  }
  if (env.AWS_PROFILE) {
    return {
      name: checkProfileName(env.AWS_PROFILE, "AWS_PROFILE"),
      source: "env",
    };
  }
  if (env.AWS_DEFAULT_PROFILE) {
    return {
      name: checkProfileName(env.AWS_DEFAULT_PROFILE, "AWS_DEFAULT_PROFILE"),
      source: "env",
    };
  }
  return { name: "default", source: "default" };
}

/**
 * A profile as a command resolves it, once, and hands it down: the name and
 * where it came from, the files, the settings of each file and merged, and
 * the profiles whose credentials led here.
 */
export interface ResolvedProfile {
  readonly name: string;
  readonly source: ProfileSource;
  readonly shared: ProfileFiles;
  /** The AWS CLI's merged view: the config file's section with the credentials file's laid over it. */
  readonly settings: ProfileValues;
  /** The config file's section (`[default]` or `[profile NAME]`), when there is one. */
  readonly configSettings: ProfileValues | undefined;
  /** The credentials file's section (`[NAME]`), when there is one. */
  readonly credentialsSettings: ProfileValues | undefined;
  /** Whether either file has the profile. */
  readonly exists: boolean;
  /** Profiles already being resolved around this one (nested `credential_process` runs), outermost first. */
  readonly chain: readonly string[];
}

/** Resolves a selected profile against the shared files. */
export function resolveProfile(
  shared: ProfileFiles,
  selected: { readonly name: string; readonly source: ProfileSource },
  chain: readonly string[] = [],
): ResolvedProfile {
  const configSettings = shared.configProfiles.get(selected.name);
  const credentialsSettings = shared.credentialProfiles.get(selected.name);
  return {
    name: selected.name,
    source: selected.source,
    shared,
    settings: { ...configSettings, ...credentialsSettings },
    configSettings,
    credentialsSettings,
    exists: configSettings !== undefined || credentialsSettings !== undefined,
    chain,
  };
}

/** A string setting of a merged profile, or `undefined` (nested maps are not strings). */
export function stringSetting(
  values: ProfileValues,
  key: string,
): string | undefined {
  const value = values[key];
  return typeof value === "string" ? value : undefined;
}

/** ` --profile NAME` for a command line that names the profile, or nothing for `default`. */
export function profileArgument(profile: string): string {
  return profile === "default" ? "" : ` --profile ${shlexQuote(profile)}`;
}

/** The command that signs a profile in again: the next step of every "session is gone" message. */
export function loginCommand(profile: string): string {
  return `aws-signin login${profileArgument(profile)}`;
}

/** The selected profile is in neither shared file (the AWS CLI's wording; exit 255 as there). */
export class ProfileNotFoundError extends AwsSigninError {
  /** The profile that was asked for. */
  readonly profile: string;
  constructor(profile: string, create?: string) {
    super(
      `The config profile (${profile}) could not be found. ` +
        `Check --profile and AWS_PROFILE, or create it with "${
          create ?? loginCommand(profile)
        }".`,
      "other",
    );
    this.name = "ProfileNotFoundError";
    this.profile = profile;
  }
}
