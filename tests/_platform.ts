/**
 * What the black-box suite needs of the operating system beyond running
 * processes and files, by feature, and why each is POSIX-only. A test (or an
 * assertion) that needs one runs where it is there and is skipped, with the
 * reason in its name, where it is not (Windows, in the release workflow).
 * `AWS_SIGNIN_TEST_OS=windows` makes a POSIX machine skip them too, to check
 * that what remains runs without them.
 *
 * @module
 */

import { shlexQuote } from "../lib/util/shlex.ts";

const os = Deno.env.get("AWS_SIGNIN_TEST_OS") ?? Deno.build.os;
const posix = os !== "windows";

/** The features, each with whether this machine has it and why Windows does not. */
export const FEATURES = {
  fileModes: {
    has: posix,
    why: "Windows files have no POSIX modes (0600, 0700)",
  },
  signals: {
    has: posix,
    why: "Windows cannot send SIGINT or SIGTERM to a child process",
  },
  symlinks: {
    has: posix,
    why:
      "Windows makes symbolic links only with Developer Mode or administrator rights",
  },
} as const;

/** A feature of {@linkcode FEATURES}. */
export type Feature = keyof typeof FEATURES;

/** `Deno.test` options for a test that needs `feature`: skipped, with the reason in its name, where it is missing. */
export function needs(
  feature: Feature,
  name: string,
): { name: string; ignore: boolean } {
  const { has, why } = FEATURES[feature];
  return { name: has ? name : `${name} [skipped: ${why}]`, ignore: !has };
}

/**
 * A command line (`credential_process`, `BROWSER`) that runs `argv` on this
 * platform: shell-quoted on POSIX; on Windows every word in double quotes,
 * which both of aws-signin's Windows splitters read, backslashes and all.
 */
export function commandLine(argv: readonly string[]): string {
  return Deno.build.os === "windows"
    ? argv.map((a) => `"${a}"`).join(" ")
    : argv.map(shlexQuote).join(" ");
}
