/**
 * `aws-signin serve`: a credential endpoint for containers and SSH hosts, in
 * the container-credentials format every AWS SDK and the AWS CLI read. It
 * prints the two `export` lines that point a shell at it, then logs one line
 * per request to stderr. The refresh token and DPoP key never leave this
 * computer: clients only ever get the short-lived keys.
 *
 * @example
 * ```sh
 * eval "$(aws-signin serve --profile dev --port 9911 2>/dev/null &)"   # or copy the two lines
 * ssh -R 127.0.0.1:9911:127.0.0.1:9911 build-host
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
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
import { servedCredentials } from "./_credentials.ts";

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
  },
  positionals: [],
  examples: [
    "aws-signin serve --profile dev --port 9911",
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
  const token = newToken(ctx);
  const server = await startCredentialServer({
    host,
    port,
    token,
    credentials: servedCredentials(ctx, profile.name),
    log: (line) => void ctx.io.err(`${line}\n`),
    now: ctx.now,
  }).catch((error) => {
    throw new ConfigurationError(
      `Cannot listen on ${host}:${port}: ${
        (error as Error).message
      }. Choose another --port, or 0 for any free one.`,
    );
  });
  await ctx.io.out(
    `export AWS_CONTAINER_CREDENTIALS_FULL_URI=${server.url}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=${token}\n`,
  );
  ctx.debug(`serving profile '${profile.name}' on ${server.url}`);
  if (!signal.aborted) {
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true })
    );
  }
  await server.close();
  return 0;
}
