/**
 * `aws-signin doctor`: why credentials do not work, and what to do. Checks
 * the shared files and caches, which profile is selected and what overrides
 * it, each login session and the roles built on it, each IAM Identity Center
 * profile and its session (`lib/doctor/sso.ts`), this computer's clock
 * and the way to Sign-In and STS (DNS, TCP, TLS, proxy), the identity, the
 * tools on `PATH` that cannot read `login_session`, and whether a browser
 * can open. Every finding has a stable id, a level and, where something is
 * to be done, the command that does it. It never writes anything.
 *
 * @example
 * ```sh
 * aws-signin doctor
 * aws-signin doctor --all --offline
 * aws-signin doctor --profile dev --output json
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { UsageError } from "../errors.ts";
import {
  type ResolvedProfile,
  resolveProfile,
  selectProfile,
} from "../config/selection.ts";
import { loginProfiles } from "../credentials/login_profiles.ts";
import { formatJson, type JsonValue } from "../util/aws_output.ts";
import { browserAvailability } from "../util/desktop.ts";
import { safeText } from "../util/safe_text.ts";
import { AREAS, type Check, check } from "../doctor/check.ts";
import { fileChecks, sharedFiles } from "../doctor/files.ts";
import { selectionChecks } from "../doctor/selection.ts";
import { chainCheck } from "../doctor/chain.ts";
import { sessionChecks } from "../doctor/session.ts";
import { toolChecks } from "../doctor/tools.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "doctor",
  summary:
    "Find out why credentials do not work, and what to do (never writes).",
  description:
    "Checks, for the profile (or, with --all, every login and IAM Identity Center profile and the role profiles " +
    "built on them): " +
    "the config and credentials files (they parse; private modes), the login and role caches (ours, 0700, " +
    'nothing owned by another user as after "sudo aws ...", no stale temporary files or links), the profile ' +
    "selection (--profile, AWS_PROFILE, AWS_DEFAULT_PROFILE), which link of the credential chain answers and " +
    "why the links before it do not, environment keys that tools use instead of the " +
    "profile, paths that point at nothing, profiles with two kinds of credentials, each login session " +
    "(valid, due, expired, ended, logged out; the layout another SDK left; the refresh region against the " +
    "one that issued the session) and its role profiles, each IAM Identity Center profile (its settings; a " +
    "portal whose host names another region than sso_region; a start URL written with #/ or a trailing /; a " +
    "session without sso_registration_scopes; a legacy profile, which cannot refresh; a profile that also has " +
    "keys or a credential_process, which botocore and the JavaScript SDK resolve differently; its token: " +
    "valid, expired, about to expire, absent, and whether it can be refreshed; other tools' tokens for the same " +
    "start URL, which are never used; its role credentials in the cache), and, online, this computer's clock against " +
    "Sign-In's and STS's, DNS, TCP, TLS (with the CA bundle in effect) and the proxy for both endpoints, and " +
    "the identity (one GetCallerIdentity, only with credentials usable as they are; a refusal for the signing " +
    "region names the region and where it comes from). Also: an AWS CLI older than 2.32 or Terraform on PATH " +
    "(neither reads login_session; relative PATH entries are skipped and reported), and whether login can open " +
    "a browser here. Commands in fixes are quoted for the shell." +
    "\n\nEach finding has a stable id, a level (ok, warning, error), what was found and what to do. doctor " +
    "never writes anything, never refreshes or signs in, and sends no credential anywhere except in the one " +
    "GetCallerIdentity; the network checks send HEAD requests only. --offline skips the network; otherwise " +
    "every online check has a deadline of a few seconds.\n\n" +
    "Exit status: 0 when nothing is an error, 1 otherwise.",
  flags: {
    profile: PROFILE_FLAG,
    all: {
      type: "boolean",
      help:
        "Every profile with a login_session or IAM Identity Center settings, and every role profile built on one.",
    },
    offline: {
      type: "boolean",
      help: "Skip the checks that use the network (clock, network, identity).",
    },
    output: {
      type: "string",
      placeholder: "FORMAT",
      choices: ["text", "json"],
      help:
        'text (default) or json: {"checks": [{"id", "level", "area", "profile", "message", "fix"}]}.',
    },
  },
  positionals: [],
  examples: [
    "aws-signin doctor",
    "aws-signin doctor --profile dev",
    "aws-signin doctor --all --offline",
    "aws-signin doctor --output json",
  ],
};

const TITLES: Readonly<Record<string, string>> = {
  files: "Files",
  selection: "Profile selection",
  session: "Sessions",
  sso: "IAM Identity Center",
  clock: "Clock",
  network: "Network",
  identity: "Identity",
  tools: "Tools that read these credentials",
  browser: "Browser",
};

function browserCheck(ctx: Context): Check {
  const browser = browserAvailability(ctx.env);
  if (browser.ok) {
    return check(
      "browser.open",
      "ok",
      "browser",
      null,
      `aws-signin login can open a browser here (${browser.how}).`,
    );
  }
  return check(
    "browser.open",
    "warning",
    "browser",
    null,
    `aws-signin login cannot open a browser here: ${browser.why}.`,
    "aws-signin login --remote   (sign in on any device and paste the code back), or through an SSH tunnel: " +
      "ssh -L 8400:127.0.0.1:8400 HOST, then aws-signin login --redirect-port 8400 --no-browser " +
      '(containers: see "Headless servers and containers" in the README)',
  );
}

/** The profiles to check, or `undefined` when the selected one does not exist (selection.profile says so). */
function chosenProfiles(
  args: ParsedArgs,
  ctx: Context,
  shared: Parameters<typeof loginProfiles>[0],
): ResolvedProfile[] {
  if (args.bool("all")) return loginProfiles(shared);
  let selected;
  try {
    selected = selectProfile(args.string("profile"), ctx.env);
  } catch {
    return [];
  }
  const profile = resolveProfile(shared, selected);
  return profile.exists ? [profile] : [];
}

/** The default profile when nothing names a profile and it is not configured (the chain still has links). */
function defaultProfile(
  args: ParsedArgs,
  ctx: Context,
  shared: Parameters<typeof loginProfiles>[0],
): ResolvedProfile | undefined {
  try {
    const selected = selectProfile(args.string("profile"), ctx.env);
    return selected.name === "default"
      ? resolveProfile(shared, selected)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Runs every check and returns them in the areas' order. */
export async function diagnose(
  args: ParsedArgs,
  ctx: Context,
): Promise<Check[]> {
  const now = ctx.now();
  const loaded = await sharedFiles(ctx.env);
  const checks: Check[] = [
    ...loaded.checks,
    ...fileChecks({
      env: ctx.env,
      now,
    }),
  ];
  const shared = loaded.shared;
  const profiles = shared ? chosenProfiles(args, ctx, shared) : [];
  checks.push(...selectionChecks({
    env: ctx.env,
    shared,
    flag: args.string("profile"),
    all: args.bool("all"),
    profiles,
  }));
  const chained = !args.bool("all") && shared
    ? chosenProfiles(args, ctx, shared)[0] ?? defaultProfile(args, ctx, shared)
    : undefined;
  if (chained) checks.push(chainCheck(chained, ctx.env));
  const session = await sessionChecks({
    env: ctx.env,
    now,
    profiles,
    all: args.bool("all"),
  });
  checks.push(...session.checks);
  if (args.bool("all") && profiles.length === 0 && shared) {
    checks.push(check(
      "session.cache",
      "warning",
      "session",
      null,
      "No profile has a login_session or IAM Identity Center settings.",
      "aws-signin login",
    ));
  }
  const logins = [
    ...new Set(
      session.targets.flatMap((t) => t.loginProfile ?? []),
    ),
  ];
  const [online, tools] = await Promise.all([
    args.bool("offline")
      ? Promise.resolve([] as Check[])
      : import("../doctor/online.ts").then((m) =>
        m.onlineChecks(ctx, session.targets)
      ),
    toolChecks({ env: ctx.env, shared, logins }),
  ]);
  checks.push(...online, ...tools, browserCheck(ctx));
  return AREAS.flatMap((area) => checks.filter((c) => c.area === area));
}

const COLOURS = { ok: "\x1b[32m", warning: "\x1b[33m", error: "\x1b[31m" };

/** The text report: grouped by area, a fix under each finding that has one, and a count. */
export function formatReport(
  checks: readonly Check[],
  colour: boolean,
): string {
  const paint = (level: Check["level"], text: string) =>
    colour ? `${COLOURS[level]}${text}\x1b[0m` : text;
  const lines: string[] = [];
  for (const area of AREAS) {
    const found = checks.filter((c) => c.area === area);
    if (found.length === 0) continue;
    if (lines.length > 0) lines.push("");
    lines.push(colour ? `\x1b[1m${TITLES[area]}\x1b[0m` : TITLES[area]!);
    for (const c of found) {
      lines.push(
        `  ${paint(c.level, c.level.padEnd(7))} ${safeText(c.message)} [${
          safeText(c.id)
        }]`,
      );
      if (c.fix) lines.push(`          fix: ${safeText(c.fix)}`);
    }
  }
  const count = (level: Check["level"]) =>
    checks.filter((c) => c.level === level).length;
  const errors = count("error");
  const warnings = count("warning");
  lines.push(
    "",
    `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${
      warnings === 1 ? "" : "s"
    }, ${count("ok")} ok.${
      errors + warnings > 0
        ? " Do what each fix says, then run aws-signin doctor again."
        : ""
    }`,
  );
  return `${lines.join("\n")}\n`;
}

/** Runs `doctor`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  if (args.bool("all") && args.string("profile") !== undefined) {
    throw new UsageError(
      '"--all" and "--profile" cannot be used together: --all checks every login profile.',
    );
  }
  const checks = await diagnose(args, ctx);
  if (args.string("output") === "json") {
    await ctx.io.out(formatJson({ checks } as unknown as JsonValue));
  } else {
    const colour = (ctx.io.stdoutIsTerminal ?? false) &&
      !ctx.env.NO_COLOR && ctx.env.TERM !== "dumb";
    await ctx.io.out(formatReport(checks, colour));
  }
  return checks.some((c) => c.level === "error") ? 1 : 0;
}
