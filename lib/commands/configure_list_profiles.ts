/**
 * `aws-signin configure list-profiles`: the AWS CLI's command of the same
 * name: every profile of the config and credentials files, one per line.
 * The completion scripts use it to complete `--profile`.
 *
 * @example
 * ```sh
 * aws-signin configure list-profiles
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { CommandSpec, ParsedArgs } from "../cli/flags.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import { hasControlCharacters, safeText } from "../util/safe_text.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "configure list-profiles",
  summary: "List the profiles of the config and credentials files.",
  description:
    'Prints the name of every profile in the config and credentials files, one per line, as "aws configure ' +
    "list-profiles\" does: the config file's first, then those only in the credentials file. A name with a " +
    "control character is left out (with a warning that shows it escaped).",
  flags: {},
  positionals: [],
  examples: ["aws-signin configure list-profiles"],
};

/** Runs `configure list-profiles`. */
export async function run(_args: ParsedArgs, ctx: Context): Promise<number> {
  const shared = await loadSharedConfig(ctx.env);
  const names = new Set([
    ...shared.configProfiles.keys(),
    ...shared.credentialProfiles.keys(),
  ]);
  // A name with a control character could rewrite the terminal or add a line to what a completion reads.
  const plain = [...names].filter((n) => !hasControlCharacters(n));
  if (plain.length < names.size) {
    ctx.warn(
      `Left out ${names.size - plain.length} profile name${
        names.size - plain.length === 1 ? "" : "s"
      } with control characters: ${
        [...names].filter(hasControlCharacters).map((n) => `"${safeText(n)}"`)
          .join(", ")
      }.`,
    );
  }
  await ctx.io.out(plain.map((n) => `${n}\n`).join(""));
  return 0;
}
