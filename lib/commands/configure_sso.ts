/**
 * `aws-signin configure sso`: creates (or updates) a profile that gets its
 * credentials from IAM Identity Center, as `aws configure sso` does
 * (protocol-sso.md §2.8): the same questions in the same words, the sign-in
 * (`sso login`'s flows and token file), the accounts and roles the session
 * can use (every page, sorted as the AWS CLI sorts them), and the same
 * config bytes (§1.5). On a terminal it asks; the AWS CLI's arrow-key menu
 * is a numbered list here. Without a terminal every value comes from a flag
 * and a missing one is named. `--all` writes a profile for every account and
 * role instead (`_sso_populate.ts`).
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import { parseArgs } from "../cli/flags.ts";
 * declare const ctx: Context;
 * await run(parseArgs(spec, ["--sso-session", "corp", "--account-id", "111122223333", "--role-name", "Admin"]), ctx);
 * ```
 * @module
 */

import { AwsSigninError, UsageError } from "../errors.ts";
import type { Context } from "../cli/context.ts";
import { type ParsedArgs, PROFILE_FLAG } from "../cli/flags.ts";
import type { CommandSpec } from "../cli/flags.ts";
import {
  configSectionFor,
  loadSharedConfig,
  sectionIsProfile,
} from "../config/profiles.ts";
import {
  checkProfileName,
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import { DEFAULT_PROFILE_TEMPLATE } from "../config/sso_populate.ts";
import { isSsoServiceError } from "../sso/errors.ts";
import type { AccountInfo, SsoClientOptions } from "../sso/portal_client.ts";
import { shlexQuote } from "../util/shlex.ts";
import { safeText } from "../util/safe_text.ts";
import {
  chooseSession,
  loginConfigOf,
  sessionTarget,
  ssoAccessToken,
  writeConfig,
} from "./_sso_configure.ts";
import {
  accountsOf,
  displayAccount,
  portalClient,
  rolesOf,
} from "./_sso_accounts.ts";
import {
  choose,
  requiredValidator,
  sectionNameValidator,
  value,
} from "./_sso_prompt.ts";
import { populate } from "./_sso_populate.ts";

/** The output formats the AWS CLI knows (`CLI_OUTPUT_FORMATS`). */
const OUTPUT_FORMATS = ["json", "text", "table", "yaml", "yaml-stream", "off"];

/** The command's spec. */
export const spec: CommandSpec = {
  name: "configure sso",
  summary:
    "Create a profile that signs in with IAM Identity Center (AWS SSO), as aws configure sso.",
  description:
    'Asks what "aws configure sso" asks, in its words, and writes the same lines into ~/.aws/config: the ' +
    "SSO session (an [sso-session NAME] section with its start URL, region and registration scopes; an " +
    "empty name is the legacy form, with the start URL and region on the profile), then signs in as " +
    '"aws-signin sso login" does (a session already signed in, with 15 minutes or more left, is used as it ' +
    "is), lists the accounts and roles you can use, and asks for the profile's region, output format and " +
    "name.\n\n" +
    "Where the AWS CLI shows a menu you move through with the arrow keys, aws-signin lists the accounts (and " +
    "roles) with numbers: type a number, or the account ID (or role name) itself; Enter takes the first.\n\n" +
    "Without a terminal nothing is asked: give the values as flags (--sso-session, --sso-start-url and " +
    "--sso-region for a new session, --account-id and --role-name when there is more than one to choose " +
    "from); a value that is missing is named. A value given as a flag is not asked on a terminal either.\n\n" +
    "--all writes one profile for every account and role the session can use instead, named by " +
    `--profile-template (default ${DEFAULT_PROFILE_TEMPLATE}; also {account_id} and {session}), with ` +
    "every character outside A-Z a-z 0-9 _ . @ + - turned into _ so the names are safe in the config file " +
    "and in shells (names that collide get -ACCOUNT_ID, then -2, -3, …). Each profile it writes is marked " +
    "sso_auto_populated = true (aws-sso-util's marker; the AWS CLI and SDKs ignore it), so that the next " +
    "--all for the same session updates them and removes those whose account or role is gone. Profiles " +
    "it did not write are never changed, even when a name is the same (they are listed as skipped).",
  flags: {
    profile: {
      ...PROFILE_FLAG,
      help:
        "The profile to create or update (default: AWS_PROFILE, else asked, with ROLE-ACCOUNT_ID offered).",
    },
    "sso-session": {
      type: "string",
      placeholder: "NAME",
      help:
        "The SSO session: an existing [sso-session NAME], or a new one (with --sso-start-url and --sso-region).",
    },
    legacy: {
      type: "boolean",
      help:
        "The legacy form: no session, the start URL and region on the profile (it cannot be refreshed).",
    },
    "sso-start-url": {
      type: "string",
      placeholder: "URL",
      help: "The AWS access portal URL of a new session.",
    },
    "sso-region": {
      type: "string",
      placeholder: "REGION",
      help:
        "The region of IAM Identity Center for a new session (not needed for a vanity start URL, which names it).",
    },
    "sso-registration-scopes": {
      type: "string",
      placeholder: "SCOPES",
      help:
        "Comma-separated scopes of a new session. Default sso:account:access.",
    },
    "account-id": {
      type: "string",
      placeholder: "ID",
      help: "The account (needed without a terminal when there are several).",
    },
    "role-name": {
      type: "string",
      placeholder: "NAME",
      help: "The role (needed without a terminal when there are several).",
    },
    region: {
      type: "string",
      placeholder: "REGION",
      help: "The profile's default region (region = ...).",
    },
    output: {
      type: "string",
      placeholder: "FORMAT",
      help:
        "The profile's default output format: json, text, table, yaml, yaml-stream or off.",
    },
    "use-device-code": {
      type: "boolean",
      help:
        "Sign in with a code confirmed in any browser (any device) instead of being sent back to this computer.",
    },
    "no-browser": {
      type: "boolean",
      help:
        "Print the sign-in URL (and code) without trying to open a browser.",
    },
    all: {
      type: "boolean",
      help:
        "Write a profile for every account and role of the session (marked, so a later --all updates and prunes them).",
    },
    "profile-template": {
      type: "string",
      placeholder: "TEMPLATE",
      help:
        `Names of the profiles --all writes. Default ${DEFAULT_PROFILE_TEMPLATE}.`,
    },
  },
  positionals: [],
  examples: [
    "aws-signin configure sso                  # asks, as aws configure sso does",
    "aws-signin configure sso --profile dev    # the same, for profile dev",
    "aws-signin configure sso --sso-session corp --sso-start-url https://d-1234567890.awsapps.com/start \\\n" +
    "    --sso-region us-east-1 --account-id 111122223333 --role-name Admin --profile dev   # no questions",
    "aws-signin configure sso --all --sso-session corp   # every account and role: {account_name}-{role_name}",
    "aws-signin configure sso --all --sso-session corp --profile-template 'corp-{account_id}-{role_name}'",
  ],
};

/** The command that uses a profile, for the conclusion (`aws` of the AWS CLI's text is aws-signin here). */
function verifyCommand(profile: string): string {
  return `aws-signin sts get-caller-identity --profile ${shlexQuote(profile)}`;
}

function checkFlags(args: ParsedArgs): void {
  const output = args.string("output");
  if (output !== undefined && !OUTPUT_FORMATS.includes(output)) {
    throw new UsageError(
      `Invalid value "${safeText(output)}" for --output: use one of ${
        OUTPUT_FORMATS.join(", ")
      }.`,
    );
  }
  if (args.bool("all")) {
    for (const flag of ["profile", "account-id", "role-name", "legacy"]) {
      if (args.has(flag)) {
        throw new UsageError(
          `--all writes a profile for every account and role: leave out --${flag}.`,
        );
      }
    }
  } else if (args.has("profile-template")) {
    throw new UsageError(
      "--profile-template names the profiles of --all: add --all, or leave it out.",
    );
  }
}

/** Runs `configure sso`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  void ctx.signal; // installs the Ctrl-C handler now
  checkFlags(args);
  if (args.bool("all")) return await populate(args, ctx);
  const shared = await loadSharedConfig(ctx.env);
  const selected = selectProfile(args.string("profile"), ctx.env);
  const profile = resolveProfile(shared, selected);
  const named = selected.source === "default" ? undefined : selected.name;
  const choice = await chooseSession(ctx, args, {
    shared,
    profile,
    allowLegacy: true,
  });
  const token = await ssoAccessToken(ctx, args, {
    config: loginConfigOf(choice, profile.name),
    profile,
    forceSignIn: choice.newSession,
  });
  const client = portalClient(ctx, profile, token.region);
  const values: Record<string, string> = { ...choice.profileValues };
  let accountId: string | undefined;
  let roleName: string | undefined;
  try {
    accountId = await chooseAccount(ctx, args, client, token.accessToken);
    roleName = await chooseRole(
      ctx,
      args,
      client,
      token.accessToken,
      accountId,
    );
  } catch (error) {
    if (!isSsoServiceError(error, "UnauthorizedException")) throw error;
    accountId = roleName = undefined;
    ctx.debug(`listing was refused: ${(error as Error).message}`);
    await ctx.io.out(
      "Unable to list AWS accounts and/or roles. Skipping configuring AWS credential provider for profile.\n",
    );
  }
  if (accountId !== undefined && roleName !== undefined) {
    values.sso_account_id = accountId;
    values.sso_role_name = roleName;
  }
  const settings = profile.settings;
  const region = await value(ctx, args, {
    flag: "region",
    placeholder: "REGION",
    text: "Default client Region",
    current: stringSetting(settings, "region"),
  });
  if (region) values.region = region;
  const output = await value(ctx, args, {
    flag: "output",
    placeholder: "FORMAT",
    text: "CLI default output format (json if not specified)",
    current: stringSetting(settings, "output"),
  });
  if (output) values.output = output;
  const name = named ?? checkProfileName(
    (await value(ctx, args, {
      flag: "profile",
      placeholder: "PROFILE",
      text: "Profile name",
      current: accountId !== undefined && roleName !== undefined
        ? `${roleName}-${accountId}`
        : undefined,
      validate: (text, current) =>
        requiredValidator(text, current) ??
          sectionNameValidator(text, current),
      required: true,
    }))!,
    "the prompt",
  );
  await writeConfig(ctx, shared.configPath, [
    {
      target: name === "default" ? { section: "default" } : {
        section: configSectionFor(name),
        alsoMatches: sectionIsProfile(name),
      },
      values,
    },
    ...(choice.name !== undefined && choice.sessionValues
      ? [{ target: sessionTarget(choice.name), values: choice.sessionValues }]
      : []),
  ]);
  ctx.debug(`wrote profile "${name}" to ${shared.configPath}`);
  await ctx.io.out(
    accountId === undefined || roleName === undefined
      ? `Successfully configured SSO for profile: ${name}\n`
      : name.toLowerCase() === "default"
      ? "The AWS CLI is now configured to use the default profile.\n" +
        "Run the following command to verify your configuration:\n\n" +
        "aws-signin sts get-caller-identity\n"
      : "To use this profile, specify the profile name using --profile, as shown:\n\n" +
        `${verifyCommand(name)}\n`,
  );
  return 0;
}

async function chooseAccount(
  ctx: Context,
  args: ParsedArgs,
  client: SsoClientOptions,
  accessToken: string,
): Promise<string> {
  const accounts = await accountsOf(client, accessToken);
  if (accounts.length === 0) {
    throw new AwsSigninError("No AWS accounts are available to you.");
  }
  const given = args.string("account-id");
  let chosen: AccountInfo;
  if (given !== undefined) {
    const found = accounts.find((a) => a.accountId === given.trim());
    if (!found) {
      throw new UsageError(
        `The account "${
          safeText(given)
        }" is not available to you: --account-id must be one of ${
          accounts.map((a) => a.accountId).join(", ")
        }.`,
      );
    }
    chosen = found;
  } else if (accounts.length === 1) {
    chosen = accounts[0]!;
    await ctx.io.out(
      `The only AWS account available to you is: ${chosen.accountId}\n`,
    );
  } else if (ctx.io.stdinIsTerminal) {
    await ctx.io.out(
      `There are ${accounts.length} AWS accounts available to you.\n`,
    );
    chosen = await choose(ctx.io, accounts, {
      label: displayAccount,
      matches: (a, answer) => a.accountId === answer,
      text: "Account (number or ID)",
      other: "an account ID",
    });
  } else {
    throw new UsageError(
      `There are ${accounts.length} AWS accounts available to you and no terminal to choose one: pass ` +
        `--account-id ID (one of ${
          accounts.map((a) => safeText(displayAccount(a))).join("; ")
        }).`,
    );
  }
  await ctx.io.out(`Using the account ID ${chosen.accountId}\n`);
  return chosen.accountId;
}

async function chooseRole(
  ctx: Context,
  args: ParsedArgs,
  client: SsoClientOptions,
  accessToken: string,
  accountId: string,
): Promise<string> {
  const roles = (await rolesOf(client, accessToken, accountId)).map((r) =>
    r.roleName
  );
  if (roles.length === 0) {
    throw new AwsSigninError(
      `No roles are available for the account ${accountId}`,
    );
  }
  const given = args.string("role-name");
  let chosen: string;
  if (given !== undefined) {
    if (!roles.includes(given.trim())) {
      throw new UsageError(
        `The role "${
          safeText(given)
        }" is not available to you in the account ${accountId}: --role-name must be one of ${
          roles.map(safeText).join(", ")
        }.`,
      );
    }
    chosen = given.trim();
  } else if (roles.length === 1) {
    chosen = roles[0]!;
    await ctx.io.out(`The only role available to you is: ${chosen}\n`);
  } else if (ctx.io.stdinIsTerminal) {
    await ctx.io.out(`There are ${roles.length} roles available to you.\n`);
    chosen = await choose(ctx.io, roles, {
      label: (r) => r,
      matches: (r, answer) => r === answer,
      text: "Role (number or name)",
      other: "a role name",
    });
  } else {
    throw new UsageError(
      `There are ${roles.length} roles available to you in the account ${accountId} and no terminal to ` +
        `choose one: pass --role-name NAME (one of ${
          roles.map(safeText).join(", ")
        }).`,
    );
  }
  await ctx.io.out(`Using the role name "${chosen}"\n`);
  return chosen;
}
