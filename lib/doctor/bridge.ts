/**
 * The `credential_process` profile that gives aws-signin's credentials to
 * the tools that cannot read `login_session` (an old AWS CLI, Terraform,
 * OpenTofu): finding one, the command that adds one (quoted for the shell,
 * and only for a name that can stand in a line the SDKs run through a
 * shell), and whether its `--auto-login` wait fits the 60 s a Go-SDK tool
 * gives a `credential_process`.
 *
 * @example
 * ```ts
 * bridgeFix("dev", "terraform");
 * // "aws-signin configure set credential_process 'aws-signin configure export-credentials --profile dev --auto-login' --profile dev-process   then: AWS_PROFILE=dev-process terraform plan"
 * processLine("dev&&id"); // undefined: rename the profile instead
 * ```
 * @module
 */

import type { SharedConfig } from "../config/profiles.ts";
import {
  type OwnExport,
  ownExportCommand,
} from "../credentials/own_command.ts";
import { safeText } from "../util/safe_text.ts";
import { shlexQuote } from "../util/shlex.ts";
import { type Check, check } from "./check.ts";

/** A profile whose `credential_process` runs aws-signin for `login`, and what that line asks for. */
export interface Bridge {
  readonly name: string;
  readonly own: OwnExport;
}

/** A profile whose `credential_process` runs aws-signin for `login`, if there is one. */
export function bridgeFor(
  shared: SharedConfig | undefined,
  login: string,
): Bridge | undefined {
  if (!shared) return undefined;
  for (const [name, values] of shared.configProfiles) {
    const line = values.credential_process;
    if (typeof line !== "string") continue;
    const own = ownExportCommand(line);
    if (own && (own.profile ?? "default") === login) return { name, own };
  }
  return undefined;
}

/** How long Terraform and other Go-SDK tools let a `credential_process` run (aws-sdk-go-v2 processcreds). */
const GO_PROCESS_LIMIT_S = 60;
/** How long `configure export-credentials --auto-login` waits for a sign-in by default. */
const EXPORT_WAIT_S = 50;

/** What happens when a tool gives up on a `credential_process` that waits for a sign-in. */
function givesUp(tool: string): string {
  return `${tool} kills aws-signin, the sign-in in the browser is lost, and the next call says a sign-in just ` +
    "timed out and what to run";
}

/** Why the `--auto-login` line fits the tools that run it. */
const TIMEOUT_FITS =
  `Terraform and other Go-SDK tools stop a credential_process after ${GO_PROCESS_LIMIT_S} s; configure ` +
  `export-credentials --auto-login waits at most ${EXPORT_WAIT_S} s for a sign-in in the browser by default, so ` +
  `it gives up first (were the tool to give up first, ${givesUp("it")}).`;

/**
 * Profile names that can stand in a `credential_process` line as they are:
 * the JavaScript, Go and Rust SDKs run that line through a shell (`sh -c`,
 * `cmd.exe /C` on Windows), so a name with anything either shell acts on
 * (quotes do not help in both) is never put in one.
 */
const LINE_SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@+:/-]*$/;

/** The `credential_process` line that runs aws-signin for `login`, when its name can stand in one. */
export function processLine(login: string): string | undefined {
  return LINE_SAFE_NAME.test(login)
    ? `aws-signin configure export-credentials --profile ${login} --auto-login`
    : undefined;
}

/** What to do instead of a line, for a login profile whose name cannot stand in one. */
export const RENAME =
  "rename this profile in the config file to letters, digits and . _ - @ + : / only (its login session stays " +
  "signed in: the cache is keyed by login_session, not by the name), then run aws-signin doctor again for the " +
  "credential_process line to add: the SDKs run that line through a shell, which would act on the characters " +
  "in the name.";

const RENAME_FIX = `${RENAME[0]!.toUpperCase()}${RENAME.slice(1)}`;

/** The command that sets `bridge`'s `credential_process` to `line`, quoted for the shell. */
function setBridge(bridge: string, line: string): string {
  return `aws-signin configure set credential_process ${
    shlexQuote(line)
  } --profile ${shlexQuote(bridge)}`;
}

/**
 * How to add a profile that runs aws-signin for `login`, and then use it with
 * `tool`: a command to paste, quoted for the shell; `undefined` where the
 * name cannot stand in a `credential_process` line ({@linkcode RENAME} it).
 */
export function bridgeFix(login: string, tool?: string): string | undefined {
  const line = processLine(login);
  if (!line) return undefined;
  const bridge = `${login}-process`;
  return `${setBridge(bridge, line)}${
    tool ? `   then: AWS_PROFILE=${bridge} ${tool} plan` : ""
  }`;
}

/** The Terraform or OpenTofu check for `login`. */
export function goToolCheck(
  tool: string,
  label: string,
  path: string,
  login: string,
  bridge: Bridge | undefined,
): Check {
  const where = `${label} (${safeText(path)})`;
  if (!bridge) {
    return check(
      `tools.${tool}`,
      "warning",
      "tools",
      login,
      `${where} is on PATH, and its AWS provider cannot read login_session (hashicorp/terraform-provider-aws#45316): with profile '${
        safeText(login)
      }' it finds no credentials. The fix is a profile whose credential_process runs aws-signin with --auto-login. ${TIMEOUT_FITS}`,
      bridgeFix(login, tool) ?? RENAME_FIX,
    );
  }
  const bridged =
    `${where} cannot read login_session (hashicorp/terraform-provider-aws#45316); profile '${
      safeText(bridge.name)
    }' gives it aws-signin's credentials through credential_process`;
  if (!processLine(login)) {
    return check(
      `tools.${tool}`,
      "warning",
      "tools",
      login,
      `${bridged}, but that line names profile '${
        safeText(login)
      }', whose name has characters a shell acts on: ${label} runs the line through a shell (sh -c, cmd.exe /C on Windows), which would run more than aws-signin.`,
      RENAME_FIX,
    );
  }
  const waitMs = bridge.own.autoLoginTimeoutMs;
  if (
    bridge.own.autoLogin && waitMs !== undefined &&
    waitMs >= GO_PROCESS_LIMIT_S * 1000
  ) {
    return check(
      `tools.${tool}`,
      "warning",
      "tools",
      login,
      `${bridged}, but with --auto-login-timeout ${
        waitMs / 1000
      }: ${label}, like other Go-SDK tools, stops a credential_process after ${GO_PROCESS_LIMIT_S} s, so when a sign-in takes longer than that, ${
        givesUp(label)
      }.`,
      setBridge(bridge.name, processLine(login)!),
    );
  }
  return check(
    `tools.${tool}`,
    "ok",
    "tools",
    login,
    `${bridged}${
      bridge.own.autoLogin
        ? `; its --auto-login waits at most ${
          waitMs === undefined ? EXPORT_WAIT_S : waitMs / 1000
        } s for a sign-in, within the ${GO_PROCESS_LIMIT_S} s ${label} gives a credential_process`
        : ""
    }.`,
  );
}
