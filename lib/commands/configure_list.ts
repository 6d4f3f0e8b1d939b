/**
 * `aws-signin configure list`: the AWS CLI's table of where the profile,
 * credentials and region come from (protocol.md §11), with `login` as the
 * type of a login session.
 *
 * @example
 * ```sh
 * aws-signin configure list --profile dev
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import { mask } from "../cli/context.ts";
import {
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  ProfileNotFoundError,
  resolveProfile,
  selectProfile,
} from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { credentialsFor } from "./_credentials.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "configure list",
  summary:
    "Show the profile, credentials and region in effect, and where each comes from.",
  description:
    "Prints the AWS CLI's table for the selected profile: the profile name, the access key and secret key " +
    "(masked to their last four characters) and the region, each with its TYPE (env, shared-credentials-file, " +
    "config-file, login, custom-process, manual) and LOCATION. Resolving the credentials refreshes a login " +
    "session when it is about to expire.",
  flags: { profile: PROFILE_FLAG },
  positionals: [],
  examples: [
    "aws-signin configure list",
    "aws-signin configure list --profile dev",
  ],
};

function row(
  name: string,
  value: string,
  type: string,
  location: string,
): string {
  return `${name.padEnd(10)} : ${value.padEnd(24)} : ${
    type.padEnd(16)
  } : ${location}\n`;
}

/** Runs `configure list`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const shared = await loadSharedConfig(ctx.env);
  const selected = selectProfile(args.string("profile"), ctx.env);
  const profile = resolveProfile(shared, selected);
  await ctx.io.out(row("NAME", "VALUE", "TYPE", "LOCATION"));
  if (selected.source === "flag") {
    await ctx.io.out(row("profile", selected.name, "manual", "--profile"));
  } else if (selected.source === "env") {
    await ctx.io.out(
      row(
        "profile",
        selected.name,
        "env",
        "['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']",
      ),
    );
  } else await ctx.io.out(row("profile", "<not set>", "None", "None"));
  if (selected.source !== "default" && !profile.exists) {
    throw new ProfileNotFoundError(selected.name);
  }
  const creds = await credentialsFor(ctx, profile);
  if (creds) {
    await ctx.io.out(
      row("access_key", mask(creds.accessKeyId), creds.method, ""),
    );
    await ctx.io.out(
      row("secret_key", mask(creds.secretAccessKey), creds.method, ""),
    );
  } else {
    await ctx.io.out(row("access_key", "<not set>", "None", "None"));
    await ctx.io.out(row("secret_key", "<not set>", "None", "None"));
  }
  const region = resolveRegion({ env: ctx.env, profile: profile.settings });
  if (!region) {
    await ctx.io.out(row("region", "<not set>", "None", "None"));
  } else if (region.source === "profile") {
    await ctx.io.out(
      row(
        "region",
        region.region,
        "config-file",
        ctx.env.AWS_CONFIG_FILE || "~/.aws/config",
      ),
    );
  } else {
    await ctx.io.out(
      row(
        "region",
        region.region,
        "env",
        "['AWS_REGION', 'AWS_DEFAULT_REGION']",
      ),
    );
  }
  return 0;
}
