/**
 * aws-signin: AWS console-credential sign-in without the AWS CLI.
 *
 * The entry point: argv -> command -> exit code.
 *
 * Start-up is the product's hot path (`credential_process` runs it many times
 * a minute), so this file loads one module up front: the
 * `configure export-credentials` hot path (the caches alone),
 * `lib/commands/export_credentials_fast.generated.js`, bundled from
 * `lib/commands/export_credentials_fast.ts` by `deno task generate` because
 * one file loads faster than twenty. It answers only when the full command
 * would answer the same. Everything else (`lib/program.ts` and every command)
 * is imported by a computed URL: `deno run` walks every module a literal
 * `import()` names before it starts (about 4 ms for all commands), and a
 * computed one is loaded only when used. The bundle and the compiled binary
 * are built from entries that name each module in a literal `import()`
 * (`scripts/build.ts`), so they embed them all.
 *
 * @module
 */

// @ts-types="./lib/commands/export_credentials_fast.ts"
import { tryFastPath } from "./lib/commands/export_credentials_fast.generated.js";

/** Loads from source: a computed URL, so nothing is loaded before it is used. */
export function sourceLoader(path: string): Promise<unknown> {
  return import(new URL(path, import.meta.url).href);
}

const program = () =>
  sourceLoader("./lib/program.ts") as Promise<
    typeof import("./lib/program.ts")
  >;

if (import.meta.main && !tryFastPath(Deno.args)) {
  // Answered: the process ends by itself (an explicit Deno.exit costs more
  // than the rest of the answer, some 1.8 million instructions).
  await (await program()).start(sourceLoader);
}
