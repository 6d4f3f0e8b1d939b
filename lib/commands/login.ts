/**
 * `aws-signin login`: the AWS CLI's `aws login` (browser on this device, or
 * `--remote` with a pasted code), writing the same login cache entry and
 * `login_session` setting, so the AWS CLI and every AWS SDK use the session.
 *
 * @example
 * ```sh
 * aws-signin login --profile dev --region eu-west-1
 * aws-signin login --remote            # on a host without a browser
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { startSpinner } from "../cli/spinner.ts";
import {
  AwsSigninError,
  ConfigurationError,
  InterruptedError,
  ServiceError,
  UsageError,
} from "../errors.ts";
import { authorizeBase, resolveEndpoint } from "../config/endpoints.ts";
import { readTextFile, writeFileAtomic } from "../config/files.ts";
import {
  loadSharedConfig,
  mergedProfile,
  sectionIsProfile,
  selectProfile,
  stringSetting,
} from "../config/profiles.ts";
import { shlexQuote } from "../config/shlex.ts";
import { updateConfigText } from "../config/writer.ts";
import { cacheFilePath, loginCacheDir } from "../cache/login_cache.ts";
import { loginCacheJson, writeCacheFile } from "../cache/login_cache_write.ts";
import { otherCredentialStyle } from "../credentials/styles.ts";
import { uuidV4 } from "../encoding.ts";
import {
  authorizeUrl,
  CROSS_DEVICE_CLIENT_ID,
  SAME_DEVICE_CLIENT_ID,
} from "../signin/authorize.ts";
import { generateDpopKey, toSec1Pem } from "../signin/dpop.ts";
import { KNOWN_REGIONS } from "../signin/endpoints.ts";
import { InvalidIdTokenError, readIdToken } from "../signin/id_token.ts";
import { codeChallenge, codeVerifier } from "../signin/pkce.ts";
import {
  createOAuth2Token,
  EmptyTokenResponseError,
  type TokenOutput,
} from "../signin/token_client.ts";
import { openBrowser, sshWithoutDisplay } from "../flow/browser.ts";
import { startCallbackServer } from "../flow/callback_server.ts";
import { parsePastedCode } from "../flow/cross_device.ts";

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
    "callback-port": {
      type: "string",
      placeholder: "PORT",
      help:
        "Listen for the browser's redirect on this 127.0.0.1 port instead of any free one " +
        "(for ssh -L forwarding and containers).",
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
    "ssh -L 8400:127.0.0.1:8400 host; aws-signin login --callback-port 8400 --no-browser",
  ],
};

const REGION_PREAMBLE =
  "No AWS region has been configured. The AWS region is the geographic location of your " +
  "AWS resources.\n\nIf you have used AWS before and already have resources in your account, choose the region " +
  "they are in. If not, choose one close to you. The regions are listed at " +
  "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html.\n\n" +
  'You are able to change the region at any time with the command "aws-signin configure set region NEW_REGION".\n';

function loginCommand(profile: string): string {
  return profile === "default"
    ? "aws-signin login"
    : `aws-signin login --profile ${profile}`;
}

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

async function promptRegion(ctx: Context): Promise<string> {
  await ctx.io.out(REGION_PREAMBLE);
  for (;;) {
    await ctx.io.out("\nAWS Region [us-east-1]: ");
    const answer = await ctx.io.readLine();
    if (answer === null) {
      throw new AwsSigninError("Login canceled: no region was entered.");
    }
    const region = answer.trim() === "" ? "us-east-1" : answer.trim();
    if (KNOWN_REGIONS.includes(region)) return region;
    await ctx.io.out(
      `"${region}" is not a known AWS region, for example us-east-1 or eu-west-1.\n`,
    );
  }
}

async function askYesNo(ctx: Context, question: string): Promise<boolean> {
  for (;;) {
    await ctx.io.out(question);
    const answer = await ctx.io.readLine();
    if (answer === null) {
      await ctx.io.out("\n");
      return false;
    }
    const a = answer.trim().toLowerCase();
    if (a === "y" || a === "yes") return true;
    if (a === "n" || a === "no") return false;
    await ctx.io.out('Invalid response. Please enter "y" or "n"\n');
  }
}

/** Waits for a promise, giving up on timeout or interrupt. */
async function waitFor<T>(
  ctx: Context,
  work: Promise<T>,
  timeoutSeconds: number,
  onTimeout: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AwsSigninError(onTimeout)),
          timeoutSeconds * 1000,
        );
      }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new InterruptedError("Login canceled."));
        if (ctx.signal.aborted) onAbort();
        else ctx.signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) ctx.signal.removeEventListener("abort", onAbort);
  }
}

const CODE_ERROR = "Error loading or redeeming a login authorization code";

/** Runs `login`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  void ctx.signal; // installs the Ctrl-C handler now, so an early Ctrl-C is handled like a late one
  const shared = await loadSharedConfig(ctx.env);
  const profile = selectProfile(args.string("profile"), ctx.env).name;
  const merged = mergedProfile(shared, profile);
  const retry = loginCommand(profile);

  const style = otherCredentialStyle(merged);
  if (style) {
    throw new ConfigurationError(
      `Profile '${profile}' is already configured with ${style} credentials.\n\n` +
        `You may run 'aws-signin login --profile new-profile-name' to create a new profile with the specified ` +
        `name. Otherwise you must first manually remove the existing credentials from '${profile}'.`,
    );
  }
  const remote = args.bool("remote");
  if (remote && (args.has("callback-port") || args.bool("no-browser"))) {
    throw new UsageError(
      `"--remote" does not use a browser on this device, so it takes neither --callback-port nor --no-browser.`,
    );
  }
  const callbackPort = parsePositiveInt(
    args.string("callback-port"),
    "callback-port",
    65535,
  );
  const timeout = parsePositiveInt(args.string("timeout"), "timeout", 86_400) ??
    600;

  // Region: --region > AWS_REGION > AWS_DEFAULT_REGION > the profile > a prompt (terminals only).
  let region = args.string("region") || ctx.env.AWS_REGION ||
    ctx.env.AWS_DEFAULT_REGION ||
    stringSetting(merged, "region");
  let prompted = false;
  if (!region) {
    if (!ctx.io.stdinIsTerminal) {
      throw new ConfigurationError(
        `No AWS region is configured for profile '${profile}', and there is no terminal to ask for one. ` +
          `Pass --region (for example "${retry} --region us-east-1") or set AWS_REGION.`,
      );
    }
    region = await promptRegion(ctx);
    prompted = true;
  }
  const endpoint = resolveEndpoint("signin", {
    region,
    env: ctx.env,
    profile: merged,
    shared,
    flag: args.string("endpoint-url"),
  });
  ctx.debug(
    `profile "${profile}", region ${region}, Sign-In endpoint ${endpoint.url} (from ${endpoint.source})`,
  );
  const base = authorizeBase(endpoint.url);

  const verifier = codeVerifier();
  const challenge = await codeChallenge(verifier);
  const state = uuidV4();
  const key = await generateDpopKey();

  let code: string;
  let clientId: string;
  let redirectUri: string;
  if (remote) {
    clientId = CROSS_DEVICE_CLIENT_ID;
    redirectUri = `${base}/v1/sessions/confirmation`;
    const url = authorizeUrl(base, { clientId, state, challenge, redirectUri });
    await ctx.io.out(
      `Browser will not be automatically opened.\nPlease visit the following URL:\n\n${url}\n`,
    );
    await ctx.io.out(
      "\nEnter the authorization code displayed in your browser: ",
    );
    const line = await waitFor(
      ctx,
      ctx.io.readLine(),
      timeout,
      `Timed out after ${timeout} seconds waiting for the authorization code. Run "${retry} --remote" again.`,
    );
    if (line === null || line.trim() === "") {
      throw new AwsSigninError(
        `Login canceled: no authorization code was entered. Run "${retry} --remote" again and paste the code ` +
          `your browser shows.`,
      );
    }
    const pasted = parsePastedCode(line);
    if (pasted.state !== state) {
      throw new AwsSigninError(
        `${CODE_ERROR}: State parameter ${pasted.state} does not match expected value ${state}.`,
      );
    }
    code = pasted.code;
  } else {
    clientId = SAME_DEVICE_CLIENT_ID;
    await using server = await startCallbackServer({
      ...(callbackPort ? { port: callbackPort } : {}),
      expectedState: state,
      profile,
      retryCommand: retry,
    });
    redirectUri = server.redirectUri;
    const url = authorizeUrl(base, { clientId, state, challenge, redirectUri });
    ctx.debug(`callback server listening on 127.0.0.1:${server.port}`);
    if (args.bool("no-browser")) {
      await ctx.io.out(
        `Open the following URL in a browser on this device.\n` +
          `If you are unable to open the URL on this device, run this command again with the '--remote' option.\n\n` +
          `${url}\n\n`,
      );
    } else if (sshWithoutDisplay(ctx.env)) {
      await ctx.io.out(
        `This is an SSH session without a display, so no browser will be opened. Run this command again with the ` +
          `'--remote' option, or forward the callback port (ssh -L ${server.port}:127.0.0.1:${server.port}) and ` +
          `open the following URL on your own computer.\n\n${url}\n\n`,
      );
    } else {
      await ctx.io.out(
        `Attempting to open your default browser. If the browser does not open, open the following URL.\n` +
          `If you are unable to open the URL on this device, run this command again with the '--remote' option.\n\n` +
          `${url}\n\n`,
      );
      const opened = await openBrowser(url, {
        env: ctx.env,
        debug: (m) => ctx.debug(m),
      });
      if (!opened) {
        ctx.debug(
          "no browser could be opened; waiting for the URL to be opened by hand",
        );
      }
    }
    const spinner = startSpinner(
      ctx.io,
      "Waiting for the browser",
      ctx.now,
      ctx.env.TERM === "dumb",
    );
    let result;
    try {
      result = await waitFor(
        ctx,
        server.result,
        timeout,
        `Timed out after ${timeout} seconds waiting for the sign-in to finish in the browser. ` +
          `Run "${retry}" again (or "${retry} --remote" if the browser is on another device).`,
      );
    } finally {
      await spinner.stop();
    }
    if (result.kind === "error") {
      throw new AwsSigninError(
        `${CODE_ERROR}: Failed to retrieve an authorization code. The sign-in page returned "${result.error}". ` +
          `Run "${retry}" to try again.`,
      );
    }
    if (result.kind === "state-mismatch") {
      throw new AwsSigninError(
        `${CODE_ERROR}: State parameter ${result.got} does not match expected value ${state}.`,
      );
    }
    code = result.code;
  }

  let token: TokenOutput;
  try {
    token = await createOAuth2Token({
      endpoint: endpoint.url,
      body: {
        clientId,
        grantType: "authorization_code",
        code,
        codeVerifier: verifier,
        redirectUri,
      },
      key,
      now: ctx.now,
      signal: ctx.signal,
      debug: (m) => ctx.debug(m),
    });
  } catch (error) {
    if (
      error instanceof ServiceError && error.code === "AccessDeniedException"
    ) {
      if (error.errorCode === "AUTHCODE_EXPIRED") {
        throw new AwsSigninError(
          `${CODE_ERROR}: Unable to complete the login process due to an expired authorization code. ` +
            `Please reauthenticate using '${retry}'.`,
        );
      }
      if (error.errorCode === "INSUFFICIENT_PERMISSIONS") {
        throw new AwsSigninError(
          "Unable to create or refresh login credentials due to insufficient permissions. You may be missing " +
            "permission for the 'signin:CreateOAuth2Token' action. Ask your administrator to attach the AWS " +
            "managed policy SignInLocalDevelopmentAccess (or an equivalent) to your identity, then run " +
            `'${retry}' again.`,
        );
      }
    }
    if (error instanceof EmptyTokenResponseError) {
      throw new AwsSigninError(
        `${CODE_ERROR}: Failed to retrieve an access token.`,
      );
    }
    throw error;
  }

  let session: { loginSession: string; accountId: string };
  try {
    if (!token.idToken) {
      throw new InvalidIdTokenError(
        "the response has no ID token, so the session is unknown",
      );
    }
    session = readIdToken(token.idToken);
  } catch (error) {
    throw new AwsSigninError(`${CODE_ERROR}: ${(error as Error).message}`);
  }
  const sub = session.loginSession;

  const existing = stringSetting(merged, "login_session");
  if (existing && existing !== sub) {
    const overwrite = await askYesNo(
      ctx,
      `\nProfile ${profile} is already configured to use session ${existing}. ` +
        `Do you want to overwrite it to use ${sub} instead? (y/n): `,
    );
    if (!overwrite) {
      await ctx.io.err(
        `Nothing was changed: profile ${profile} still uses session ${existing}.\n`,
      );
      return 0;
    }
  }

  // Prepare both writes before making either, so a problem leaves nothing behind.
  const configText = await readTextFile(shared.configPath);
  const values: Record<string, string> = { login_session: sub };
  if (prompted) values.region = region;
  const section = profile === "default"
    ? "default"
    : `profile ${/[ \t]/.test(profile) ? shlexQuote(profile) : profile}`;
  const newConfig = updateConfigText(
    configText,
    { section, alsoMatches: sectionIsProfile(profile) },
    values,
    shared.configPath,
  );
  const cacheDir = loginCacheDir(ctx.env);
  const cacheFile = cacheFilePath(cacheDir, sub);
  const cacheJson = loginCacheJson({
    accessKeyId: token.accessKeyId,
    secretAccessKey: token.secretAccessKey,
    sessionToken: token.sessionToken,
    accountId: session.accountId,
    expiresAtMs: ctx.now() + token.expiresIn * 1000,
    tokenType: token.tokenType ?? "aws_sigv4",
    clientId,
    refreshToken: token.refreshToken,
    idToken: token.idToken,
    dpopKeyPem: toSec1Pem(key.jwk),
    signInRegion: region,
  });
  if (ctx.signal.aborted) throw new InterruptedError("Login canceled.");
  await writeCacheFile(cacheFile, cacheJson);
  ctx.debug(`wrote the login cache entry ${cacheFile}`);
  if (newConfig !== configText) {
    try {
      await writeFileAtomic(shared.configPath, newConfig, {
        newFileMode: 0o600,
      });
    } catch (error) {
      await Deno.remove(cacheFile).catch(() => {});
      throw error;
    }
    ctx.debug(`updated [${section}] in ${shared.configPath}`);
  }
  let out = `\nUpdated profile ${profile} to use ${sub} credentials.\n`;
  if (profile !== "default") {
    out += `Use "--profile ${profile}" to use the new credentials, such as ` +
      `"aws-signin sts get-caller-identity --profile ${profile}"\n`;
  }
  await ctx.io.out(out);
  return 0;
}
