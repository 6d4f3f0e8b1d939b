/**
 * Where a profile's credentials come from right now, link by link, as the
 * chain (`chain.ts`) would ask them, from the environment and the files
 * alone: no cache is read, no process run, no network used. What `status`
 * and `doctor` show: which link answers, and why each link before it does
 * not ("which credentials am I using?").
 *
 * @example
 * ```ts
 * import { buildSharedConfig } from "../config/profiles.ts";
 * import { resolveProfile } from "../config/selection.ts";
 * const shared = buildSharedConfig("config",
 *   "[profile dev]\nlogin_session = arn:aws:iam::111122223333:user/alice\n", "credentials", null);
 * const report = explainChain(resolveProfile(shared, { name: "dev", source: "flag" }), {});
 * report.answeredBy; // "login"
 * report.links.map((l) => l.link); // ["environment", "assume-role", "web-identity", "sso", "credentials-file", "login"]
 * ```
 * @module
 */

import { type ResolvedProfile, stringSetting } from "../config/selection.ts";
import type { Env } from "../util/env.ts";
import { imdsDisabled } from "./imds.ts";
import { isSsoProfile } from "../config/sso_config.ts";

/** The links of the chain, in botocore's order (IMDS last, which aws-signin does not ask). */
export const LINKS = [
  "environment",
  "assume-role",
  "web-identity",
  "sso",
  "credentials-file",
  "login",
  "process",
  "config-file",
  "container",
  "instance-metadata",
] as const;

/** One of {@linkcode LINKS}. */
export type LinkName = typeof LINKS[number];

/** How each link is named to people. */
export const LINK_WORDS: Readonly<Record<LinkName, string>> = {
  "environment": "environment keys",
  "assume-role": "assume role",
  "web-identity": "web identity",
  "sso": "IAM Identity Center",
  "credentials-file": "credentials file",
  "login": "login_session",
  "process": "credential_process",
  "config-file": "config file",
  "container": "container endpoint",
  "instance-metadata": "EC2 instance metadata",
};

/** One link, asked. Field names are `status --output json`'s. */
export interface ChainLink {
  readonly link: LinkName;
  /** Whether it answers (the first that does is the one used). */
  readonly answers: boolean;
  /** Why, in a few words. */
  readonly why: string;
}

/** The chain for one profile: the links asked, up to the one that answers (or all). */
export interface ChainReport {
  readonly profile: string;
  readonly answeredBy: LinkName | null;
  readonly links: readonly ChainLink[];
}

const keysIn = (values: Record<string, unknown> | undefined) =>
  values !== undefined &&
  (values.aws_access_key_id !== undefined ||
    values.aws_secret_access_key !== undefined);

/** Each link's answer, in order (stops at the first that answers). */
function* ask(
  profile: ResolvedProfile,
  env: Env,
): Generator<[LinkName, boolean, string]> {
  const s = profile.settings;
  const named = profile.source === "flag";
  if (named) {
    yield ["environment", false, "skipped: --profile names the profile"];
  } else if (env.AWS_ACCESS_KEY_ID || env.AWS_SECRET_ACCESS_KEY) {
    yield ["environment", true, "AWS_ACCESS_KEY_ID is set"];
  } else yield ["environment", false, "AWS_ACCESS_KEY_ID is not set"];
  const role = stringSetting(s, "role_arn");
  const webFile = stringSetting(s, "web_identity_token_file");
  if (role !== undefined && webFile === undefined) {
    const source = stringSetting(s, "source_profile");
    yield [
      "assume-role",
      true,
      `role_arn ${role} with ${
        source !== undefined
          ? `source_profile ${source}`
          : `credential_source ${
            stringSetting(s, "credential_source") ?? "(none)"
          }`
      }`,
    ];
  } else {
    yield [
      "assume-role",
      false,
      role === undefined
        ? "no role_arn"
        : "role_arn with web_identity_token_file: web identity's",
    ];
  }
  const envFile = named ? undefined : env.AWS_WEB_IDENTITY_TOKEN_FILE;
  if (envFile) {
    yield [
      "web-identity",
      true,
      `AWS_WEB_IDENTITY_TOKEN_FILE ${envFile}, role ${
        env.AWS_ROLE_ARN ?? role ?? "(none)"
      }`,
    ];
  } else if (envFile === undefined && webFile) {
    yield [
      "web-identity",
      true,
      `web_identity_token_file ${webFile}, role ${role ?? "(none)"}`,
    ];
  } else {
    yield [
      "web-identity",
      false,
      named && env.AWS_WEB_IDENTITY_TOKEN_FILE
        ? "no web_identity_token_file (AWS_WEB_IDENTITY_TOKEN_FILE is skipped: --profile names the profile)"
        : "no web_identity_token_file or AWS_WEB_IDENTITY_TOKEN_FILE",
    ];
  }
  // botocore's SSO provider, between web identity and the credentials file.
  yield isSsoProfile(s)
    ? [
      "sso",
      true,
      s.sso_session !== undefined
        ? `sso_session ${stringSetting(s, "sso_session") ?? ""}, account ${
          stringSetting(s, "sso_account_id") ?? "(none)"
        }, role ${stringSetting(s, "sso_role_name") ?? "(none)"}`
        : `sso_start_url ${stringSetting(s, "sso_start_url") ?? "(none)"}`,
    ]
    : ["sso", false, "no sso_account_id or sso_role_name"];
  const files = profile.shared;
  yield keysIn(profile.credentialsSettings)
    ? [
      "credentials-file",
      true,
      `keys in [${profile.name}] of ${files.credentialsPath}`,
    ]
    : [
      "credentials-file",
      false,
      `no keys for [${profile.name}] in ${files.credentialsPath}`,
    ];
  const session = stringSetting(s, "login_session");
  yield session
    ? ["login", true, `login_session ${session}`]
    : ["login", false, "no login_session"];
  yield stringSetting(s, "credential_process")
    ? ["process", true, "credential_process is set"]
    : ["process", false, "no credential_process"];
  yield keysIn(profile.configSettings)
    ? [
      "config-file",
      true,
      `keys in the profile's section of ${files.configPath}`,
    ]
    : [
      "config-file",
      false,
      `no keys in the profile's section of ${files.configPath}`,
    ];
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  yield relative !== undefined
    ? ["container", true, `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ${relative}`]
    : full !== undefined
    ? ["container", true, `AWS_CONTAINER_CREDENTIALS_FULL_URI ${full}`]
    : [
      "container",
      false,
      "AWS_CONTAINER_CREDENTIALS_FULL_URI and _RELATIVE_URI are not set",
    ];
  yield [
    "instance-metadata",
    false,
    imdsDisabled(env)
      ? "not asked: AWS_EC2_METADATA_DISABLED=true (and aws-signin never asks it)"
      : "not asked: aws-signin does not use it (the AWS CLI would ask it now, and wait where there is none)",
  ];
}

/** Which link of the chain answers for the profile, and why the ones before it do not. */
export function explainChain(profile: ResolvedProfile, env: Env): ChainReport {
  const links: ChainLink[] = [];
  for (const [link, answers, why] of ask(profile, env)) {
    links.push({ link, answers, why });
    if (answers) return { profile: profile.name, answeredBy: link, links };
  }
  return { profile: profile.name, answeredBy: null, links };
}
