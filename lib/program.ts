/**
 * The program around the hot path: every command and the modules loaded only
 * when needed, by their paths from the program's root (`main.ts`), and
 * {@linkcode start}, which runs the command line through a {@linkcode Loader}.
 * `main.ts` loads them from source; `scripts/build.ts` builds the bundle and
 * the compile entry with a literal `import()` for each of
 * {@linkcode LAZY_MODULES}.
 *
 * @example
 * ```ts
 * const load: Loader = (path) => import(new URL(`../${path}`, import.meta.url).href);
 * Object.keys(commandTable(load)); // ["login", "logout", "configure export-credentials", ...]
 * ```
 * @module
 */

import type { CommandEntry, CommandModule } from "./cli/command.ts";
import type { World } from "./cli/context.ts";

/** Loads a module of this program by its path from the program's root (`./lib/...`, where `main.ts` is). */
export type Loader = (path: string) => Promise<unknown>;

/** Every command: its one-line summary for `aws-signin --help`, and its module. */
export const COMMAND_MODULES: Readonly<
  Record<string, { readonly summary: string; readonly path: string }>
> = {
  "login": {
    summary:
      "Sign in with your AWS console session and save credentials for a profile.",
    path: "./lib/commands/login.ts",
  },
  "logout": {
    summary:
      "Remove the cached login credentials of a profile (or all of them).",
    path: "./lib/commands/logout.ts",
  },
  "sso login": {
    summary:
      "Sign in to IAM Identity Center (AWS SSO) for a session or profile, as aws sso login.",
    path: "./lib/commands/sso_login.ts",
  },
  "sso logout": {
    summary:
      "End IAM Identity Center sessions and remove their tokens and role credentials.",
    path: "./lib/commands/sso_logout.ts",
  },
  "configure export-credentials": {
    summary:
      "Print the profile's credentials for other tools (credential_process, env vars).",
    path: "./lib/commands/export_credentials.ts",
  },
  "configure list": {
    summary:
      "Show the profile, credentials and region in effect, and where each comes from.",
    path: "./lib/commands/configure_list.ts",
  },
  "configure list-profiles": {
    summary: "List the profiles of the config and credentials files.",
    path: "./lib/commands/configure_list_profiles.ts",
  },
  "configure get": {
    summary: "Print a value from the config or credentials file.",
    path: "./lib/commands/configure_get.ts",
  },
  "configure set": {
    summary: "Set a value in the config or credentials file.",
    path: "./lib/commands/configure_set.ts",
  },
  "configure sso": {
    summary:
      "Create a profile that signs in with IAM Identity Center (AWS SSO), as aws configure sso.",
    path: "./lib/commands/configure_sso.ts",
  },
  "configure sso-session": {
    summary:
      "Create or change an [sso-session] section of IAM Identity Center, as aws configure sso-session.",
    path: "./lib/commands/configure_sso_session.ts",
  },
  "sts get-caller-identity": {
    summary:
      "Show the account and identity the profile's credentials belong to.",
    path: "./lib/commands/sts.ts",
  },
  "exec": {
    summary: "Run a command with the profile's credentials in its environment.",
    path: "./lib/commands/exec.ts",
  },
  "serve": {
    summary:
      "Serve the profile's credentials to SDKs over HTTP (containers, SSH hosts).",
    path: "./lib/commands/serve.ts",
  },
  "status": {
    summary:
      "Show login sessions and role profiles: valid, due, expired or logged out.",
    path: "./lib/commands/status.ts",
  },
  "console": {
    summary: "Open the AWS Management Console as the profile (roles too).",
    path: "./lib/commands/console.ts",
  },
  "doctor": {
    summary:
      "Find out why credentials do not work, and what to do (never writes).",
    path: "./lib/commands/doctor.ts",
  },
  "completion": {
    summary: "Print a shell completion script (bash, zsh, fish, powershell).",
    path: "./lib/commands/completion.ts",
  },
  "emulator": {
    summary:
      "Run a local AWS Sign-In, STS and IAM Identity Center emulator (tests, demos, CI).",
    path: "./lib/commands/emulator.ts",
  },
};

/** The modules besides the commands that are loaded only when needed. */
const SUPPORT_MODULES = {
  run: "./lib/cli/run.ts",
  io: "./lib/cli/io.ts",
  version: "./lib/version.ts",
  browser: "./lib/flow/browser.ts",
  sleep: "./lib/util/sleep.ts",
} as const;

/** Every module {@linkcode start} may load through its loader. */
export const LAZY_MODULES: readonly string[] = [
  ...Object.values(COMMAND_MODULES).map((c) => c.path),
  ...Object.values(SUPPORT_MODULES),
];

/** The command table over a loader. */
export function commandTable(
  load: Loader,
): Readonly<Record<string, CommandEntry>> {
  return Object.fromEntries(
    Object.entries(COMMAND_MODULES).map(([name, { summary, path }]) => [
      name,
      { summary, load: () => load(path) as Promise<CommandModule> },
    ]),
  );
}

/** The real clock, network, randomness, timers and browser (tests pass their own). */
export function realWorld(load: Loader): World {
  return {
    now: Date.now,
    fetch: (input, init) => fetch(input, init),
    random: (length) => crypto.getRandomValues(new Uint8Array(length)),
    sleep: async (ms, signal) =>
      (await load(
        SUPPORT_MODULES.sleep,
      ) as typeof import("./util/sleep.ts"))
        .realSleep(ms, signal),
    // Loaded only by a login that opens a browser.
    openBrowser: async (url, options) =>
      (await (await load(
        SUPPORT_MODULES.browser,
      ) as typeof import("./flow/browser.ts")).openBrowser(
        url,
        options,
      )) !==
        undefined,
  };
}

/** Installs SIGINT/SIGTERM handlers that abort the returned signal (only commands that wait ask for it). */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: "SIGINT" | "SIGTERM") => () => {
    // The reason tells Ctrl-C at a terminal from a tool stopping us (SIGTERM).
    controller.abort(signal);
    // A command that does not wait on anything finishes on its own; anything
    // still running after this grace period is ended with the AWS CLI's 130.
    Deno.unrefTimer(setTimeout(() => Deno.exit(130), 3000));
  };
  Deno.addSignalListener("SIGINT", onSignal("SIGINT"));
  if (Deno.build.os !== "windows") {
    Deno.addSignalListener("SIGTERM", onSignal("SIGTERM"));
  }
  return controller.signal;
}

/** Runs the program with this process's arguments and exits (after the hot path, when that did not answer). */
export async function start(load: Loader): Promise<never> {
  const env = Deno.env.toObject();
  const [{ runCli }, { denoIo }] = await Promise.all([
    load(SUPPORT_MODULES.run) as Promise<typeof import("./cli/run.ts")>,
    load(SUPPORT_MODULES.io) as Promise<typeof import("./cli/io.ts")>,
  ]);
  const code = await runCli(Deno.args, commandTable(load), {
    version: async () =>
      (await load(SUPPORT_MODULES.version) as typeof import("./version.ts"))
        .VERSION,
    io: denoIo(),
    env,
    world: realWorld(load),
    signal: interruptSignal,
  });
  Deno.exit(code);
}
