/**
 * Profiles as the AWS tools see them: which profile is selected, and what it
 * holds in the config file, the credentials file, and both merged.
 *
 * @example
 * ```ts
 * const shared = buildSharedConfig(
 *   "~/.aws/config", "[profile dev]\nregion = eu-west-1\n",
 *   "~/.aws/credentials", null,
 * );
 * const profile = resolveProfile(shared, selectProfile(undefined, { AWS_PROFILE: "dev" }));
 * profile.settings.region; // "eu-west-1"
 * ```
 * @module
 */

import { AwsSigninError, UsageError } from "../errors.ts";
import { hasControlCharacters, safeText } from "../util/safe_text.ts";
import {
  type IniDocument,
  type IniValue,
  parseIni,
  sectionValues,
} from "./ini.ts";
import { type Env, expandHome, homeDir } from "../util/env.ts";
import { readTextFileSync } from "../util/files.ts";
import { joinPath } from "../util/path.ts";
import { shlexQuote, shlexSplit } from "../util/shlex.ts";

/** The locations of the two shared files. */
export interface SharedFilePaths {
  /** `AWS_CONFIG_FILE`, default `~/.aws/config`. */
  readonly config: string;
  /** `AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`. */
  readonly credentials: string;
}

/** Resolves the config and credentials file locations from the environment. */
export function sharedFilePaths(env: Env): SharedFilePaths {
  const config = env.AWS_CONFIG_FILE
    ? expandHome(env.AWS_CONFIG_FILE, env, "AWS_CONFIG_FILE")
    : joinPath(homeDir(env), ".aws", "config");
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE
    ? expandHome(
      env.AWS_SHARED_CREDENTIALS_FILE,
      env,
      "AWS_SHARED_CREDENTIALS_FILE",
    )
    : joinPath(homeDir(env), ".aws", "credentials");
  return { config, credentials };
}

/** The settings of one profile (keys lowercased, nested maps parsed). */
export type ProfileValues = Record<string, IniValue>;

/** Both shared files, parsed. A missing file is an empty document. */
export interface SharedConfig {
  readonly configPath: string;
  readonly credentialsPath: string;
  readonly configText: string | null;
  readonly credentialsText: string | null;
  readonly config: IniDocument;
  readonly credentials: IniDocument;
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

const EMPTY: IniDocument = { lines: [], sections: [] };

/**
 * The profile name a config-file section header stands for, as botocore's
 * `build_profile_map` reads it: `default`, or the second word of
 * `profile NAME` (quotes allowed). `undefined` for other sections.
 */
export function profileNameOfSection(header: string): string | undefined {
  if (header === "default") return "default";
  if (!header.startsWith("profile")) return undefined;
  const parts = shlexSplit(header);
  return parts && parts.length === 2 ? parts[1] : undefined;
}

function namedSections(header: string, prefix: string): string | undefined {
  if (!header.startsWith(prefix)) return undefined;
  const parts = shlexSplit(header);
  return parts && parts.length === 2 ? parts[1] : undefined;
}

/** Reads and parses both shared files (a file that fails to parse throws). */
export function loadSharedConfig(env: Env): Promise<SharedConfig> {
  try {
    const paths = sharedFilePaths(env);
    const configText = readTextFileSync(paths.config);
    const credentialsText = readTextFileSync(paths.credentials);
    return Promise.resolve(
      buildSharedConfig(
        paths.config,
        configText,
        paths.credentials,
        credentialsText,
      ),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Builds a {@linkcode SharedConfig} from file texts (`null` for a missing file). */
export function buildSharedConfig(
  configPath: string,
  configText: string | null,
  credentialsPath: string,
  credentialsText: string | null,
): SharedConfig {
  const config = configText === null ? EMPTY : parseIni(configText, configPath);
  const credentials = credentialsText === null
    ? EMPTY
    : parseIni(credentialsText, credentialsPath);
  const configProfiles = new Map<string, ProfileValues>();
  const ssoSessions = new Map<string, ProfileValues>();
  const services = new Map<string, ProfileValues>();
  const otherSections = new Map<string, ProfileValues>();
  for (const section of config.sections) {
    if (section.name === "DEFAULT") continue;
    const values = sectionValues(config, section);
    if (section.name.startsWith("profile")) {
      const name = profileNameOfSection(section.name);
      if (name !== undefined) configProfiles.set(name, values);
    } else if (section.name.startsWith("sso-session")) {
      const name = namedSections(section.name, "sso-session");
      if (name !== undefined) ssoSessions.set(name, values);
    } else if (section.name.startsWith("services")) {
      const name = namedSections(section.name, "services");
      if (name !== undefined) services.set(name, values);
    } else if (section.name === "default") {
      configProfiles.set("default", values);
    } else {
      otherSections.set(section.name, values);
    }
  }
  const credentialProfiles = new Map<string, ProfileValues>();
  for (const section of credentials.sections) {
    if (section.name === "DEFAULT") continue;
    credentialProfiles.set(section.name, sectionValues(credentials, section));
  }
  return {
    configPath,
    credentialsPath,
    configText,
    credentialsText,
    config,
    credentials,
    configProfiles,
    credentialProfiles,
    ssoSessions,
    services,
    otherSections,
  };
}

/** Where the selected profile name came from. */
export type ProfileSource = "flag" | "env" | "default";

// A line break would end the section header and start lines of the attacker's
// choosing (`dev]\ncredential_process=...`); brackets end or open a header.
const isBadName = (name: string) =>
  hasControlCharacters(name) || /[[\]]/.test(name);

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
  readonly shared: SharedConfig;
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
  shared: SharedConfig,
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

/** Whether the profile exists in either file. */
export function profileExists(shared: SharedConfig, name: string): boolean {
  return shared.configProfiles.has(name) || shared.credentialProfiles.has(name);
}

/** The AWS CLI's merged view: the config file's section with the credentials file's laid over it. */
export function mergedProfile(
  shared: SharedConfig,
  name: string,
): ProfileValues {
  return {
    ...shared.configProfiles.get(name),
    ...shared.credentialProfiles.get(name),
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

/**
 * The config-file section header the AWS CLI writes for a profile: `default`,
 * or `profile NAME` (a name with spaces or tabs shell-quoted, as
 * `[profile 'my name']`).
 */
export function configSectionFor(profile: string): string {
  if (profile === "default") return "default";
  return `profile ${/[ \t]/.test(profile) ? shlexQuote(profile) : profile}`;
}

/** The command that signs a profile in again: the next step of every "session is gone" message. */
export function loginCommand(profile: string): string {
  return profile === "default"
    ? "aws-signin login"
    : `aws-signin login --profile ${profile}`;
}

/**
 * A matcher for config-file section headers that botocore reads as this
 * profile (`[profile dev]`, `[profile "dev"]`, `[profile 'my name']`).
 */
export function sectionIsProfile(profile: string): (header: string) => boolean {
  return (header) => profileNameOfSection(header) === profile;
}

/** The selected profile is in neither shared file (the AWS CLI's wording; exit 255 as there). */
export class ProfileNotFoundError extends AwsSigninError {
  /** The profile that was asked for. */
  readonly profile: string;
  constructor(profile: string) {
    super(
      `The config profile (${profile}) could not be found. ` +
        `Check --profile and AWS_PROFILE, or create it with "${
          loginCommand(profile)
        }".`,
      "other",
    );
    this.name = "ProfileNotFoundError";
    this.profile = profile;
  }
}
