/**
 * `configure sso --all`: signs in to the session (or uses its token), lists
 * every account and role it can use, and writes one profile for each,
 * marked `sso_auto_populated = true`; profiles it wrote before for the same
 * session are updated, or removed when their account or role is gone, and
 * profiles it did not write are never changed (the plan is in
 * `config/sso_populate.ts`, made again under the config file's lock).
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import type { ParsedArgs } from "../cli/flags.ts";
 * declare const args: ParsedArgs, ctx: Context;
 * await populate(args, ctx); // 0
 * ```
 * @module
 */

import { AwsSigninError } from "../errors.ts";
import type { Context } from "../cli/context.ts";
import type { ParsedArgs } from "../cli/flags.ts";
import { buildSharedConfig, loadSharedConfig } from "../config/profiles.ts";
import { resolveProfile, selectProfile } from "../config/selection.ts";
import { ssoLoginCommand } from "../config/sso_config.ts";
import {
  applyPopulatePlan,
  type Assignment,
  checkProfileTemplate,
  DEFAULT_PROFILE_TEMPLATE,
  planPopulate,
  type PopulatePlan,
} from "../config/sso_populate.ts";
import { updateConfigText } from "../config/writer.ts";
import { isSsoServiceError } from "../sso/errors.ts";
import { updateFileLocked } from "../util/files.ts";
import { safeText } from "../util/safe_text.ts";
import {
  chooseSession,
  loginConfigOf,
  sessionTarget,
  ssoAccessToken,
} from "./_sso_configure.ts";
import { accountsOf, portalClient, rolesOf } from "./_sso_accounts.ts";

const describe = (a: Assignment) => `${a.accountId}, ${safeText(a.roleName)}`;

function summary(plan: PopulatePlan, noRoles: readonly string[]): string {
  const count = (action: string) =>
    plan.entries.filter((e) => e.action === action);
  const added = count("add");
  const updated = count("update");
  const unchanged = count("unchanged");
  let out = "";
  const block = (title: string, lines: readonly string[]) => {
    if (lines.length > 0) {
      out += `${title}\n${lines.map((l) => `  ${l}\n`).join("")}`;
    }
  };
  block(
    "Added:",
    added.map((e) => `${e.name} (${describe(e.assignment)})`),
  );
  block(
    "Updated:",
    updated.map((e) => `${e.name} (${describe(e.assignment)})`),
  );
  block("Removed (their account or role is no longer available):", [
    ...plan.removed,
  ]);
  block(
    `Skipped (a profile of that name exists that --all did not write for session ${
      safeText(plan.session)
    }; it was left as it is):`,
    plan.skipped.map((s) => `${s.name} (${describe(s.assignment)})`),
  );
  block("Accounts without roles available to you (no profile):", [
    ...noRoles,
  ]);
  out +=
    `Profiles of SSO session ${
      safeText(plan.session)
    }: ${added.length} added, ${updated.length} updated, ${unchanged.length} unchanged, ` +
    `${plan.removed.length} removed, ${plan.skipped.length} skipped.\n`;
  const example = plan.entries[0]?.name;
  if (example !== undefined) {
    out +=
      `Use one with, for example: aws-signin sts get-caller-identity --profile ${example}\n`;
  }
  return out;
}

/** Runs `configure sso --all`. */
export async function populate(
  args: ParsedArgs,
  ctx: Context,
): Promise<number> {
  const template = args.string("profile-template") ?? DEFAULT_PROFILE_TEMPLATE;
  checkProfileTemplate(template);
  const shared = await loadSharedConfig(ctx.env);
  const profile = resolveProfile(shared, selectProfile(undefined, ctx.env));
  const choice = await chooseSession(ctx, args, {
    shared,
    profile,
    allowLegacy: false,
  });
  const session = choice.name!;
  const token = await ssoAccessToken(ctx, args, {
    config: loginConfigOf(choice, profile.name),
    profile,
    forceSignIn: choice.newSession,
  });
  const client = portalClient(ctx, profile, token.region);
  const assignments: Assignment[] = [];
  const noRoles: string[] = [];
  try {
    const accounts = await accountsOf(client, token.accessToken);
    if (accounts.length === 0) {
      throw new AwsSigninError("No AWS accounts are available to you.");
    }
    for (const account of accounts) {
      const roles = await rolesOf(client, token.accessToken, account.accountId);
      if (roles.length === 0) noRoles.push(account.accountId);
      for (const role of roles) {
        assignments.push({
          accountId: account.accountId,
          accountName: account.accountName,
          roleName: role.roleName,
        });
      }
    }
  } catch (error) {
    if (!isSsoServiceError(error, "UnauthorizedException")) throw error;
    throw new AwsSigninError(
      `Unable to list AWS accounts and/or roles: IAM Identity Center refused the token of session "${
        safeText(session)
      }". Sign in again with "${
        ssoLoginCommand({ sessionName: session })
      }", then run this again. Nothing was written.`,
      "other",
      { cause: error },
    );
  }
  const region = args.string("region");
  const output = args.string("output");
  let plan: PopulatePlan | undefined;
  await updateFileLocked(shared.configPath, (original) => {
    const files = buildSharedConfig(
      shared.configPath,
      original,
      shared.credentialsPath,
      shared.credentialsText,
    );
    plan = planPopulate(files, {
      session,
      template,
      assignments,
      region,
      output,
    });
    let text = original;
    if (choice.sessionValues) {
      text = updateConfigText(
        text,
        sessionTarget(session),
        choice.sessionValues,
        shared.configPath,
      );
    }
    const next = applyPopulatePlan(text, plan, shared.configPath);
    return next === original || (original === null && next === "")
      ? undefined
      : next;
  }, { newFileMode: 0o600, now: ctx.now, sleep: ctx.sleep });
  await ctx.io.out(summary(plan!, noRoles));
  return 0;
}
