/**
 * aws-signin: AWS console-credential sign-in without the AWS CLI.
 *
 * The entry point: argv -> command -> exit code. The only place that exits.
 * Commands are loaded with literal dynamic imports so `deno compile` embeds
 * them and a `credential_process` call parses only the modules it runs.
 *
 * @module
 */

import type { CommandEntry } from "./lib/cli/command.ts";
import type { World } from "./lib/cli/context.ts";
import { denoIo } from "./lib/cli/io.ts";
import { runCli } from "./lib/cli/run.ts";
import { secureRandom } from "./lib/util/encoding.ts";
import { realSleep } from "./lib/util/sleep.ts";

/** Every command, with the one-line summary `aws-signin --help` lists. */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  "login": {
    summary:
      "Sign in with your AWS console session and save credentials for a profile.",
    load: () => import("./lib/commands/login.ts"),
  },
  "logout": {
    summary:
      "Remove the cached login credentials of a profile (or all of them).",
    load: () => import("./lib/commands/logout.ts"),
  },
  "configure export-credentials": {
    summary:
      "Print the profile's credentials for other tools (credential_process, env vars).",
    load: () => import("./lib/commands/export_credentials.ts"),
  },
  "configure list": {
    summary:
      "Show the profile, credentials and region in effect, and where each comes from.",
    load: () => import("./lib/commands/configure_list.ts"),
  },
  "configure list-profiles": {
    summary: "List the profiles of the config and credentials files.",
    load: () => import("./lib/commands/configure_list_profiles.ts"),
  },
  "configure get": {
    summary: "Print a value from the config or credentials file.",
    load: () => import("./lib/commands/configure_get.ts"),
  },
  "configure set": {
    summary: "Set a value in the config or credentials file.",
    load: () => import("./lib/commands/configure_set.ts"),
  },
  "sts get-caller-identity": {
    summary:
      "Show the account and identity the profile's credentials belong to.",
    load: () => import("./lib/commands/sts.ts"),
  },
  "exec": {
    summary: "Run a command with the profile's credentials in its environment.",
    load: () => import("./lib/commands/exec.ts"),
  },
  "serve": {
    summary:
      "Serve the profile's credentials to SDKs over HTTP (containers, SSH hosts).",
    load: () => import("./lib/commands/serve.ts"),
  },
  "status": {
    summary:
      "Show login sessions and role profiles: valid, due, expired or logged out.",
    load: () => import("./lib/commands/status.ts"),
  },
  "completion": {
    summary: "Print a shell completion script (bash, zsh, fish, powershell).",
    load: () => import("./lib/commands/completion.ts"),
  },
  "emulator": {
    summary: "Run a local AWS Sign-In and STS emulator (tests, demos, CI).",
    load: () => import("./lib/commands/emulator.ts"),
  },
};

/** The real clock, network, randomness, timers and browser (tests pass their own). */
export const REAL_WORLD: World = {
  now: Date.now,
  fetch: (input, init) => fetch(input, init),
  random: secureRandom,
  sleep: realSleep,
  // Loaded only by a login that opens a browser.
  openBrowser: async (url, options) =>
    (await (await import("./lib/flow/browser.ts")).openBrowser(
      url,
      options,
    )) !==
      undefined,
};

/** Installs SIGINT/SIGTERM handlers that abort the returned signal (only commands that wait ask for it). */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    controller.abort();
    // A command that does not wait on anything finishes on its own; anything
    // still running after this grace period is ended with the AWS CLI's 130.
    Deno.unrefTimer(setTimeout(() => Deno.exit(130), 3000));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", onSignal);
  return controller.signal;
}

if (import.meta.main) {
  const code = await runCli(Deno.args, COMMANDS, {
    version: async () => (await import("./lib/version.ts")).VERSION,
    io: denoIo(),
    env: Deno.env.toObject(),
    world: REAL_WORLD,
    signal: interruptSignal,
  });
  Deno.exit(code);
}
