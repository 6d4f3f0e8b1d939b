/**
 * Opening the sign-in URL in a browser. The caller always prints the URL
 * first, so a failed opener is never an error. Order: each command of
 * `BROWSER` (`:`-separated; `%s` is replaced by the URL, otherwise the URL is
 * appended), then the platform's opener: macOS `open`, Windows
 * `rundll32 url.dll,FileProtocolHandler`, WSL `wslview` or `cmd.exe /c start`,
 * Linux `xdg-open`.
 *
 * @example
 * ```ts
 * const env = { BROWSER: "true" };
 * await openBrowser("https://example.com/", { env });
 * ```
 * @module
 */

import type { Env } from "../util/env.ts";
import { isWsl } from "../util/desktop.ts";
import { shlexSplit } from "../util/shlex.ts";

/** Runs a command; resolves `true` if it started and did not fail quickly. */
export type Launcher = (argv: readonly string[]) => Promise<boolean>;

/** The commands to try, in order. */
export function browserCommands(
  url: string,
  env: Env,
  os: string = Deno.build.os,
  wsl = false,
): string[][] {
  const commands: string[][] = [];
  for (const entry of (env.BROWSER ?? "").split(os === "windows" ? ";" : ":")) {
    if (entry.trim() === "") continue;
    const words = shlexSplit(entry) ?? [entry];
    if (words.length === 0) continue;
    commands.push(
      words.some((w) => w.includes("%s"))
        ? words.map((w) => w.replaceAll("%s", url))
        : [...words, url],
    );
  }
  if (os === "darwin") commands.push(["open", url]);
  else if (os === "windows") {
    commands.push(["rundll32", "url.dll,FileProtocolHandler", url]);
  } else if (wsl) {
    commands.push(["wslview", url]);
    // cmd.exe treats & as a command separator; ^ escapes it.
    commands.push(["cmd.exe", "/c", "start", '""', url.replaceAll("&", "^&")]);
  } else commands.push(["xdg-open", url]);
  return commands;
}

/** Starts a program detached from our streams; `true` unless it fails to start or exits non-zero within 2 s. */
export async function launch(argv: readonly string[]): Promise<boolean> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch {
    return false;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quick = await Promise.race([
    child.status.then((s) => s.success),
    new Promise<"running">((
      resolve,
    ) => (timer = setTimeout(() => resolve("running"), 2000))),
  ]);
  clearTimeout(timer);
  if (quick === "running") {
    child.unref();
    return true;
  }
  return quick;
}

/**
 * Tries each opener in turn.
 *
 * @returns the command that worked, or `undefined` when none did.
 */
export async function openBrowser(
  url: string,
  init: {
    env: Env;
    os?: string;
    wsl?: boolean;
    launcher?: Launcher;
    debug?: (m: string) => void;
    /** Whether the URL (a one-time link) was opened already. */
    opened?: () => boolean;
  },
): Promise<string[] | undefined> {
  const os = init.os ?? Deno.build.os;
  const wsl = init.wsl ?? (os === "linux" && isWsl(init.env));
  for (const argv of browserCommands(url, init.env, os, wsl)) {
    init.debug?.(`opening the browser with ${argv[0]}`);
    if (await (init.launcher ?? launch)(argv)) return argv;
    // An opener that failed after the browser took the link (WSL's wslview): a second one would open it again.
    if (init.opened?.()) return argv;
  }
  return undefined;
}
