/**
 * `aws-signin configure sso-session`: creates or changes an `[sso-session
 * NAME]` section, as `aws configure sso-session` does (protocol-sso.md
 * §2.8): the session name (required), its start URL (a vanity URL names its
 * own region), region and registration scopes, each showing the current
 * value; nothing is signed in. Without a terminal the values come from
 * flags, and a missing one is named.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import { parseArgs } from "../cli/flags.ts";
 * declare const ctx: Context;
 * await run(parseArgs(spec, ["--sso-session", "corp", "--sso-start-url", "https://d-1234567890.awsapps.com/start",
 *   "--sso-region", "us-east-1"]), ctx);
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { CommandSpec, ParsedArgs } from "../cli/flags.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import { resolveProfile, selectProfile } from "../config/selection.ts";
import { ssoLoginCommand } from "../config/sso_config.ts";
import {
  acceptSessionName,
  askScopes,
  askStartUrlAndRegion,
  sessionTarget,
  writeConfig,
} from "./_sso_configure.ts";
import {
  requiredValidator,
  sectionNameValidator,
  value,
} from "./_sso_prompt.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "configure sso-session",
  summary:
    "Create or change an [sso-session] section of IAM Identity Center, as aws configure sso-session.",
  description:
    'Asks what "aws configure sso-session" asks and writes the same [sso-session NAME] section into ' +
    "~/.aws/config: the session name, the AWS access portal URL (start URL), the IAM Identity Center " +
    "region (a vanity start URL names its own) and the registration scopes (default sso:account:access). " +
    "For a session that exists, each question shows its current value: Enter keeps it. Nothing is signed " +
    'in: run "aws-signin sso login --sso-session NAME" next, and "aws-signin configure sso" to add ' +
    "profiles that use the session.\n\n" +
    "Without a terminal nothing is asked: give --sso-session, and --sso-start-url and --sso-region for a " +
    "new session; a value that is missing is named.",
  flags: {
    "sso-session": {
      type: "string",
      placeholder: "NAME",
      help: "The session's name.",
    },
    "sso-start-url": {
      type: "string",
      placeholder: "URL",
      help: "The AWS access portal URL.",
    },
    "sso-region": {
      type: "string",
      placeholder: "REGION",
      help:
        "The region of IAM Identity Center (not needed for a vanity start URL, which names it).",
    },
    "sso-registration-scopes": {
      type: "string",
      placeholder: "SCOPES",
      help: "Comma-separated scopes. Default sso:account:access.",
    },
  },
  positionals: [],
  examples: [
    "aws-signin configure sso-session               # asks, as aws configure sso-session does",
    "aws-signin configure sso-session --sso-session corp --sso-start-url https://d-1234567890.awsapps.com/start \\\n" +
    "    --sso-region us-east-1                    # no questions",
  ],
};

/** Runs `configure sso-session`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  void ctx.signal; // installs the Ctrl-C handler now
  const shared = await loadSharedConfig(ctx.env);
  const profile = resolveProfile(shared, selectProfile(undefined, ctx.env));
  let name: string;
  for (;;) {
    name = (await value(ctx, args, {
      flag: "sso-session",
      placeholder: "NAME",
      text: "SSO session name",
      prompt: "SSO session name: ",
      validate: (text, current) =>
        requiredValidator(text, current) ??
          sectionNameValidator(text, current),
      required: true,
    }))!;
    if (
      shared.ssoSessions.has(name) || await acceptSessionName(ctx, name)
    ) break;
  }
  const values: Record<string, string> = {};
  for (const [key, v] of Object.entries(shared.ssoSessions.get(name) ?? {})) {
    if (typeof v === "string") values[key] = v;
  }
  await askStartUrlAndRegion(ctx, args, values, profile);
  await askScopes(ctx, args, values);
  await writeConfig(ctx, shared.configPath, [{
    target: sessionTarget(name),
    values,
  }]);
  await ctx.io.out(
    `\nCompleted configuring SSO session: ${name}\n` +
      "Run the following to login and refresh access token for this session:\n\n" +
      `${ssoLoginCommand({ sessionName: name })}\n`,
  );
  return 0;
}
