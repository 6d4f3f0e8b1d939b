/**
 * The process environment as commands see it, and the home folder.
 *
 * @example
 * ```ts
 * const env: Env = { HOME: "/home/alice" };
 * expandHome("~/.aws/config", env); // "/home/alice/.aws/config"
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";

/** Environment variables, as `Deno.env.toObject()` returns them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The user's home folder: `HOME`, or `USERPROFILE` (then `HOMEDRIVE` + `HOMEPATH`) on Windows. */
export function homeDir(env: Env, os: string = Deno.build.os): string {
  const home = os === "windows"
    ? env.USERPROFILE ??
      (env.HOMEDRIVE && env.HOMEPATH ? env.HOMEDRIVE + env.HOMEPATH : env.HOME)
    : env.HOME;
  if (!home) {
    throw new ConfigurationError(
      `Cannot find your home folder: set ${
        os === "windows" ? "USERPROFILE" : "HOME"
      }, ` +
        `or point AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at your files.`,
    );
  }
  return home;
}

/**
 * Expands a leading `~` (as Python's `os.path.expanduser` does for the
 * user's own home). `~user/...` is refused rather than taken literally.
 *
 * @param from The variable the path came from, for the message.
 * @throws {ConfigurationError} for `~user` forms.
 */
export function expandHome(path: string, env: Env, from = "the path"): string {
  if (path === "~" || path.startsWith("~/") || path.startsWith("~\\")) {
    return homeDir(env) + path.slice(1);
  }
  if (path.startsWith("~")) {
    const user = path.split(/[/\\]/)[0];
    throw new ConfigurationError(
      `${from} starts with "${user}/": only "~/" (your own home folder) is expanded. Write the full path instead.`,
    );
  }
  return path;
}

/** Whether a yes/no environment variable says yes (`true`, `1`, `yes`, `on`, in any case). */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined &&
    ["true", "1", "yes", "on"].includes(value.trim().toLowerCase());
}
