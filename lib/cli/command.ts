/**
 * What a command is: the module in `lib/commands/` and its entry in the
 * command table of `main.ts`.
 *
 * @example
 * ```ts
 * const entry: CommandEntry = {
 *   summary: "Remove the cached login credentials of a profile (or all of them).",
 *   load: () => import("../commands/logout.ts"),
 * };
 * ```
 * @module
 */

import type { Context } from "./context.ts";
import type { CommandSpec, ParsedArgs } from "./flags.ts";

/** What a module in `lib/commands/` exports. */
export interface CommandModule {
  readonly spec: CommandSpec;
  run(args: ParsedArgs, ctx: Context): Promise<number>;
}

/** One entry of the command table in `main.ts`. */
export interface CommandEntry {
  /** One line for `aws-signin --help` (so listing commands loads none of them). */
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}
