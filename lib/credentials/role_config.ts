/**
 * The role settings of a profile and the chain of profiles a role stands
 * on, checked as botocore checks them (names, existence, loops; no file is
 * read and no call is made), and what a role cache entry is worth as
 * credentials: shared by the fast path and the one that assumes the role.
 *
 * @example
 * ```ts
 * import { buildSharedConfig } from "../config/profiles.ts";
 * import { resolveProfile } from "../config/selection.ts";
 * const shared = buildSharedConfig("config",
 *   "[profile admin]\nrole_arn = arn:aws:iam::444455556666:role/Admin\nsource_profile = dev\n\n" +
 *   "[profile dev]\nlogin_session = arn:aws:iam::111122223333:user/alice\n", "credentials", null);
 * roleChain(resolveProfile(shared, { name: "admin", source: "flag" }), Date.now()).length; // 1
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import {
  checkProfileName,
  type ProfileValues,
  type ResolvedProfile,
  resolveProfile,
  stringSetting,
} from "../config/selection.ts";
import type { RoleCacheArgs } from "../cache/role_cache.ts";
import { IMDS_NOT_USED } from "./imds.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** botocore refreshes an assumed role when less than this is left (its `EXPIRY_WINDOW_SECONDS`). */
export const ROLE_EXPIRY_WINDOW_MS = 15 * 60_000;

/** Resolves a profile's credentials without environment variables or role assumption (botocore's profile providers). */
export type ProfileCredentials = (
  ctx: ProviderContext,
) => Promise<Credentials | undefined>;

/** What the role provider needs from the chain. */
export interface RoleDeps {
  readonly profileCredentials: ProfileCredentials;
}

/** The role settings of one profile, checked. */
export interface RoleConfig {
  /** The role profile. */
  readonly profile: ResolvedProfile;
  readonly roleArn: string;
  readonly sourceProfile?: string;
  readonly credentialSource?: string;
  /** The arguments that make up the cache key. */
  readonly args: RoleCacheArgs;
  /** The session name to send (the profile's, or one made as botocore makes it). */
  readonly sessionName: string;
  readonly mfaSerial?: string;
}

/** Whether a profile assumes a role (and is not a web identity profile). */
export function isRoleProfile(values: ProfileValues): boolean {
  return values.role_arn !== undefined &&
    values.web_identity_token_file === undefined;
}

function hasStaticKeys(values: ProfileValues): boolean {
  return values.aws_access_key_id !== undefined ||
    values.aws_secret_access_key !== undefined;
}

/** The `credential_source` values botocore knows (its providers' canonical names). */
export const CREDENTIAL_SOURCES = [
  "Environment",
  "EcsContainer",
  "Ec2InstanceMetadata",
] as const;

/** Refuses a `credential_source` botocore does not know, and the one aws-signin does not serve (IMDS). */
function checkCredentialSource(source: string, profile: string): void {
  if (!(CREDENTIAL_SOURCES as readonly string[]).includes(source)) {
    throw new ConfigurationError(
      `The credential source "${source}" referenced in profile "${profile}" is not valid. Use Environment, ` +
        "EcsContainer, or source_profile.",
    );
  }
  if (source === "Ec2InstanceMetadata") {
    throw new ConfigurationError(
      `The credential_source "Ec2InstanceMetadata" of profile "${profile}" is the EC2 instance metadata ` +
        `service: ${IMDS_NOT_USED}`,
    );
  }
}

/** Reads and checks a role profile's settings (botocore's `_get_role_config`). */
export function roleConfig(profile: ResolvedProfile, now: number): RoleConfig {
  const s = profile.settings;
  const roleArn = stringSetting(s, "role_arn") ?? "";
  const source = stringSetting(s, "source_profile");
  const credentialSource = stringSetting(s, "credential_source");
  if (source !== undefined && credentialSource !== undefined) {
    throw new ConfigurationError(
      `The profile "${profile.name}" contains both source_profile and credential_source. Keep one of them.`,
    );
  }
  if (source === undefined && credentialSource === undefined) {
    throw new ConfigurationError(
      `Partial credentials found in assume-role, missing: source_profile or credential_source (profile ` +
        `"${profile.name}"). Add source_profile = PROFILE, the profile whose credentials assume the role.`,
    );
  }
  if (source !== undefined) {
    checkProfileName(source, `source_profile in profile "${profile.name}"`);
  }
  if (credentialSource !== undefined) {
    checkCredentialSource(credentialSource, profile.name);
  }
  const sessionName = stringSetting(s, "role_session_name");
  const externalId = stringSetting(s, "external_id");
  const mfaSerial = stringSetting(s, "mfa_serial");
  const rawDuration = stringSetting(s, "duration_seconds");
  // botocore: int(duration_seconds), ignored when it is not a number.
  const duration =
    rawDuration !== undefined && /^\s*[-+]?\d+\s*$/.test(rawDuration)
      ? Number(rawDuration)
      : undefined;
  const args: RoleCacheArgs = {
    RoleArn: roleArn,
    ...(sessionName ? { RoleSessionName: sessionName } : {}),
    ...(externalId !== undefined ? { ExternalId: externalId } : {}),
    ...(mfaSerial !== undefined ? { SerialNumber: mfaSerial } : {}),
    ...(duration !== undefined ? { DurationSeconds: duration } : {}),
  };
  return {
    profile,
    roleArn,
    ...(source !== undefined ? { sourceProfile: source } : {}),
    ...(credentialSource !== undefined ? { credentialSource } : {}),
    args,
    sessionName: sessionName || `botocore-session-${Math.floor(now / 1000)}`,
    ...(mfaSerial !== undefined ? { mfaSerial } : {}),
  };
}

/**
 * The role configs from this profile down to the first profile that is not
 * a role (botocore's loop rules: a profile may name itself as its source only
 * to use its own static keys).
 */
export function roleChain(
  profile: ResolvedProfile,
  now: number,
): RoleConfig[] {
  const chain: RoleConfig[] = [];
  const visited = [profile.name];
  let current = profile;
  for (;;) {
    const config = roleConfig(current, now);
    chain.push(config);
    const source = config.sourceProfile;
    if (source === undefined) return chain;
    const shared = current.shared;
    if (
      !shared.configProfiles.has(source) &&
      !shared.credentialProfiles.has(source)
    ) {
      throw new ConfigurationError(
        `The source_profile "${source}" referenced in the profile "${current.name}" does not exist.`,
      );
    }
    const next = resolveProfile(
      shared,
      { name: source, source: "flag" },
      profile.chain,
    );
    if (visited.includes(source)) {
      if (source !== current.name || !hasStaticKeys(next.settings)) {
        throw new ConfigurationError(
          `Infinite loop in credential configuration detected. Attempting to load from profile ${source} which ` +
            `has already been visited. Visited profiles: ${
              [...visited, source].join(" -> ")
            }`,
        );
      }
      return chain; // a profile that uses its own static keys to assume its role
    }
    visited.push(source);
    if (!isRoleProfile(next.settings) || hasStaticKeys(next.settings)) {
      return chain;
    }
    current = next;
  }
}

/** The credentials a role cache entry holds. */
export function fromCache(entry: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
  accountId?: string;
}): Credentials {
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration: entry.expiresAtMs,
    accountId: entry.accountId,
    method: "assume-role",
  };
}
