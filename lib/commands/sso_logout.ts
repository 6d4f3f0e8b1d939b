/**
 * `aws-signin sso logout`: by default the AWS CLI's sweep (every token in
 * `~/.aws/sso/cache` is ended at IAM Identity Center with `Logout`, then
 * deleted; every role credential file it wrote, `"ProviderType": "sso"`, is
 * deleted; client registrations stay). Beyond the AWS CLI: `--sso-session`
 * or `--profile` ends one session only; it works offline (the files go, and
 * the revoke that failed is reported instead of stopping everything); and
 * the role chains built on SSO profiles go too, with how many on stderr
 * (stdout stays as empty as the AWS CLI's).
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import { parseArgs } from "../cli/flags.ts";
 * declare const ctx: Context;
 * await run(parseArgs(spec, []), ctx);
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { AwsSigninError } from "../errors.ts";
import { loadSharedConfig, type SharedConfig } from "../config/profiles.ts";
import {
  type ResolvedProfile,
  resolveProfile,
  selectProfile,
} from "../config/selection.ts";
import {
  isSsoProfile,
  ssoCredentialConfig,
  ssoLoginConfig,
} from "../config/sso_config.ts";
import { resolveEndpoint } from "../endpoints/resolve.ts";
import {
  readSsoCacheJson,
  ssoCacheDir,
  ssoTokenFile,
  ssoTokenKey,
  ssoTokenLockPath,
} from "../cache/sso_token_cache.ts";
import { signInMarkerPath } from "../cache/login_cache.ts";
import {
  readRoleCache,
  roleCacheDir,
  roleCacheFile,
  ssoRoleCacheKey,
} from "../cache/role_cache.ts";
import { logout } from "../sso/portal_client.ts";
import { withFileLock } from "../util/lock.ts";
import { joinPath } from "../util/path.ts";
import { safeText } from "../util/safe_text.ts";
import { callWorld } from "./_credentials.ts";
import {
  removeIfExists,
  removeRoleEntries,
  roleEntriesBuiltOn,
} from "./_role_sweep.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "sso logout",
  summary:
    "End IAM Identity Center sessions and remove their tokens and role credentials.",
  description:
    'As "aws sso logout": every IAM Identity Center token in ~/.aws/sso/cache is ended at IAM Identity ' +
    "Center (its Logout call) and deleted, and the role credentials cached from them (~/.aws/cli/cache) are " +
    "deleted; client registrations stay. With --sso-session or --profile, only that session (or legacy " +
    "profile) is ended.\n\n" +
    "Unlike the AWS CLI, it works offline (the files go, and a Logout call that failed is reported), and the " +
    "role credentials of role profiles built on the SSO profiles are removed too; stderr says how many. " +
    "Tools that already loaded credentials may use them until they expire.",
  flags: {
    profile: {
      ...PROFILE_FLAG,
      help:
        "End only the session (or legacy start URL) of this profile (a role profile: the SSO profile it rests on).",
    },
    "sso-session": {
      type: "string",
      placeholder: "NAME",
      help: "End only this [sso-session NAME].",
    },
  },
  positionals: [],
  examples: [
    "aws-signin sso logout                        # every session, as aws sso logout",
    "aws-signin sso logout --sso-session my-sso   # one session",
  ],
};

/** What one session (or legacy start URL) ends. */
interface Target {
  readonly tokenFile: string;
  readonly roleFiles: ReadonlySet<string>;
  /** The SSO profiles whose role chains go too. */
  readonly isBase: (profile: ResolvedProfile) => boolean;
}

/** Runs `sso logout`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const shared = await loadSharedConfig(ctx.env);
  const current = resolveProfile(
    shared,
    selectProfile(args.string("profile"), ctx.env),
  );
  const one = args.string("sso-session") !== undefined ||
    args.string("profile") !== undefined;
  const target = one
    ? await targetOf(shared, current, args.string("sso-session"), ctx)
    : undefined;
  const dir = ssoCacheDir(ctx.env);
  const world = callWorld(ctx, current);
  let ended = 0;
  const failed: string[] = [];
  for (const file of target ? [target.tokenFile] : await tokenFiles(dir)) {
    // No token (never signed in, or signed out): nothing to end, and maybe no folder to lock in.
    if (!await exists(file)) continue;
    // Registrations and other tools' files stay: no lock file is left beside them.
    if (typeof readSsoCacheJson(file)?.accessToken !== "string") continue;
    const removed = await withFileLock(ssoTokenLockPath(file), async () => {
      const json = readSsoCacheJson(file);
      if (!json || typeof json.accessToken !== "string") return false;
      if (typeof json.region === "string" && json.region !== "") {
        try {
          await logout({
            endpoint: resolveEndpoint("sso", {
              region: json.region,
              env: ctx.env,
              profile: current.settings,
              shared,
            }).url,
            fetch: world.fetch,
            now: ctx.now,
            sleep: ctx.sleep,
            debug: (m) => ctx.debug(m),
          }, { accessToken: json.accessToken });
        } catch (error) {
          // The service said no (already ended): as the AWS CLI, go on. Unreachable: go on too, and say so.
          if (!(error instanceof AwsSigninError && error.kind === "service")) {
            // Its first sentence: the advice after it ("run the command again") does not apply here.
            failed.push(
              safeText((error as Error).message).split(/(?<=\.)\s/)[0]!
                .replace(/\.$/, ""),
            );
          }
        }
      }
      await Deno.remove(signInMarkerPath(file)).catch(() => {});
      return await removeIfExists(file);
    }, {
      now: ctx.now,
      sleep: ctx.sleep,
      purpose: "to finish refreshing this IAM Identity Center token",
    });
    if (removed) ended++;
  }
  const roles = roleCacheDir(ctx.env);
  let ssoRoles = 0;
  for (const file of target ? target.roleFiles : await ssoRoleFiles(roles)) {
    if (!await exists(file)) continue;
    const gone = await withFileLock(
      `${file}.lock`,
      () => removeIfExists(file),
      { now: ctx.now, sleep: ctx.sleep, purpose: "to finish using the role" },
    );
    if (gone) ssoRoles++;
  }
  const chains = await removeRoleEntries(
    await roleEntriesBuiltOn(
      shared,
      target?.isBase ?? ((p) => isSsoProfile(p.settings)),
      roles,
    ),
    ctx,
  );
  for (const why of failed) {
    ctx.warn(
      `A session's token was removed here, but IAM Identity Center could not be told to end it (${why}): ` +
        "its sign-in in the browser stays valid until it ends (sign out in the AWS access portal to end it now).",
    );
  }
  const parts = [
    `${ended} IAM Identity Center session token${ended === 1 ? "" : "s"}`,
    `${ssoRoles} role credential${ssoRoles === 1 ? "" : "s"} from them`,
    ...(chains.count > 0
      ? [
        `${chains.count} role credential${
          chains.count === 1 ? "" : "s"
        } assumed from them (profile${
          chains.profiles.length === 1 ? "" : "s"
        } ${chains.profiles.join(", ")})`,
      ]
      : []),
  ];
  await ctx.io.err(
    `Removed ${
      parts.join(", ")
    }. Tools that already loaded credentials may use them until they expire.\n`,
  );
  return 0;
}

async function exists(file: string): Promise<boolean> {
  try {
    await Deno.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** Every file of the SSO cache folder (the AWS CLI's sweep reads them all; only tokens go). */
async function tokenFiles(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir)))
      .filter((e) => e.isFile && e.name.endsWith(".json"))
      .map((e) => joinPath(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

/** The role credential files the AWS CLI's SSO provider wrote (`"ProviderType": "sso"`). */
async function ssoRoleFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".json")) continue;
      const file = joinPath(dir, e.name);
      if (readRoleCache(file)?.providerType === "sso") files.push(file);
    }
  } catch {
    // No role cache folder: nothing to remove.
  }
  return files.sort();
}

/** One session's (or legacy start URL's) token, the SSO role files of its profiles, and its profiles. */
async function targetOf(
  shared: SharedConfig,
  current: ResolvedProfile,
  ssoSession: string | undefined,
  ctx: Context,
): Promise<Target> {
  const config = ssoLoginConfig(current, {
    ssoSession,
    followSourceProfile: true,
  });
  const tokenFile = ssoTokenFile(
    ssoCacheDir(ctx.env),
    await ssoTokenKey({
      startUrl: config.startUrl,
      ...(config.sessionName !== undefined
        ? { sessionName: config.sessionName }
        : {}),
    }),
  );
  const ofSession = (profile: ResolvedProfile) => {
    try {
      const sso = ssoCredentialConfig(profile);
      return sso !== undefined &&
        (config.sessionName !== undefined
          ? sso.sessionName === config.sessionName
          : sso.sessionName === undefined && sso.startUrl === config.startUrl);
    } catch {
      return false;
    }
  };
  const roleFiles = new Set<string>();
  const dir = roleCacheDir(ctx.env);
  for (
    const name of new Set([
      ...shared.configProfiles.keys(),
      ...shared.credentialProfiles.keys(),
    ])
  ) {
    const profile = resolveProfile(shared, { name, source: "flag" });
    if (!ofSession(profile)) continue;
    const sso = ssoCredentialConfig(profile)!;
    roleFiles.add(roleCacheFile(
      dir,
      await ssoRoleCacheKey({
        accountId: sso.accountId,
        roleName: sso.roleName,
        startUrl: sso.startUrl,
        ...(sso.sessionName !== undefined
          ? { sessionName: sso.sessionName }
          : {}),
      }),
    ));
  }
  return { tokenFile, roleFiles, isBase: ofSession };
}
