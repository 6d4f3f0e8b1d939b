/**
 * `aws-signin serve`: a credential endpoint for containers and SSH hosts, in
 * the container-credentials format every AWS SDK and the AWS CLI read. It
 * prints the two `export` lines that point a shell at it (or, with
 * `--env-file`, writes them to a new 0600 file that is removed when it
 * stops), then logs one line per request to stderr. The refresh token and DPoP
 * key never leave this computer: clients get the credentials the profile
 * resolves to (short-lived for login sessions and roles; a profile of
 * long-term keys hands those out, with a warning).
 *
 * @example
 * ```sh
 * aws-signin serve --profile dev --port 9911 --env-file serve.env &
 * until [ -s serve.env ]; do sleep 0.1; done; . ./serve.env
 * ssh -R 127.0.0.1:9911:127.0.0.1:9911 build-host
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
import { ConfigurationError, UsageError } from "../errors.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  ProfileNotFoundError,
  resolveProfile,
  selectProfile,
} from "../config/selection.ts";
import { isLoopbackHost } from "../endpoints/resolve.ts";
import { base64url } from "../util/encoding.ts";
import { startCredentialServer } from "../serve/credential_server.ts";
import { autoLoginSetting } from "./_credentials.ts";
import { servedCredentials } from "./_served.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "serve",
  summary:
    "Serve the profile's credentials to SDKs over HTTP (containers, SSH hosts).",
  description:
    "Starts a credential endpoint in the container-credentials format that every AWS SDK and the AWS CLI read " +
    "through AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN. On start it prints the " +
    "two export lines to stdout (a fresh random token each time), then one line per request to stderr (time, " +
    "method, path, status; never a secret). Each request is answered from the login (or role) cache, " +
    "refreshing it as export-credentials does, so clients get credentials for the whole 12-hour session while " +
    "the refresh token and DPoP key stay here.\n\n" +
    "The token is a secret: anyone who has it and can reach the port gets the credentials. --env-file PATH " +
    "writes the two lines to a new file instead of stdout, readable only by you (0600 from its creation, never " +
    "through a link), and removes it when serve stops.\n\n" +
    "It listens on 127.0.0.1 unless --host says otherwise. SDKs accept a plain-http full URI only on a " +
    "loopback address: reach it from an SSH host with ssh -R, and from a container with --network host. " +
    "Stops on Ctrl-C or SIGTERM, letting requests in flight finish.",
  flags: {
    profile: PROFILE_FLAG,
    port: {
      type: "string",
      placeholder: "PORT",
      help: "The port to listen on; 0 picks a free one. Default 0.",
    },
    host: {
      type: "string",
      placeholder: "HOST",
      help:
        "The address to listen on. Default 127.0.0.1; anything else is reachable from the network.",
    },
    "env-file": {
      type: "string",
      placeholder: "PATH",
      help:
        "Write the two export lines to this new file (mode 0600, removed when serve stops) instead of stdout.",
    },
    ...AUTO_LOGIN_FLAGS,
  },
  positionals: [],
  examples: [
    "aws-signin serve --profile dev --port 9911",
    "aws-signin serve --profile dev --env-file serve.env &   # then: . ./serve.env",
    "ssh -R 127.0.0.1:9911:127.0.0.1:9911 build-host   # then paste the two export lines there",
    "docker run --network host -e AWS_CONTAINER_CREDENTIALS_FULL_URI -e AWS_CONTAINER_AUTHORIZATION_TOKEN image",
  ],
};

/** Parses `--port` (0 to 65535). */
export function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError(
      `Invalid value "${raw}" for "--port": expected 0 to 65535.`,
    );
  }
  return Number(raw);
}

/** A fresh authorization token: 32 random bytes. */
export function newToken(ctx: Context): string {
  return base64url(ctx.random(32));
}

/** Runs `serve` until interrupted. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const signal = ctx.signal; // installs the SIGINT/SIGTERM handlers now
  const port = parsePort(args.string("port"));
  const host = args.string("host") ?? "127.0.0.1";
  const selected = selectProfile(args.string("profile"), ctx.env);
  const profile = resolveProfile(await loadSharedConfig(ctx.env), selected);
  if (profile.name !== "default" && !profile.exists) {
    throw new ProfileNotFoundError(profile.name);
  }
  if (!isLoopbackHost(host)) {
    ctx.warn(
      `The credential server listens on ${host}, which is not a loopback address: anyone who can reach it ` +
        "and knows the token gets the profile's credentials.",
    );
  }
  const auto = autoLoginSetting(args, ctx.env);
  const token = newToken(ctx);
  const server = await startCredentialServer({
    host,
    port,
    token,
    ...servedCredentials(ctx, profile.name, {
      ...(auto ? { autoLogin: auto } : {}),
    }),
    log: (line) => void ctx.io.err(`${line}\n`),
    now: ctx.now,
  }).catch((error) => {
    throw new ConfigurationError(
      `Cannot listen on ${host}:${port}: ${
        (error as Error).message
      }. Choose another --port, or 0 for any free one.`,
    );
  });
  const lines =
    `export AWS_CONTAINER_CREDENTIALS_FULL_URI=${server.url}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=${token}\n`;
  const envFile = args.string("env-file");
  let written: Deno.FileInfo | undefined;
  try {
    if (envFile === undefined) await ctx.io.out(lines);
    else {
      written = await writeNewPrivateFile(envFile, lines);
      await ctx.io.err(
        `Wrote AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN to ${envFile} (mode 0600; ` +
          "removed when serve stops). Load them with: . " +
          `${envFile.includes("/") ? envFile : `./${envFile}`}\n`,
      );
    }
  } catch (error) {
    await server.close();
    throw error;
  }
  ctx.debug(`serving profile '${profile.name}' on ${server.url}`);
  if (!signal.aborted) {
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true })
    );
  }
  await server.close();
  if (envFile !== undefined && written) await removeIfSame(envFile, written);
  return 0;
}

/**
 * Creates `path` with `text`, readable only by its owner from the moment it
 * exists: written to a new temporary file beside it (0600), then linked into
 * place, which fails if anything (a file, a link) is already there.
 *
 * @throws {ConfigurationError} naming the file when it exists or cannot be written.
 */
async function writeNewPrivateFile(
  path: string,
  text: string,
): Promise<Deno.FileInfo> {
  const temp = `${path}.aws-signin-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temp, text, { createNew: true, mode: 0o600 });
    if (Deno.build.os !== "windows") await Deno.chmod(temp, 0o600);
    await Deno.link(temp, path);
    return await Deno.lstat(path);
  } catch (error) {
    throw new ConfigurationError(
      error instanceof Deno.errors.AlreadyExists
        ? `Cannot write --env-file "${path}": it already exists (a file or a link). Remove it, or choose another path.`
        : `Cannot write --env-file "${path}": ${(error as Error).message}.`,
    );
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/** Removes the file we wrote, unless something else has taken its place. */
async function removeIfSame(
  path: string,
  written: Deno.FileInfo,
): Promise<void> {
  try {
    const now = await Deno.lstat(path);
    if (now.ino === written.ino && now.dev === written.dev) {
      await Deno.remove(path);
    }
  } catch { /* already gone */ }
}
