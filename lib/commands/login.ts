/**
 * `aws-signin login`: the AWS CLI's `aws login` (browser on this device, or
 * `--remote` with a pasted code), writing the same login cache entry and
 * `login_session` setting, so the AWS CLI and every AWS SDK use the session.
 * This module holds the arguments and the order of the steps; the flows are
 * in `lib/flow/`, the prompts in `lib/cli/prompts.ts`, the writes in
 * `lib/cache/save_login.ts`.
 *
 * @example
 * ```sh
 * aws-signin login --profile dev --region eu-west-1
 * aws-signin login --remote            # on a host without a browser
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import { callWorld } from "./_credentials.ts";
import {
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { askYesNo, promptRegion } from "../cli/prompts.ts";
import {
  AwsSigninError,
  ConfigurationError,
  InterruptedError,
  UsageError,
} from "../errors.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  checkProfileName,
  loginCommand,
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import {
  authorizeBase,
  isLoopbackHost,
  plainHttpWarning,
  resolveEndpoint,
} from "../endpoints/resolve.ts";
import { KNOWN_REGIONS } from "../endpoints/partitions.ts";
import { cacheFilePath, loginCacheDir } from "../cache/login_cache.ts";
import { checkCacheDirWritable } from "../cache/login_cache_dir.ts";
import { loginCacheJson } from "../cache/login_cache_write.ts";
import { saveLogin } from "../cache/save_login.ts";
import { otherCredentialStyle } from "../credentials/styles.ts";
import { caBundleSource, readCaBundle } from "../http/tls.ts";
import { uuidV4 } from "../util/encoding.ts";
import { generateDpopKey, toSec1Pem } from "../signin/dpop.ts";
import { InvalidIdTokenError, readIdToken } from "../signin/id_token.ts";
import { codeChallenge, codeVerifier } from "../signin/pkce.ts";
import type { TokenOutput } from "../signin/token_client.ts";
import { CODE_ERROR, exchangeCode } from "../signin/token_errors.ts";
import type { AuthorizationRequest } from "../flow/authorization.ts";
import { crossDeviceFlow } from "../flow/cross_device.ts";
import { sameDeviceFlow } from "../flow/same_device.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "login",
  summary:
    "Sign in with your AWS console session and save credentials for a profile.",
  description:
    'Signs in with the AWS console session in your browser, as "aws login" does, and saves short-term ' +
    "credentials for local development. The AWS CLI, every AWS SDK and aws-signin then use them through the " +
    "profile's login_session setting and the shared login cache (~/.aws/login/cache), refreshing them for up " +
    "to 12 hours.\n\n" +
    "By default a browser opens on this device and returns to a one-time callback on 127.0.0.1. With --remote " +
    "(for SSH sessions and containers) you open the printed URL on any device and paste the code it shows.\n\n" +
    "A profile that already holds other credentials (access keys, SSO, a role, a credential process) is " +
    "refused. Nothing is written unless the whole login succeeds.",
  flags: {
    profile: PROFILE_FLAG,
    region: {
      type: "string",
      placeholder: "REGION",
      help:
        "The region to sign in to. Default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, " +
        "or a prompt (terminals only; the answer is saved to the profile).",
    },
    remote: {
      type: "boolean",
      help:
        "Sign in from another device: print a URL to open anywhere and read the code it shows from stdin.",
    },
    "endpoint-url": {
      type: "string",
      placeholder: "URL",
      help:
        "The Sign-In endpoint (default: AWS_ENDPOINT_URL_SIGNIN, AWS_ENDPOINT_URL, or the region's).",
    },
    "redirect-port": {
      type: "string",
      placeholder: "PORT",
      help:
        "The localhost port of the callback server the browser is redirected to, instead of any free one " +
        "(for ssh -L forwarding and containers), as the AWS CLI's option of the same name. Ignored with " +
        "--remote, which uses no callback server.",
    },
    "callback-port": {
      type: "string",
      placeholder: "PORT",
      help: "The same as --redirect-port (aws-signin's earlier name for it).",
    },
    "callback-host": {
      type: "string",
      placeholder: "HOST",
      help:
        "Listen for the browser's redirect on this address instead of 127.0.0.1: 0.0.0.0 inside a container " +
        "whose callback port is published (docker run -p 127.0.0.1:8400:8400). The redirect still goes to " +
        "127.0.0.1. A non-loopback address is reachable from the network (only the login's own state is accepted).",
    },
    "no-browser": {
      type: "boolean",
      help: "Print the URL and wait, without trying to open a browser.",
    },
    timeout: {
      type: "string",
      placeholder: "SECONDS",
      help:
        "Give up after this many seconds of waiting for the browser or the code. Default 600.",
    },
  },
  positionals: [],
  examples: [
    "aws-signin login                                   # default profile",
    "aws-signin login --profile dev --region eu-west-1",
    "aws-signin login --remote                          # on an SSH host: open the URL elsewhere, paste the code",
    "ssh -L 8400:127.0.0.1:8400 host; aws-signin login --redirect-port 8400 --no-browser",
    "aws-signin login --callback-host 0.0.0.0 --redirect-port 8400   # in a container run with -p 127.0.0.1:8400:8400",
  ],
};

function parsePositiveInt(
  raw: string | undefined,
  flag: string,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new UsageError(
      `Invalid value "${raw}" for "--${flag}": expected a whole number from 1 to ${max}.`,
    );
  }
  return Number(raw);
}

/** The session the ID token names, or the AWS CLI's error. */
function sessionOf(token: TokenOutput) {
  try {
    if (!token.idToken) {
      throw new InvalidIdTokenError(
        "the response has no ID token, so the session is unknown",
      );
    }
    return readIdToken(token.idToken);
  } catch (error) {
    throw new AwsSigninError(`${CODE_ERROR}: ${(error as Error).message}`);
  }
}

/** Runs `login`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  void ctx.signal; // installs the Ctrl-C handler now, so an early Ctrl-C is handled like a late one
  const profile = resolveProfile(
    await loadSharedConfig(ctx.env),
    selectProfile(args.string("profile"), ctx.env),
  );
  const retry = loginCommand(profile.name);

  // 1. Checks that need no network: the profile's other credentials, the flags.
  const style = otherCredentialStyle(profile.settings);
  if (style) {
    const source = stringSetting(profile.settings, "source_profile");
    const viaSource = style === "Assume Role" && source !== undefined
      ? `\n\nIts role is assumed with the credentials of profile '${source}': to sign in for it, run ` +
        `'${loginCommand(checkProfileName(source, "source_profile"))}'.`
      : "";
    throw new ConfigurationError(
      `Profile '${profile.name}' is already configured with ${style} credentials.\n\n` +
        `You may run 'aws-signin login --profile new-profile-name' to create a new profile with the specified ` +
        `name. Otherwise you must first manually remove the existing credentials from '${profile.name}'.` +
        viaSource,
    );
  }
  const remote = args.bool("remote");
  if (
    remote &&
    (args.has("callback-port") || args.has("callback-host") ||
      args.bool("no-browser"))
  ) {
    throw new UsageError(
      `"--remote" does not use a browser on this device, so it takes none of --callback-port, --callback-host ` +
        `and --no-browser.`,
    );
  }
  const callbackHost = args.string("callback-host");
  if (callbackHost !== undefined && !isLoopbackHost(callbackHost)) {
    ctx.warn(
      `The sign-in callback listens on ${callbackHost}, which is not a loopback address: it can be reached from ` +
        "the network while the login waits (only a callback with this login's own state is accepted).",
    );
  }
  // --redirect-port is the AWS CLI's name (2.37.2); --callback-port stays as an alias.
  const redirectPort = parsePositiveInt(
    args.string("redirect-port"),
    "redirect-port",
    65535,
  );
  const aliasPort = parsePositiveInt(
    args.string("callback-port"),
    "callback-port",
    65535,
  );
  if (
    redirectPort !== undefined && aliasPort !== undefined &&
    redirectPort !== aliasPort
  ) {
    throw new UsageError(
      `"--redirect-port ${redirectPort}" and "--callback-port ${aliasPort}" name different ports: give one of them.`,
    );
  }
  if (remote && redirectPort !== undefined) {
    ctx.debug(
      "--redirect-port is ignored: --remote uses no callback server (as in the AWS CLI)",
    );
  }
  const callbackPort = remote ? undefined : redirectPort ?? aliasPort;
  const timeoutSeconds =
    parsePositiveInt(args.string("timeout"), "timeout", 86_400) ?? 600;
  // Where the credentials will be saved: checked before the user is asked for anything.
  const cacheDir = loginCacheDir(ctx.env);
  await checkCacheDirWritable(cacheDir, (m) => ctx.warn(m));

  // 2. The region (asked for only on a terminal) and the endpoint.
  let region = resolveRegion({
    env: ctx.env,
    profile: profile.settings,
    flag: args.string("region"),
  })?.region;
  let prompted = false;
  if (!region) {
    if (!ctx.io.stdinIsTerminal) {
      throw new ConfigurationError(
        `No AWS region is configured for profile '${profile.name}', and there is no terminal to ask for one. ` +
          `Pass --region (for example "${retry} --region us-east-1") or set AWS_REGION.`,
        { code: "NoRegion" },
      );
    }
    region = await promptRegion(ctx.io, KNOWN_REGIONS);
    prompted = true;
  }
  const endpoint = resolveEndpoint("signin", {
    region,
    env: ctx.env,
    profile: profile.settings,
    shared: profile.shared,
    flag: args.string("endpoint-url"),
  });
  ctx.debug(
    `profile "${profile.name}", region ${region}, Sign-In endpoint ${endpoint.url} (from ${endpoint.source})`,
  );
  const insecure = plainHttpWarning(endpoint.url, "signin");
  if (insecure) ctx.warn(insecure);
  // A CA bundle that cannot be read fails now, not after the browser step.
  const caBundle = caBundleSource(ctx.env, profile.settings);
  if (caBundle) readCaBundle(caBundle);

  // 3. The authorization code, from the browser here or a code pasted from elsewhere.
  const verifier = codeVerifier(ctx.random);
  const request: AuthorizationRequest = {
    base: authorizeBase(endpoint.url),
    state: uuidV4(ctx.random),
    challenge: await codeChallenge(verifier),
    profile: profile.name,
    timeoutSeconds,
  };
  const key = await generateDpopKey();
  const authorization = remote
    ? await crossDeviceFlow(ctx, request)
    : await sameDeviceFlow(ctx, request, {
      callbackPort,
      callbackHost,
      noBrowser: args.bool("no-browser"),
    });

  // 4. The code for credentials, and the session they belong to.
  const token = await exchangeCode({
    endpoint: endpoint.url,
    authorization,
    codeVerifier: verifier,
    key,
    profile: profile.name,
    ...callWorld(ctx, profile),
  });
  const session = sessionOf(token);
  const sub = session.loginSession;

  // 5. A different session already in the profile: ask first.
  const existing = stringSetting(profile.settings, "login_session");
  if (existing && existing !== sub) {
    const overwrite = await askYesNo(
      ctx.io,
      `\nProfile ${profile.name} is already configured to use session ${existing}. ` +
        `Do you want to overwrite it to use ${sub} instead? (y/n): `,
    );
    if (!overwrite) {
      await ctx.io.err(
        `Nothing was changed: profile ${profile.name} still uses session ${existing}.\n`,
      );
      return 0;
    }
  }

  // 6. Save the cache entry and the profile.
  if (ctx.signal.aborted) throw new InterruptedError("Login canceled.");
  await saveLogin({
    configPath: profile.shared.configPath,
    profile: profile.name,
    values: prompted ? { login_session: sub, region } : { login_session: sub },
    cacheFile: await cacheFilePath(cacheDir, sub),
    cacheJson: loginCacheJson({
      accessKeyId: token.accessKeyId,
      secretAccessKey: token.secretAccessKey,
      sessionToken: token.sessionToken,
      accountId: session.accountId,
      expiresAtMs: ctx.now() + token.expiresIn * 1000,
      tokenType: token.tokenType ?? "aws_sigv4",
      clientId: authorization.clientId,
      refreshToken: token.refreshToken,
      idToken: token.idToken,
      dpopKeyPem: toSec1Pem(key.jwk),
      signInRegion: region,
    }),
    now: ctx.now,
    debug: (m) => ctx.debug(m),
  });
  let out = `\nUpdated profile ${profile.name} to use ${sub} credentials.\n`;
  if (profile.name !== "default") {
    out +=
      `Use "--profile ${profile.name}" to use the new credentials, such as ` +
      `"aws-signin sts get-caller-identity --profile ${profile.name}"\n`;
  }
  await ctx.io.out(out);
  return 0;
}
