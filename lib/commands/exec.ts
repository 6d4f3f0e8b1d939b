/**
 * `aws-signin exec`: runs a command with the profile's credentials in its
 * environment (or, with `--server`, with a credential endpoint that keeps
 * them fresh for as long as the command runs). The command's exit code,
 * streams and signals are its own.
 *
 * @example
 * ```sh
 * aws-signin exec --profile admin -- terraform plan
 * aws-signin exec --profile dev --server -- npm run dev    # refreshed for the whole session
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
import { AwsSigninError, ConfigurationError } from "../errors.ts";
import { loadSharedConfig, type SharedConfig } from "../config/profiles.ts";
import {
  loginCommand,
  ProfileNotFoundError,
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import { neutralConfig } from "../config/neutral_profile.ts";
import { resolveRegion } from "../config/region.ts";
import { cacheFilePath, loginCacheDir } from "../cache/login_cache.ts";
import { isoformat } from "../credentials/format.ts";
import { startCredentialServer } from "../serve/credential_server.ts";
import type { Credentials } from "../credentials/types.ts";
import type { Env } from "../util/env.ts";
import { dirName, joinPath } from "../util/path.ts";
import {
  makePrivateDir,
  type PrivateDir,
  sweepPrivateDirs,
} from "../util/private_dir.ts";
import { safeText } from "../util/safe_text.ts";
import { signalExitCode } from "../util/signals.ts";
import {
  autoLoginFor,
  autoLoginSetting,
  credentialsFor,
} from "./_credentials.ts";
import { servedCredentials } from "./_served.ts";
import { newToken } from "./serve.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "exec",
  summary: "Run a command with the profile's credentials in its environment.",
  description:
    "Runs COMMAND with the profile's credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN " +
    "and AWS_CREDENTIAL_EXPIRATION, and AWS_REGION and AWS_DEFAULT_REGION when a region is known (--region, " +
    "else the environment, else the profile, else the region the login session was issued in). AWS_PROFILE " +
    "and AWS_DEFAULT_PROFILE are removed so SDKs inside do not pick the profile up again, and " +
    "AWS_SIGNIN_PROFILE names it; exec does not nest (an exec inside an exec is refused).\n\n" +
    "With --server, the command gets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN " +
    "instead: a credential endpoint on 127.0.0.1 (as aws-signin serve) that lives as long as the command and " +
    "hands out refreshed credentials for the whole session, for long-running commands.\n\n" +
    "The exit code, stdin, stdout and stderr are COMMAND's; SIGINT and SIGTERM are passed on to it. A COMMAND " +
    "that cannot be found exits 127, one that cannot be run 126, as shells do. Environment credentials of " +
    "this shell are not used: the credentials are always the profile's.",
  flags: {
    profile: PROFILE_FLAG,
    region: {
      type: "string",
      placeholder: "REGION",
      help: "The region to give the command (AWS_REGION, AWS_DEFAULT_REGION).",
    },
    server: {
      type: "boolean",
      help:
        "Give the command a credential endpoint on 127.0.0.1 that keeps the credentials fresh, instead of keys.",
    },
    ...AUTO_LOGIN_FLAGS,
  },
  positionals: [],
  rest: {
    name: "COMMAND [ARG...]",
    help:
      "The command to run and its arguments (after --, or after exec's own options).",
  },
  examples: [
    "aws-signin exec --profile dev -- aws s3 ls",
    "aws-signin exec --profile admin -- terraform apply",
    "aws-signin exec --profile dev --server -- npm run dev",
  ],
};

/** The name of the command's private folders in the temp folder (then the owner's pid). */
const FILES_PREFIX = "aws-signin-exec-";

/** Variables the child must not inherit: other credentials, and the profile. */
const REMOVED = [
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/** The region to give the command, if one is known. */
async function regionFor(
  args: ParsedArgs,
  ctx: Context,
  profile: ReturnType<typeof resolveProfile>,
): Promise<string | undefined> {
  const resolved = resolveRegion({
    env: ctx.env,
    profile: profile.settings,
    flag: args.string("region"),
  });
  if (resolved) return resolved.region;
  const session = stringSetting(profile.settings, "login_session");
  if (!session) return undefined;
  try {
    const entry = JSON.parse(
      Deno.readTextFileSync(
        await cacheFilePath(loginCacheDir(ctx.env), session),
      ),
    );
    return typeof entry.signInRegion === "string"
      ? entry.signInRegion
      : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `exec`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const [command, ...commandArgs] = args.positionals as [string, ...string[]];
  if (ctx.env.AWS_SIGNIN_PROFILE) {
    throw new ConfigurationError(
      `Already inside "aws-signin exec" for profile '${ctx.env.AWS_SIGNIN_PROFILE}' (AWS_SIGNIN_PROFILE is set), ` +
        "and exec does not nest. Run the command directly, or start it outside the other exec.",
    );
  }
  const selected = selectProfile(args.string("profile"), ctx.env);
  const shared = await loadSharedConfig(ctx.env);
  const profile = resolveProfile(shared, selected);
  if (profile.name !== "default" && !profile.exists) {
    throw new ProfileNotFoundError(profile.name);
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env as Env)) {
    if (v !== undefined && !REMOVED.includes(k)) env[k] = v;
  }
  env.AWS_SIGNIN_PROFILE = profile.name;
  const region = await regionFor(args, ctx, profile);
  if (region) {
    env.AWS_REGION = region;
    env.AWS_DEFAULT_REGION = region;
  }
  // Not interruptible: the command's signals are its own (exec passes them on), and Ctrl-C
  // before it starts simply ends exec. An MFA code is asked for on a terminal.
  // Environment credentials of this shell are never used: always the profile's.
  const own = resolveProfile(shared, { name: profile.name, source: "flag" });
  const auto = autoLoginSetting(args, ctx.env);
  const resolve = () =>
    credentialsFor(ctx, own, {
      interruptible: false,
      autoLogin: auto && autoLoginFor(ctx, auto),
    });
  if (!args.bool("server")) {
    const creds = await resolve();
    if (!creds) throw noCredentials(profile.name);
    warnIfLongLived(creds, ctx);
    env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
    if (creds.sessionToken !== undefined) {
      env.AWS_SESSION_TOKEN = creds.sessionToken;
    }
    if (creds.expiration !== undefined) {
      env.AWS_CREDENTIAL_EXPIRATION = isoformat(creds.expiration);
    }
    return await runCommand(command, commandArgs, env, ctx);
  }
  // Fail now, not inside the command, when there are no credentials (asking for an MFA code here if needed).
  const first = await resolve();
  if (!first) throw noCredentials(profile.name);
  await using server = await startCredentialServer({
    token: newToken(ctx),
    ...servedCredentials(ctx, profile.name, {
      seed: first,
      ...(auto ? { autoLogin: auto } : {}),
    }),
    log: (line) => ctx.debug(`credential server: ${line}`),
    now: ctx.now,
  });
  // The command is never left behind: if the server stops, exec says so and still waits for it.
  server.finished.catch((error) =>
    ctx.warn(
      `The credential server stopped (${
        (error as Error).message
      }); "${command}" keeps running, but gets no new credentials from it.`,
    )
  );
  env.AWS_CONTAINER_CREDENTIALS_FULL_URI = server.url;
  env.AWS_CONTAINER_AUTHORIZATION_TOKEN = server.token;
  // SDKs read the shared files before the container endpoint: point them at a
  // copy whose selected profile holds no credentials, so that they reach it.
  await using files = await neutralFiles(shared, ctx);
  env.AWS_CONFIG_FILE = files.config;
  env.AWS_PROFILE = files.profile;
  ctx.debug(
    `the command's profile is '${files.profile}' in ${files.config} ([default]'s settings without its ` +
      `credentials${
        files.leftOut.length === 0
          ? ""
          : `; left out ${
            files.leftOut.map(safeText).join(", ")
          } (they hold credentials)`
      }); the credential server is ${server.url}`,
  );
  return await runCommand(command, commandArgs, env, ctx);
}

function noCredentials(name: string): ConfigurationError {
  return new ConfigurationError(
    `Profile '${name}' has no credentials. Run "${
      loginCommand(name)
    }" to sign in.`,
    { code: "NoCredentials" },
  );
}

/** Long-term keys go to the command as they are: say so, once. */
function warnIfLongLived(creds: Credentials, ctx: Context): void {
  if (creds.expiration === undefined) {
    ctx.warn(
      `The credentials of this profile (${creds.method}) never expire: the command gets long-term keys.`,
    );
  }
}

/**
 * The command's config: a private folder (0700) with a copy of the config
 * file (0600) that adds a profile without credentials and holds no secret;
 * removed when the command ends, whatever way exec ends with it, and by the
 * next `exec --server` when exec could not (SIGKILL, out of memory).
 */
async function neutralFiles(shared: SharedConfig, ctx: Context): Promise<
  & { config: string; profile: string; leftOut: readonly string[] }
  & AsyncDisposable
> {
  const { name, text, leftOut } = neutralConfig(
    shared.configText,
    shared.configPath,
    new Set([
      ...shared.configProfiles.keys(),
      ...shared.credentialProfiles.keys(),
    ]),
  );
  let dir: PrivateDir;
  try {
    dir = await makePrivateDir(FILES_PREFIX);
  } catch (error) {
    throw new ConfigurationError(
      `Cannot make a private folder for the command's config file in the temp folder: ${
        (error as Error).message
      }. Set TMPDIR to a folder you can write to.`,
    );
  }
  for (const gone of await sweepPrivateDirs(FILES_PREFIX, dirName(dir.path))) {
    ctx.debug(
      `removed ${gone}, left by an exec --server that did not end normally`,
    );
  }
  try {
    const config = joinPath(dir.path, "config");
    await Deno.writeTextFile(config, text, { createNew: true, mode: 0o600 });
    if (Deno.build.os !== "windows") await Deno.chmod(config, 0o600);
    return {
      config,
      profile: name,
      leftOut,
      [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
    };
  } catch (error) {
    await dir[Symbol.asyncDispose]();
    throw new ConfigurationError(
      `Cannot write the command's config file in "${dir.path}": ${
        (error as Error).message
      }.`,
    );
  }
}

/** Runs the command with `env` and returns its exit code (a shell's code when it cannot run or a signal ends it). */
async function runCommand(
  command: string,
  commandArgs: readonly string[],
  env: Record<string, string>,
  ctx: Context,
): Promise<number> {
  ctx.debug(`running ${command}`);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(command, {
      args: [...commandArgs],
      env,
      clearEnv: true,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (error) {
    const notFound = error instanceof Deno.errors.NotFound;
    await ctx.io.err(
      `aws-signin: [ERROR]: Cannot run "${command}": ${
        notFound ? "command not found" : (error as Error).message
      }.\n`,
    );
    return notFound ? 127 : 126;
  }
  // The command gets the signals; we wait for it and take its exit code. A
  // Ctrl-C typed at a terminal reaches the command directly (it is in the
  // terminal's foreground process group), so SIGINT is passed on only when
  // it cannot have come from there.
  const forwarded: Deno.Signal[] = Deno.build.os === "windows"
    ? []
    : ctx.io.stdinIsTerminal
    ? ["SIGTERM", "SIGHUP"]
    : ["SIGINT", "SIGTERM", "SIGHUP"];
  const ignoreInterrupt = () => {};
  if (Deno.build.os !== "windows" && ctx.io.stdinIsTerminal) {
    Deno.addSignalListener("SIGINT", ignoreInterrupt);
  }
  const forward = forwarded
    .map((signal) => {
      const handler = () => {
        try {
          child.kill(signal);
        } catch { /* already gone */ }
      };
      Deno.addSignalListener(signal, handler);
      return () => Deno.removeSignalListener(signal, handler);
    });
  try {
    const status = await child.status;
    // Killed by a signal: the shell's 128 + its number on this system.
    if (status.signal) return signalExitCode(status.signal, Deno.build.os);
    return status.code;
  } catch (error) {
    // Deno has no name for some signals (real-time ones) and says which number it got.
    const unnamed = /^Invalid signal: (\d+)$/.exec((error as Error).message);
    if (unnamed) return 128 + Number(unnamed[1]);
    throw new AwsSigninError(
      `Lost track of "${command}": ${(error as Error).message}.`,
    );
  } finally {
    for (const remove of forward) remove();
    if (Deno.build.os !== "windows" && ctx.io.stdinIsTerminal) {
      Deno.removeSignalListener("SIGINT", ignoreInterrupt);
    }
  }
}
