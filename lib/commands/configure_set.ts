/**
 * `aws-signin configure set KEY VALUE`: the AWS CLI's `aws configure set`,
 * byte for byte, with safe writes.
 *
 * @example
 * ```sh
 * aws-signin configure set region eu-west-1 --profile dev
 * aws-signin configure set default.s3.max_queue_size 20
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { UsageError } from "../errors.ts";
import { updateFileLocked } from "../util/files.ts";
import { configSectionFor, sectionIsProfile } from "../config/profiles.ts";
import { checkProfileName, selectProfile } from "../config/selection.ts";
import { sharedFilePaths } from "../config/paths.ts";
import { type NewValue, updateConfigText } from "../config/writer.ts";

/** Keys that go to the credentials file instead of the config file. */
export const CREDENTIAL_FILE_KEYS: readonly string[] = [
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
];

/** The command's spec. */
export const spec: CommandSpec = {
  name: "configure set",
  summary: "Set a value in the config or credentials file.",
  description:
    'Sets one setting, exactly as "aws configure set" does. KEY is a setting of the selected profile (region), ' +
    "or a dotted name: default.region, profile.dev.region, or a nested setting such as s3.max_queue_size or " +
    "default.s3.max_queue_size. aws_access_key_id, aws_secret_access_key and aws_session_token go to the " +
    "credentials file; everything else goes to the config file.\n\n" +
    "Only the line that changes is touched: comments, blank lines and every other byte stay as they were. " +
    "A missing file is created with mode 0600. The new file is written beside the old one and renamed over it, " +
    "so an interrupted write never leaves half a file; a symbolic link stays a link. A file that AWS tools " +
    "cannot parse is never written to.",
  flags: { profile: PROFILE_FLAG },
  positionals: [
    { name: "KEY", help: "The setting to change." },
    { name: "VALUE", help: "Its new value." },
  ],
  examples: [
    "aws-signin configure set region us-west-2                 # the selected profile",
    "aws-signin configure set region us-west-2 --profile dev   # [profile dev]",
    "aws-signin configure set profile.dev.output json",
    "aws-signin configure set default.s3.max_concurrent_requests 20",
  ],
};

/** Where a `configure set` goes: which file, which section, which key. */
export interface SetTarget {
  readonly file: "config" | "credentials";
  readonly section: string;
  readonly profile: string;
  readonly key: string;
  readonly value: NewValue;
}

/**
 * Works out the file, section and key for `configure set VARNAME VALUE`, as
 * the AWS CLI's `ConfigureSetCommand` does.
 */
export function resolveSetTarget(
  varname: string,
  value: string,
  sessionProfile: string | undefined,
): SetTarget {
  let profile = "default";
  let key = varname;
  let newValue: NewValue = value;
  const bad = (why: string) =>
    new UsageError(
      `Cannot set "${varname}": ${why}.`,
      `Run "aws-signin configure set --help" for the forms it takes.`,
    );
  if (!varname.includes(".")) {
    if (sessionProfile !== undefined) profile = sessionProfile;
  } else {
    const parts = varname.split(".");
    if (parts[0] === "default" || parts[0] === "profile") {
      let remaining: string[];
      if (parts[0] === "default") {
        remaining = parts.slice(1);
      } else {
        profile = checkProfileName(parts[1] ?? "", "the setting name");
        remaining = parts.slice(2);
        if (profile === "") throw bad("the profile name is missing");
      }
      if (remaining.length === 0 || remaining.length > 2) {
        throw bad("expected one setting, or one nested setting");
      }
      key = remaining[0]!;
      if (remaining.length === 2) newValue = { [remaining[1]!]: value };
    } else if (parts[0] !== "plugins") {
      if (sessionProfile !== undefined) profile = sessionProfile;
      if (parts.length > 2) {
        throw bad("nested settings go one level deep (s3.max_queue_size)");
      }
      key = parts[0]!;
      if (parts.length === 2) newValue = { [parts[1]!]: value };
    } else {
      if (parts.length !== 2) throw bad("expected plugins.NAME");
      profile = "plugins";
      key = parts[1]!;
    }
  }
  if (
    key === "" ||
    (typeof newValue !== "string" &&
      Object.keys(newValue).some((k) => k === ""))
  ) {
    throw bad("the setting name is empty");
  }
  if (
    /[\s=:[\]]/.test(key) ||
    typeof newValue !== "string" &&
      Object.keys(newValue).some((k) => /[\s=]/.test(k))
  ) {
    throw bad("a setting name cannot contain spaces, '=', ':' or brackets");
  }
  if (/[\r\n]/.test(value)) throw bad("a value cannot contain a line break");
  if (CREDENTIAL_FILE_KEYS.includes(key)) {
    return {
      file: "credentials",
      section: profile,
      profile,
      key,
      value: newValue,
    };
  }
  if (profile === "default" || profile === "plugins") {
    return { file: "config", section: profile, profile, key, value: newValue };
  }
  return {
    file: "config",
    section: configSectionFor(profile),
    profile,
    key,
    value: newValue,
  };
}

/** Runs `configure set`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const [varname, value] = args.positionals as [string, string];
  const selected = selectProfile(args.string("profile"), ctx.env);
  const target = resolveSetTarget(
    varname,
    value,
    selected.source === "default" ? undefined : selected.name,
  );
  const paths = sharedFilePaths(ctx.env);
  const path = target.file === "config" ? paths.config : paths.credentials;
  await updateFileLocked(path, (original) =>
    updateConfigText(
      original,
      {
        section: target.section,
        ...(target.file === "config" && target.profile !== "plugins"
          ? { alsoMatches: sectionIsProfile(target.profile) }
          : {}),
      },
      { [target.key]: target.value },
      path,
    ), { newFileMode: 0o600, now: ctx.now, sleep: ctx.sleep });
  ctx.debug(`wrote "${target.key}" to [${target.section}] in ${path}`);
  return 0;
}
