/**
 * The shared files parsed into profiles, as the AWS tools read them (which
 * profile is selected and what it holds: `selection.ts`; where the files
 * are: `paths.ts`), and the section names the AWS CLI writes.
 *
 * @example
 * ```ts
 * import { resolveProfile, selectProfile } from "./selection.ts";
 * const shared = buildSharedConfig(
 *   "~/.aws/config", "[profile dev]\nregion = eu-west-1\n",
 *   "~/.aws/credentials", null,
 * );
 * const profile = resolveProfile(shared, selectProfile(undefined, { AWS_PROFILE: "dev" }));
 * profile.settings.region; // "eu-west-1"
 * ```
 * @module
 */

import { type IniDocument, parseIni, sectionValues } from "./ini.ts";
import type { Env } from "../util/env.ts";
import { readTextFileSync } from "../util/read.ts";
import { shlexQuote, shlexSplit } from "../util/shlex.ts";
import { sharedFilePaths } from "./paths.ts";
import type { ProfileFiles, ProfileValues } from "./selection.ts";

/** Both shared files, parsed. A missing file is an empty document. */
export interface SharedConfig extends ProfileFiles {
  readonly configText: string | null;
  readonly credentialsText: string | null;
  readonly config: IniDocument;
  readonly credentials: IniDocument;
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

/**
 * The config-file section header the AWS CLI writes for a profile: `default`,
 * or `profile NAME` (a name with spaces or tabs shell-quoted, as
 * `[profile 'my name']`).
 */
export function configSectionFor(profile: string): string {
  if (profile === "default") return "default";
  return `profile ${/[ \t]/.test(profile) ? shlexQuote(profile) : profile}`;
}

/**
 * A matcher for config-file section headers that botocore reads as this
 * profile (`[profile dev]`, `[profile "dev"]`, `[profile 'my name']`).
 */
export function sectionIsProfile(profile: string): (header: string) => boolean {
  return (header) => profileNameOfSection(header) === profile;
}
