/**
 * `aws-signin configure get KEY`: the AWS CLI's `aws configure get`. Prints
 * the value and exits 0, or prints nothing and exits 1 when it is not set.
 *
 * @example
 * ```sh
 * aws-signin configure get region --profile dev
 * aws-signin configure get default.s3.max_queue_size
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import type { IniValue } from "../config/ini.ts";
import {
  loadSharedConfig,
  mergedProfile,
  profileExists,
  type SharedConfig,
} from "../config/profiles.ts";
import {
  checkProfileName,
  ProfileNotFoundError,
  selectProfile,
} from "../config/selection.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "configure get",
  summary: "Print a value from the config or credentials file.",
  description:
    'Prints one setting of the selected profile, exactly as "aws configure get" does: the config file\'s ' +
    "section with the credentials file's section laid over it. KEY may be dotted: default.region, " +
    "profile.dev.region, dev.region (for an existing profile dev), or a nested setting such as " +
    "s3.max_queue_size.\n\n" +
    "Exit status: 0 and the value on stdout when it is set; 1 and no output when it is not.",
  flags: { profile: PROFILE_FLAG },
  positionals: [{ name: "KEY", help: "The setting to print." }],
  examples: [
    "aws-signin configure get region",
    "aws-signin configure get region --profile dev",
    "aws-signin configure get profile.dev.login_session",
    "aws-signin configure get default.s3.max_queue_size",
  ],
};

function allProfileNames(shared: SharedConfig): Set<string> {
  return new Set([
    ...shared.configProfiles.keys(),
    ...shared.credentialProfiles.keys(),
  ]);
}

/** Looks up a (possibly dotted) name as the AWS CLI's `ConfigureGetCommand` does. */
export function lookupSetting(
  shared: SharedConfig,
  varname: string,
  sessionProfile: string | undefined,
): IniValue | undefined {
  if (!varname.includes(".")) {
    const profile = sessionProfile ?? "default";
    if (sessionProfile !== undefined && !profileExists(shared, profile)) {
      throw new ProfileNotFoundError(profile);
    }
    return mergedProfile(shared, profile)[varname];
  }
  const parts = varname.split(".");
  if (parts.length === 2 && parts[0] === "plugins") {
    return shared.otherSections.get("plugins")?.[parts[1]!] ??
      mergedProfile(shared, "plugins")[parts[1]!];
  }
  let profile: string;
  let key: string | undefined;
  let remaining: string[];
  if (parts[0] === "profile") {
    profile = checkProfileName(parts[1]!, "the setting name");
    key = parts[2];
    remaining = parts.slice(3);
  } else if (parts[0] === "default" || allProfileNames(shared).has(parts[0]!)) {
    profile = parts[0]!;
    key = parts[1];
    remaining = parts.slice(2);
  } else {
    profile = sessionProfile ?? "default";
    key = parts[0];
    remaining = parts.slice(1);
  }
  if (key === undefined) return undefined;
  let value: IniValue | undefined = mergedProfile(shared, profile)[key];
  if (remaining.length === 1) {
    value = typeof value === "object" ? value[remaining[0]!] : undefined;
  }
  return value;
}

/** Runs `configure get`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const varname = args.positionals[0]!;
  const shared = await loadSharedConfig(ctx.env);
  const selected = selectProfile(args.string("profile"), ctx.env);
  ctx.debug(
    `profile "${selected.name}" (from ${selected.source}); config ${shared.configPath}`,
  );
  const value = lookupSetting(
    shared,
    varname,
    selected.source === "default" ? undefined : selected.name,
  );
  if (typeof value === "string") {
    await ctx.io.out(`${value}\n`);
    return 0;
  }
  if (value !== undefined) {
    await ctx.io.err(
      `varname (${varname}) must reference a value, not a section or sub-section.\n`,
    );
  }
  return 1;
}
