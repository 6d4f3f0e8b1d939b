/**
 * `aws-signin sso login`: signs in to IAM Identity Center for a session
 * (`[sso-session]`, authorization code + PKCE by default) or a legacy
 * profile (device code), as `aws sso login` does, and saves the token where
 * every AWS tool reads it (`~/.aws/sso/cache`, the AWS CLI's bytes), under
 * the same cross-process lock as a refresh. Beyond the AWS CLI: the callback
 * binds 127.0.0.1 only and the browser gets a one-time local link; where no
 * browser can open (SSH without a display, a container, CI) the device code
 * is used by itself and said so; `--if-needed` skips a sign-in while the
 * token has 15 minutes or more; a role profile is followed through
 * `source_profile` to the SSO profile it rests on.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import { parseArgs } from "../cli/flags.ts";
 * declare const ctx: Context;
 * await run(parseArgs(spec, ["--sso-session", "my-sso"]), ctx);
 * ```
 * @module
 */

import type { CommandSpec } from "../cli/flags.ts";
import type { Context } from "../cli/context.ts";
import { type ParsedArgs, PROFILE_FLAG } from "../cli/flags.ts";
import { UsageError } from "../errors.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import { resolveProfile, selectProfile } from "../config/selection.ts";
import { type SsoLoginConfig, ssoLoginConfig } from "../config/sso_config.ts";
import { ssoSessionTarget } from "../config/sso_config.ts";
import { configSectionFor, sectionIsProfile } from "../config/profiles.ts";
import { updateConfigText } from "../config/writer.ts";
import {
  readSsoToken,
  ssoCacheDir,
  ssoTokenFile,
  ssoTokenKey,
} from "../cache/sso_token_cache.ts";
import { updateFileLocked } from "../util/files.ts";
import { formatExpiresAt } from "../util/time.ts";
import { signInAndSave } from "./_sso_sign_in.ts";

/** A token with at least this much left is good enough for `--if-needed` (botocore's refresh window). */
const IF_NEEDED_MS = 15 * 60_000;

/** The command's spec. */
export const spec: CommandSpec = {
  name: "sso login",
  summary:
    "Sign in to IAM Identity Center (AWS SSO) for a session or profile, as aws sso login.",
  description:
    'Signs in to IAM Identity Center in your browser, as "aws sso login" does, and saves the token in ' +
    "~/.aws/sso/cache where the AWS CLI, every AWS SDK and aws-signin read it. The session is --sso-session, " +
    "else the profile's sso_session; a profile without one (the legacy form, sso_start_url and sso_region on " +
    "the profile) signs in with a device code and cannot be refreshed. A role profile is followed through " +
    "source_profile to the SSO profile it rests on.\n\n" +
    "Sessions use the authorization code flow: the browser opens a one-time link on this computer, and AWS " +
    "sends it back to a callback on 127.0.0.1. With --use-device-code (or where no browser can open here: an " +
    "SSH session without a display, a container, CI) you confirm a code on any device instead.\n\n" +
    "The token is refreshed by every tool for as long as the session lasts (8 hours by default). " +
    "aws-signin writes the AWS CLI's exact bytes, atomically, under a lock that refreshes share.",
  flags: {
    profile: PROFILE_FLAG,
    "sso-session": {
      type: "string",
      placeholder: "NAME",
      help:
        "The [sso-session NAME] to sign in to (default: the profile's sso_session).",
    },
    "use-device-code": {
      type: "boolean",
      help:
        "Confirm a code in any browser (any device) instead of being sent back to this computer.",
    },
    "no-device-code": {
      type: "boolean",
      help:
        "Never fall back to the device code where no browser can open here: fail instead.",
    },
    "no-browser": {
      type: "boolean",
      help: "Print the URL (and code) without trying to open a browser.",
    },
    "redirect-port": {
      type: "string",
      placeholder: "PORT",
      help:
        "The localhost port of the callback (for ssh -L forwarding and containers) instead of any free one.",
    },
    "if-needed": {
      type: "boolean",
      help:
        "Do nothing (exit 0, one line on stderr) while the session's token has 15 minutes or more left.",
    },
  },
  positionals: [],
  examples: [
    "aws-signin sso login --sso-session my-sso",
    "aws-signin sso login --profile dev --if-needed",
    "aws-signin sso login --profile dev --use-device-code   # confirm a code on another device",
    "ssh -L 8400:127.0.0.1:8400 host; aws-signin sso login --profile dev --redirect-port 8400 --no-browser",
  ],
};

function port(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new UsageError(
      `Invalid value "${raw}" for "--redirect-port": expected a port from 1 to 65535.`,
    );
  }
  return Number(raw);
}

/** The command that signs this config in, for messages. */
function again(config: SsoLoginConfig): string {
  return config.sessionName !== undefined
    ? `aws-signin sso login --sso-session ${
      /^[\w@%+=:,./-]+$/.test(config.sessionName)
        ? config.sessionName
        : `'${config.sessionName.replaceAll("'", `'"'"'`)}'`
    }`
    : "aws-signin sso login";
}

/** Runs `sso login`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  void ctx.signal; // installs the Ctrl-C handler now
  const redirectPort = port(args.string("redirect-port"));
  if (args.bool("use-device-code") && args.bool("no-device-code")) {
    throw new UsageError(
      "--use-device-code and --no-device-code contradict each other: give one of them.",
    );
  }
  const profile = resolveProfile(
    await loadSharedConfig(ctx.env),
    selectProfile(args.string("profile"), ctx.env),
  );
  const config = ssoLoginConfig(profile, {
    ssoSession: args.string("sso-session"),
    followSourceProfile: true,
  });
  if (config.via.length > 0) {
    ctx.debug(
      `followed source_profile from ${
        config.via.join(" -> ")
      } to profile '${config.profile}'`,
    );
  }
  const file = ssoTokenFile(
    ssoCacheDir(ctx.env),
    await ssoTokenKey({
      startUrl: config.startUrl,
      ...(config.sessionName !== undefined
        ? { sessionName: config.sessionName }
        : {}),
    }),
  );
  if (args.bool("if-needed")) {
    const left = tokenLeft(file, config, ctx.now());
    if (left !== undefined && left >= IF_NEEDED_MS) {
      await ctx.io.err(
        `The IAM Identity Center token of ${
          config.sessionName !== undefined
            ? `session '${config.sessionName}'`
            : `start URL ${config.startUrl}`
        } is valid until ${
          formatExpiresAt(ctx.now() + left)
        }: nothing to do (--if-needed).\n`,
      );
      return 0;
    }
  }
  const result = await signInAndSave(ctx, {
    config,
    profile,
    useDeviceCode: args.bool("use-device-code"),
    noBrowser: args.bool("no-browser"),
    noDeviceCode: args.bool("no-device-code"),
    redirectPort,
  });
  let out = "";
  if (result.region !== config.region) {
    await writeRegion(config, profile.shared.configPath, result.region, ctx);
    out += `SSO region updated to ${result.region}\n`;
  }
  out += `Successfully logged into Start URL: ${config.startUrl}\n`;
  await ctx.io.out(out);
  ctx.debug(`next: ${again(config)} signs in again`);
  return 0;
}

/** How long the cached token has left (undefined: none, or unreadable). */
function tokenLeft(
  file: string,
  config: SsoLoginConfig,
  now: number,
): number | undefined {
  try {
    const token = readSsoToken(file, {
      startUrl: config.startUrl,
      ...(config.sessionName !== undefined
        ? { sessionName: config.sessionName }
        : {}),
    });
    // A token of another portal (the session's start URL changed since): a sign-in is needed.
    if (token.startUrl !== undefined && token.startUrl !== config.startUrl) {
      return undefined;
    }
    return token.expiresAtMs - now;
  } catch {
    return undefined;
  }
}

/** A vanity start URL's own region goes into the session (or the legacy profile), as the AWS CLI does. */
async function writeRegion(
  config: SsoLoginConfig,
  configPath: string,
  region: string,
  ctx: Context,
): Promise<void> {
  const target = config.sessionName !== undefined
    ? ssoSessionTarget(config.sessionName)
    : {
      section: configSectionFor(config.profile),
      alsoMatches: sectionIsProfile(config.profile),
    };
  await updateFileLocked(configPath, (text) => {
    const next = updateConfigText(
      text,
      target,
      { sso_region: region },
      configPath,
    );
    return next === text ? undefined : next;
  }, { newFileMode: 0o600, now: ctx.now });
}
