/**
 * `doctor`'s selection checks: which profile tools will use and why
 * (`--profile`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, and where those
 * disagree), environment keys that the AWS CLI and the SDKs use before any
 * profile, the path variables that point at nothing, and profiles configured
 * with two credential styles (the AWS CLI takes the first in botocore's
 * order and ignores the other, silently).
 *
 * @example
 * ```ts
 * import { resolveProfile } from "../config/selection.ts";
 * const files = {
 *   configPath: "config",
 *   credentialsPath: "credentials",
 *   configProfiles: new Map([["dev", { login_session: "arn:aws:iam::111122223333:user/alice" }]]),
 *   credentialProfiles: new Map([["dev", { aws_access_key_id: "AKIAIOSFODNN7EXAMPLE", aws_secret_access_key: "x" }]]),
 *   ssoSessions: new Map(),
 *   services: new Map(),
 *   otherSections: new Map(),
 * };
 * credentialStyles(resolveProfile(files, { name: "dev", source: "flag" }));
 * // ["access keys in the credentials file", "login_session"]
 * ```
 * @module
 */

import { configSectionFor, type SharedConfig } from "../config/profiles.ts";
import {
  loginCommand,
  type ProfileValues,
  type ResolvedProfile,
  selectProfile,
} from "../config/selection.ts";
import type { Env } from "../util/env.ts";
import { safeText } from "../util/safe_text.ts";
import { shlexQuote } from "../util/shlex.ts";
import { type Check, check } from "./check.ts";
import { ssoMixedWith } from "./sso.ts";

const has = (values: ProfileValues | undefined, ...keys: string[]) =>
  values !== undefined && keys.some((k) => values[k] !== undefined);

/**
 * The credential styles a profile is configured with, in the order botocore
 * (the AWS CLI) tries them: the first one is the one it uses.
 */
export function credentialStyles(profile: ResolvedProfile): string[] {
  const { settings, credentialsSettings, configSettings } = profile;
  const styles: string[] = [];
  const webIdentity = has(settings, "web_identity_token_file");
  const role = has(settings, "role_arn") && !webIdentity;
  if (role) styles.push("role_arn");
  if (webIdentity) styles.push("web_identity_token_file");
  if (has(settings, "sso_session", "sso_start_url", "sso_account_id")) {
    styles.push("sso_*");
  }
  // A role profile may name itself as its source to assume its role with its own keys.
  const ownKeys = role && settings.source_profile === profile.name;
  const keysIn = (values: ProfileValues | undefined) =>
    has(values, "aws_access_key_id", "aws_secret_access_key");
  if (keysIn(credentialsSettings) && !ownKeys) {
    styles.push("access keys in the credentials file");
  }
  if (has(settings, "login_session")) styles.push("login_session");
  if (has(settings, "credential_process")) styles.push("credential_process");
  if (keysIn(configSettings) && !keysIn(credentialsSettings) && !ownKeys) {
    styles.push("access keys in the config file");
  }
  return styles;
}

function pathCheck(
  env: Env,
  variable: string,
  id: string,
  what: string,
  /** Whether a missing file in an existing folder is fine (the credentials file is optional). */
  optional = false,
): Check[] {
  const value = env[variable];
  if (value === undefined || value === "") return [];
  const path = value.startsWith("~") && env.HOME
    ? env.HOME + value.slice(1)
    : value;
  const present = (p: string) => {
    try {
      Deno.statSync(p);
      return true;
    } catch {
      return false;
    }
  };
  const folder = path.replace(/[\\/][^\\/]*[\\/]?$/, "") || "/";
  if (present(path) || (optional && present(folder))) {
    return [
      check(
        id,
        "ok",
        "selection",
        null,
        present(path)
          ? `${variable} points at ${safeText(path)}, which exists.`
          : `${variable} points at ${
            safeText(path)
          }, which does not exist yet (fine while you keep no access keys).`,
      ),
    ];
  }
  return [
    check(
      id,
      "warning",
      "selection",
      null,
      `${variable} points at ${
        safeText(path)
      }, which does not exist: every AWS tool looks for the ${what} there and finds nothing.`,
      `unset ${variable}   (or point it at your ${what})`,
    ),
  ];
}

/** The selection checks. `profiles` are the profiles being checked (for the two-styles check). */
export function selectionChecks(init: {
  readonly env: Env;
  readonly shared: SharedConfig | undefined;
  readonly flag: string | undefined;
  readonly all: boolean;
  readonly profiles: readonly ResolvedProfile[];
}): Check[] {
  const { env, shared } = init;
  const out: Check[] = [];
  if (!init.all) out.push(...profileCheck(init));
  const named = env.AWS_PROFILE;
  const fallback = env.AWS_DEFAULT_PROFILE;
  if (named && fallback && named !== fallback) {
    out.push(check(
      "selection.profile-env",
      "warning",
      "selection",
      null,
      `AWS_PROFILE (${safeText(named)}) and AWS_DEFAULT_PROFILE (${
        safeText(fallback)
      }) disagree: the AWS CLI v2, the SDKs and aws-signin use ${
        safeText(named)
      }, but boto3 and the AWS CLI v1 use ${safeText(fallback)}.`,
      `unset AWS_DEFAULT_PROFILE   (AWS_PROFILE alone is read by every tool)`,
    ));
  } else if (!named && fallback) {
    out.push(check(
      "selection.profile-env",
      "warning",
      "selection",
      null,
      `Only AWS_DEFAULT_PROFILE (${
        safeText(fallback)
      }) is set: the AWS CLI and boto3 use it, but the JavaScript SDK reads only AWS_PROFILE and uses the default profile.`,
      `export AWS_PROFILE=${
        shlexQuote(safeText(fallback))
      }; unset AWS_DEFAULT_PROFILE`,
    ));
  }
  const id = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  const keyVars = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
    .concat(env.AWS_SESSION_TOKEN ? ["AWS_SESSION_TOKEN"] : [])
    .concat(env.AWS_SECURITY_TOKEN ? ["AWS_SECURITY_TOKEN"] : []);
  if (id || secret) {
    const unset = `unset ${
      keyVars.join(" ")
    }   (or leave them set on purpose, and pass --profile)`;
    out.push(
      id && secret
        ? check(
          "selection.env-credentials",
          "warning",
          "selection",
          null,
          `AWS_ACCESS_KEY_ID is set (key ${
            safeText(id.slice(0, 4))
          }...): the AWS CLI, boto3 and aws-signin use these keys instead of any profile chosen by AWS_PROFILE ` +
            "(only an explicit --profile wins over them), while the JavaScript SDK uses AWS_PROFILE when it is set: " +
            "tools disagree about whose credentials sign their calls.",
          unset,
        )
        : check(
          "selection.env-credentials",
          "error",
          "selection",
          null,
          `${
            id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"
          } is set without ${
            id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"
          }: the AWS CLI stops with "Partial credentials found in env" before it reads any profile.`,
          unset,
        ),
    );
  } else if (env.AWS_SESSION_TOKEN) {
    out.push(check(
      "selection.env-credentials",
      "warning",
      "selection",
      null,
      "AWS_SESSION_TOKEN is set without AWS_ACCESS_KEY_ID: a leftover from an earlier session that some tools send along with other keys.",
      "unset AWS_SESSION_TOKEN",
    ));
  }
  out.push(
    ...pathCheck(
      env,
      "AWS_CONFIG_FILE",
      "selection.config-file",
      "config file",
    ),
    ...pathCheck(
      env,
      "AWS_SHARED_CREDENTIALS_FILE",
      "selection.credentials-file",
      "credentials file",
      true,
    ),
    ...pathCheck(
      env,
      "AWS_LOGIN_CACHE_DIRECTORY",
      "selection.login-cache-directory",
      "login cache folder",
    ),
  );
  if (shared) {
    for (const profile of init.profiles) {
      const styles = credentialStyles(profile);
      // IAM Identity Center beside keys or a credential_process: sso.mixed says how the SDKs differ.
      if (styles.length < 2 || ssoMixedWith(profile) !== undefined) continue;
      out.push(check(
        "selection.credential-styles",
        "warning",
        "selection",
        profile.name,
        `Profile '${safeText(profile.name)}' has two kinds of credentials (${
          styles.join(", ")
        }): the AWS CLI uses ${
          styles[0]
        } and ignores the rest, and other SDKs may choose differently.`,
        `Keep one: edit [${
          configSectionFor(profile.name)
        }] in ${profile.shared.configPath}${
          profile.credentialsSettings
            ? ` and [${profile.name}] in ${profile.shared.credentialsPath}`
            : ""
        } (aws-signin never removes settings for you).`,
      ));
    }
  }
  return out;
}

function profileCheck(init: {
  readonly env: Env;
  readonly shared: SharedConfig | undefined;
  readonly flag: string | undefined;
}): Check[] {
  let selected;
  try {
    selected = selectProfile(init.flag, init.env);
  } catch (error) {
    return [
      check(
        "selection.profile",
        "error",
        "selection",
        null,
        (error as Error).message,
        "Pass --profile with a profile name, or fix AWS_PROFILE.",
      ),
    ];
  }
  const from = selected.source === "flag"
    ? "--profile"
    : selected.source === "env"
    ? (init.env.AWS_PROFILE ? "AWS_PROFILE" : "AWS_DEFAULT_PROFILE")
    : "no --profile or AWS_PROFILE";
  const shared = init.shared;
  if (!shared) return [];
  const name = selected.name;
  const exists = shared.configProfiles.has(name) ||
    shared.credentialProfiles.has(name);
  if (exists) {
    return [
      check(
        "selection.profile",
        "ok",
        "selection",
        name,
        `Profile '${safeText(name)}' (from ${from}) is configured.`,
      ),
    ];
  }
  const others = [
    ...new Set([
      ...shared.configProfiles.keys(),
      ...shared.credentialProfiles.keys(),
    ]),
  ];
  const listing = others.length > 0
    ? ` The profiles here are: ${others.slice(0, 8).map(safeText).join(", ")}${
      others.length > 8 ? ", ..." : ""
    }.`
    : "";
  if (name === "default" && selected.source === "default") {
    return [
      check(
        "selection.profile",
        others.length > 0 ? "warning" : "error",
        "selection",
        name,
        others.length > 0
          ? `No profile is chosen (no --profile, AWS_PROFILE) and there is no default profile: tools find no credentials unless told which profile to use.${listing}`
          : `No profile is configured yet (${shared.configPath} has none).`,
        others.length > 0
          ? `export AWS_PROFILE=${
            shlexQuote(safeText(others[0]!))
          }   (or pass --profile; "aws-signin doctor --all" checks every login profile)`
          : "aws-signin login",
      ),
    ];
  }
  return [
    check(
      "selection.profile",
      "error",
      "selection",
      name,
      `The config profile (${
        safeText(name)
      }) could not be found (it came from ${from}).${listing}`,
      selected.source === "env"
        ? `Fix ${from}, or create the profile: ${loginCommand(safeText(name))}`
        : loginCommand(safeText(name)),
    ),
  ];
}
