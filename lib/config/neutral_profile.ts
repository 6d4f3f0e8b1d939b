/**
 * The config file `exec --server` gives its command (with `AWS_PROFILE`
 * naming the profile it adds) so that every SDK's default chain finds
 * nothing in the shared files and reaches the container credential endpoint,
 * whatever `[default]` holds. The added profile carries `[default]`'s other
 * settings (region, output, `s3 = ...`, endpoints), line for line, so the
 * command sees what it would see as `[default]`; the other sections are kept
 * as they are, so a profile the command names explicitly (and a role whose
 * `source_profile` is a login or SSO profile) still works.
 *
 * It holds nothing secret, since it lives in the temp folder and a killed
 * exec cannot remove it: a section that holds keys or a `credential_process`
 * is left out whole (a command that names it gets "profile not found", never
 * the server's credentials under its name), and so are comments.
 *
 * @example
 * ```ts
 * const { name, text } = neutralConfig(
 *   "[default]\nregion = eu-west-1\naws_access_key_id = AKIA...\n",
 *   "~/.aws/config",
 *   new Set(["default"]),
 * );
 * name; // "aws-signin-exec"
 * text; // "[profile aws-signin-exec]\nregion = eu-west-1\n"
 * ```
 * @module
 */

import { parseIni } from "./ini.ts";
import { profileNameOfSection } from "./profiles.ts";

/** Settings that make a profile a source of credentials, for any AWS SDK. */
export const CREDENTIAL_KEYS: ReadonlySet<string> = new Set([
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "aws_security_token",
  "aws_credential_expiration",
  "aws_account_id",
  "login_session",
  "credential_process",
  "role_arn",
  "source_profile",
  "credential_source",
  "role_session_name",
  "external_id",
  "mfa_serial",
  "duration_seconds",
  "web_identity_token_file",
  "sso_session",
  "sso_start_url",
  "sso_region",
  "sso_account_id",
  "sso_role_name",
  "sso_registration_scopes",
]);

/**
 * Settings whose value is a secret or may hold one (a `credential_process`
 * command line may carry a token): a section with any of them is left out of
 * the copy.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "aws_security_token",
  "credential_process",
]);

/** The name of the added profile: `aws-signin-exec`, or with a number when a profile already has that name. */
function freeName(taken: ReadonlySet<string>): string {
  let name = "aws-signin-exec";
  for (let n = 2; taken.has(name); n++) name = `aws-signin-exec-${n}`;
  return name;
}

/**
 * The config text the command gets: every section but those that hold a
 * secret, without comments, then a profile with `[default]`'s settings
 * except its credentials. `taken` holds every profile name of both files.
 *
 * @returns the added profile's name, the text, and the headers of the sections left out.
 */
export function neutralConfig(
  configText: string | null,
  configPath: string,
  taken: ReadonlySet<string>,
): {
  readonly name: string;
  readonly text: string;
  readonly leftOut: readonly string[];
} {
  const name = freeName(taken);
  const doc = parseIni(configText ?? "", configPath);
  const secret = new Set(
    doc.sections.flatMap((section, index) =>
      section.options.some((o) => SECRET_KEYS.has(o.key)) ? [index] : []
    ),
  );
  const kept: string[] = [];
  for (const section of doc.sections) {
    if (profileNameOfSection(section.name) !== "default") continue;
    const index = doc.sections.indexOf(section);
    let keep = false;
    for (let i = section.line + 1; i < doc.lines.length; i++) {
      const line = doc.lines[i]!;
      if (line.section !== index) break;
      if (line.kind === "option") {
        const option = section.options.find((o) => o.line === i);
        keep = option !== undefined && !CREDENTIAL_KEYS.has(option.key);
      }
      if ((line.kind === "option" || line.kind === "continuation") && keep) {
        kept.push(line.text);
      }
    }
  }
  // Lines before the first section can only be comments and blank lines.
  const base = doc.lines
    .filter((l) =>
      l.section >= 0 && l.kind !== "comment" && !secret.has(l.section)
    )
    .map((l) => `${l.text}${l.eol}`)
    .join("");
  const separator = base === "" || /[\r\n]$/.test(base) ? "" : "\n";
  return {
    name,
    text: `${base}${separator}${base === "" ? "" : "\n"}[profile ${name}]\n${
      kept.map((l) => `${l}\n`).join("")
    }`,
    leftOut: [...secret].map((i) => `[${doc.sections[i]!.name}]`),
  };
}
