/**
 * `aws-signin console`: the AWS Management Console as the profile, in its
 * region (aws/aws-cli#4642). Credentials of an assumed role (role profiles of
 * any depth, and login sessions whose identity is an assumed role) are
 * federated: `getSigninToken` with the session's keys, then `Action=login`
 * with the console page as the `Destination`. An IAM Identity Center
 * profile's role credentials (`GetRoleCredentials`) are federated too, or,
 * with `--via portal` (and when it has no usable token), the access
 * portal's shortcut link is opened (`_console_portal.ts`). A login session
 * of an IAM user or the root user cannot be federated, but the browser that
 * signed in holds that console session: its console URL is opened directly.
 * Long-term keys are refused. The sign-in URL is a credential for 15 minutes: it is never
 * written to `--debug`, and `--print` (which prints it instead of opening a
 * browser) says so.
 *
 * @example
 * ```sh
 * aws-signin console --profile admin
 * aws-signin console --profile admin --destination s3 --print
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  AUTO_LOGIN_FLAGS,
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { AwsSigninError, ConfigurationError, UsageError } from "../errors.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  loginCommand,
  profileArgument,
  ProfileNotFoundError,
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { waitFor } from "../cli/prompts.ts";
import { serveOneTimeLink } from "../flow/handoff.ts";
import { sendWithRetries } from "../http/retry.ts";
import { isRoleProfile, roleChain } from "../credentials/role_config.ts";
import type { Credentials } from "../credentials/types.ts";
import {
  autoLoginFor,
  autoLoginSetting,
  callWorld,
  credentialsFor,
} from "./_credentials.ts";
import { consoleUrl, signinUrl } from "./_console_urls.ts";
import {
  consoleTarget,
  defaultRegion,
  federationEndpoint,
} from "./_console_target.ts";
import {
  type ConsoleVia,
  isTokenProblem,
  portalConsoleUrl,
  refusePortal,
} from "./_console_portal.ts";
import {
  isSsoProfile,
  ssoCredentialConfig,
  ssoLoginCommand,
} from "../config/sso_config.ts";
import { partitionOf } from "../endpoints/partitions.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "console",
  summary: "Open the AWS Management Console as the profile (roles too).",
  description:
    "Opens the AWS Management Console in your browser as the profile, in its region. A role profile (of any " +
    "depth), or a login session whose identity is an assumed role, signs in through the AWS federation " +
    "endpoint with the role's temporary credentials, so you land in the role's account without \"Switch " +
    'role". A login session of an IAM user or the root user cannot be federated: the browser you signed in ' +
    "with already holds that console session, so its console page is opened directly. Long-term access keys " +
    "are refused (put a role profile on top of them).\n\n" +
    "An IAM Identity Center profile signs in through federation with its role credentials (GetRoleCredentials): " +
    "the console opens in the region, at --destination, with no portal session needed in the browser. With " +
    "--via portal (and, by itself, when the profile has no usable token), the access portal's shortcut link " +
    "for the account and role is opened instead; the browser signs in to the portal if it has no portal " +
    "session. That link is not a credential. stderr says which way is used, and why.\n\n" +
    "The sign-in URL is a credential for 15 minutes: it is never written to --debug output, and --print, " +
    "which prints it instead of opening a browser (to open it on another device), says so.\n\n" +
    "The federation endpoint is that of the credentials' partition (signin.aws.amazon.com, signin.amazonaws.cn, " +
    "...), and the region must be of that partition. It is sent the role's secret key, so only an endpoint " +
    "named for Sign-In replaces it (AWS_ENDPOINT_URL_SIGNIN, or signin's endpoint_url in the profile's " +
    "[services] section); AWS_ENDPOINT_URL and a profile's endpoint_url are not used for it, and plain http:// " +
    "is refused unless the endpoint is on this computer.",
  flags: {
    profile: PROFILE_FLAG,
    region: {
      type: "string",
      placeholder: "REGION",
      help:
        "The console's region. Default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, or the region " +
        "the login session was issued in; else us-east-1, or the first region of the credentials' partition " +
        "(cn-north-1, ...). It must be of the credentials' partition.",
    },
    destination: {
      type: "string",
      placeholder: "PATH_OR_URL",
      help:
        "Where in the console to land: a service (s3, ec2), a path (/cloudwatch/home), or a console URL. " +
        "Default: the console home.",
    },
    print: {
      type: "boolean",
      help:
        "Print the sign-in URL instead of opening a browser (it is a credential for 15 minutes).",
    },
    duration: {
      type: "string",
      placeholder: "SECONDS",
      help:
        "How long the console session lasts, 900 to 43200 (SessionDuration). Not for chained roles, whose " +
        "console session lasts at most an hour.",
    },
    via: {
      type: "string",
      placeholder: "WAY",
      choices: ["federation", "portal"],
      help:
        "IAM Identity Center profiles: federation (the role credentials, the default) or portal (the access " +
        "portal's shortcut link: no credential leaves this computer; the browser signs in to the portal).",
    },
    ...AUTO_LOGIN_FLAGS,
  },
  positionals: [],
  examples: [
    "aws-signin console --profile admin",
    "aws-signin console --profile admin --destination s3",
    "aws-signin console --profile admin --print   # open the printed URL on another device",
    "aws-signin console --profile sso-dev --via portal",
  ],
};

function parseDuration(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 900 || Number(raw) > 43_200) {
    throw new UsageError(
      `Invalid value "${raw}" for "--duration": expected a number of seconds from 900 to 43200.`,
    );
  }
  return Number(raw);
}

/**
 * Whether a role profile's chain starts from the credentials of an assumed
 * role (an IAM Identity Center role, or a login session whose identity is
 * an assumed role): its role is then assumed by role chaining.
 */
function restsOnAssumedRole(
  profile: ReturnType<typeof resolveProfile>,
): boolean {
  const chain = roleChain(profile, 0);
  const last = chain[chain.length - 1]!.sourceProfile;
  if (last === undefined) return false;
  const source = resolveProfile(profile.shared, { name: last, source: "flag" });
  return isSsoProfile(source.settings) ||
    (stringSetting(source.settings, "login_session")?.includes(
      ":assumed-role/",
    ) ?? false);
}

/** How long `console` waits for the browser to open its one-time link. */
const LINK_WAIT_SECONDS = 120;

/** Opens (or with --print prints) a console URL; a credential goes to the browser through a one-time link. */
async function openConsole(
  ctx: Context,
  args: ParsedArgs,
  profileName: string,
  init: {
    readonly url: string;
    readonly what: string;
    readonly credential: boolean;
    readonly region: string;
  },
): Promise<number> {
  const { url, what, credential, region } = init;
  if (args.bool("print")) {
    await ctx.io.err(
      `The URL below ${what}. Open it in a browser; do not share it or paste it where it is logged.\n`,
    );
    await ctx.io.out(`${url}\n`);
    return 0;
  }
  await ctx.io.err(`Opening the AWS console in your browser (${region}).\n`);
  // A browser's arguments are public (ps): a credential goes to it through a one-time local link.
  await using link = credential ? serveOneTimeLink(url) : undefined;
  const opened = await ctx.openBrowser(link?.url ?? url, {
    env: ctx.env,
    debug: () => {},
    ...(link ? { opened: link.wasOpened } : {}),
  });
  if (!opened) {
    await ctx.io.err(
      `No browser could be opened here. The URL below ${what}: open it in a browser, and do not share it.\n`,
    );
    await ctx.io.out(`${url}\n`);
    return 0;
  }
  if (link) {
    await waitFor(
      ctx,
      link.opened,
      LINK_WAIT_SECONDS,
      `The browser did not open the console within ${LINK_WAIT_SECONDS} seconds. Run "aws-signin console` +
        `${
          profileArgument(profileName)
        } --print" to get the sign-in URL and open it yourself.`,
    );
    // Where the peer's user cannot be told (macOS, no /proc), a program that raced the browser to the link
    // took the console: the browser, second, is refused, and the user is told here.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const second = await Promise.race([
      link.reused.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), 1500))),
    ]);
    clearTimeout(timer);
    if (second) {
      throw new AwsSigninError(
        "The console link was opened twice: by your browser and by another browser or program. If your browser " +
          'shows "already opened", someone else may hold this console session: sign out of the console, and ' +
          "revoke the role's active sessions (IAM console: Roles, Revoke active sessions).",
      );
    }
  }
  return 0;
}

/** Runs `console`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const duration = parseDuration(args.string("duration"));
  const shared = await loadSharedConfig(ctx.env);
  const selected = selectProfile(args.string("profile"), ctx.env);
  const profile = resolveProfile(shared, selected);
  if (profile.name !== "default" && !profile.exists) {
    throw new ProfileNotFoundError(profile.name);
  }
  const own = resolveProfile(shared, { name: profile.name, source: "flag" });
  const via = args.string("via") as ConsoleVia | undefined;
  // An IAM Identity Center profile (its settings checked as the chain checks them).
  const sso = isRoleProfile(own.settings)
    ? undefined
    : ssoCredentialConfig(own);
  const configured = resolveRegion({
    env: ctx.env,
    profile: own.settings,
    flag: args.string("region"),
  })?.region;
  const open = (
    url: string,
    what: string,
    credential: boolean,
    region: string,
  ) => openConsole(ctx, args, profile.name, { url, what, credential, region });
  /** The access portal's shortcut link for the SSO profile's account and role, after saying why. */
  const viaPortal = async (why: string) => {
    const partition = partitionOf(sso!.region);
    const region = configured ?? defaultRegion(partition);
    if (partitionOf(region).id !== partition.id) {
      throw new ConfigurationError(
        `Profile '${profile.name}' signs in to IAM Identity Center in ${
          sso!.region
        } (the ${partition.id} ` +
          `partition), but the region ${region} is in another partition: give a region of the ${partition.id} ` +
          "partition with --region.",
      );
    }
    await ctx.io.err(`${why}\n`);
    return await open(
      portalConsoleUrl(sso!.startUrl, {
        accountId: sso!.accountId,
        roleName: sso!.roleName,
        destination: consoleUrl(partition, region, args.string("destination")),
      }),
      `opens the console as role ${sso!.roleName} in account ${
        sso!.accountId
      } through the access portal (it is not a credential)`,
      false,
      region,
    );
  };
  if (via === "portal") {
    if (!sso) refusePortal(own);
    return await viaPortal(
      `Profile '${profile.name}' is an IAM Identity Center profile: opening the access portal's shortcut link ` +
        `(--via portal) for role ${sso.roleName} in account ${sso.accountId}; your browser signs in to the ` +
        "portal if it has no portal session. The link names the account and role: it is not a credential.",
    );
  }
  const auto = autoLoginSetting(args, ctx.env);
  let creds: Credentials | undefined;
  try {
    creds = await credentialsFor(ctx, own, {
      autoLogin: auto && autoLoginFor(ctx, auto),
    });
  } catch (error) {
    if (!sso || via !== undefined || !isTokenProblem(error)) throw error;
    return await viaPortal(
      `Profile '${profile.name}' has no usable IAM Identity Center token (${
        (error as Error).message.split("\n")[0]!.replace(/\.$/, "")
      }), so the access portal's shortcut link is used instead: your browser signs in to the portal if it ` +
        `has no portal session. To federate instead, run "${
          ssoLoginCommand(
            sso.sessionName !== undefined
              ? { sessionName: sso.sessionName }
              : { profile: sso.profile },
          )
        }" first.`,
    );
  }
  if (!creds) {
    throw new ConfigurationError(
      `Profile '${profile.name}' has no credentials. Run "${
        loginCommand(profile.name)
      }" to sign in.`,
      { code: "NoCredentials" },
    );
  }
  const session = stringSetting(own.settings, "login_session");
  const { partition, region } = await consoleTarget(
    ctx,
    own,
    creds,
    configured,
  );
  const destination = consoleUrl(partition, region, args.string("destination"));
  if (creds.method === "sso") {
    await ctx.io.err(
      `Profile '${profile.name}' is an IAM Identity Center profile: the console opens through federation with its ` +
        "role credentials (GetRoleCredentials; no portal session is needed in the browser); --via portal opens " +
        "the access portal's shortcut link instead.\n",
    );
  }
  // A login session of an IAM user or root: nothing to federate, the browser already holds it.
  if (creds.method === "login" && !session?.includes(":assumed-role/")) {
    await ctx.io.err(
      `Profile '${profile.name}' is the console session of ${session}, an IAM user or root session, which ` +
        "cannot be federated; the browser you signed in with already holds that session, so its console is " +
        "opened there directly." +
        (duration !== undefined ? " --duration does not apply to it." : "") +
        "\n",
    );
    return await open(
      destination,
      "opens the console (it is not a credential)",
      false,
      region,
    );
  }
  if (creds.sessionToken === undefined) {
    throw new ConfigurationError(
      `Profile '${profile.name}' holds long-term access keys (${creds.method}), which the console's ` +
        "federation endpoint does not accept. Put a role profile on top of them (role_arn = ..., " +
        `source_profile = ${profile.name}) and run "aws-signin console --profile ROLE".`,
    );
  }
  const chained = creds.method === "assume-role" &&
    (roleChain(own, 0).length > 1 || restsOnAssumedRole(own));
  if (chained && duration !== undefined) {
    ctx.warn(
      `--duration is not used: profile '${profile.name}' is a chained role (assumed with another role's ` +
        "credentials), whose console session AWS caps at one hour.",
    );
  }
  const endpoint = federationEndpoint(partition, {
    region,
    env: ctx.env,
    profile: own.settings,
    shared: own.shared,
  });
  const base = endpoint.url;
  ctx.debug(
    `federation endpoint ${base} (from ${endpoint.source}; the sign-in URL is not shown: it is a credential)`,
  );
  const world = callWorld(ctx, own);
  const tokenUrl = new URL(base);
  tokenUrl.searchParams.set("Action", "getSigninToken");
  if (!chained && duration !== undefined) {
    tokenUrl.searchParams.set("SessionDuration", String(duration));
  }
  tokenUrl.searchParams.set(
    "Session",
    JSON.stringify({
      sessionId: creds.accessKeyId,
      sessionKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    }),
  );
  // The query holds the keys: debug lines and errors name the endpoint alone.
  const { response, text } = await sendWithRetries({
    url: tokenUrl,
    shownUrl: base,
    label: "getSigninToken",
    request: () => Promise.resolve({ method: "GET" }),
    ...world,
    clockSkewed: () => false,
    retryable: (e) => e.response.status >= 500 || e.response.status === 429,
  });
  let token: unknown;
  try {
    token = JSON.parse(text).SigninToken;
  } catch {
    token = undefined;
  }
  if (!response.ok || typeof token !== "string" || token === "") {
    throw new AwsSigninError(
      `The AWS federation endpoint refused the credentials of profile '${profile.name}' (HTTP ${response.status}). ` +
        "Only temporary credentials of an assumed role can open the console this way.",
    );
  }
  return await open(
    signinUrl(base, token, destination),
    "signs anyone who opens it in to the console as this profile for the next 15 minutes: it is a credential",
    true,
    region,
  );
}
