/**
 * What `configure sso` (one profile, or `--all`) and `configure
 * sso-session` share: choosing the session (an existing one, a new one with
 * its start URL, region and scopes, or none: the legacy form), the sign-in
 * (`sso login`'s flows and token file; a token with 15 minutes or more is
 * used as it is, as the AWS CLI does when it does not force a refresh), the
 * portal's account and role lists across pages, sorted as the AWS CLI sorts
 * them (`_sso_accounts.ts`), and the config written through the project's
 * writer under its lock.
 *
 * @example
 * ```ts
 * sessionTarget("my sso"); // { section: "sso-session 'my sso'" }
 * ```
 * @module
 */

import { ConfigurationError, UsageError } from "../errors.ts";
import type { Context } from "../cli/context.ts";
import type { ParsedArgs } from "../cli/flags.ts";
import { askYesNo } from "../cli/prompts.ts";
import type { SharedConfig } from "../config/profiles.ts";
import {
  type ProfileValues,
  type ResolvedProfile,
  stringSetting,
} from "../config/selection.ts";
import {
  isPortableSessionName,
  parseRegistrationScopes,
  type SsoLoginConfig,
  ssoSessionTarget,
} from "../config/sso_config.ts";
import { type SectionTarget, updateConfigText } from "../config/writer.ts";
import {
  readSsoToken,
  ssoCacheDir,
  ssoTokenFile,
  ssoTokenKey,
} from "../cache/sso_token_cache.ts";
import { isAwsOwnedHost, resolveStartUrl } from "../sso/start_url.ts";
import { updateFileLocked } from "../util/files.ts";
import { signInAndSave } from "./_sso_sign_in.ts";
import { safeText } from "../util/safe_text.ts";
import { callWorld } from "./_credentials.ts";
import {
  ask,
  requiredValidator,
  scopesValidator,
  sectionNameValidator,
  startUrlValidator,
  value,
} from "./_sso_prompt.ts";

/** The scopes a new session registers with unless told otherwise (§9.6: always written). */
export const DEFAULT_SCOPES = "sso:account:access";

/** A token with at least this much left is used as it is (botocore's window). */
const REUSE_MS = 15 * 60_000;

/** The session a profile will use, or the legacy form. */
export interface SessionChoice {
  /** The session; `undefined` for the legacy form (start URL and region on the profile). */
  readonly name?: string | undefined;
  readonly startUrl: string;
  readonly region: string;
  /** `sso_registration_scopes` as written (the raw text), when there is one. */
  readonly scopes?: string | undefined;
  /** A session new to the config: always signed in (the AWS CLI forces it); otherwise a token with 15 minutes or more is used. */
  readonly newSession: boolean;
  /** What to write into `[sso-session NAME]`, in order (none for the legacy form). */
  readonly sessionValues?: Readonly<Record<string, string>>;
  /** The profile's first keys: `sso_session`, or the legacy form's `sso_start_url` and `sso_region`. */
  readonly profileValues: Readonly<Record<string, string>>;
}

const text = (values: ProfileValues | undefined, key: string) =>
  values ? stringSetting(values, key) : undefined;

/** The string settings of a section, in order (what the AWS CLI writes back for an existing session). */
function stringValues(values: ProfileValues): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((e): e is [string, string] =>
      typeof e[1] === "string"
    ),
  );
}

/**
 * The start URL and region of a new session (or legacy profile): asked (or
 * from flags); a start URL on a host AWS does not own is resolved, and its
 * region is then the portal's, without asking (the AWS CLI's vanity URLs).
 * `values` gets `sso_start_url` then `sso_region`, after any defaults it
 * already holds.
 */
export async function askStartUrlAndRegion(
  ctx: Context,
  args: ParsedArgs,
  values: Record<string, string>,
  profile: ResolvedProfile,
): Promise<{ startUrl: string; region: string }> {
  const startUrl = (await value(ctx, args, {
    flag: "sso-start-url",
    placeholder: "URL",
    text: "SSO start URL",
    current: values.sso_start_url,
    validate: startUrlValidator,
    required: true,
  }))!;
  values.sso_start_url = startUrl;
  let host = "";
  try {
    host = new URL(startUrl).hostname;
  } catch { /* no host: no vanity URL */ }
  if (
    host && !isAwsOwnedHost(host) && args.string("sso-region") === undefined
  ) {
    try {
      const resolved = await resolveStartUrl(startUrl, {
        fetch: callWorld(ctx, profile).fetch,
        signal: ctx.signal,
        debug: (m) => ctx.debug(m),
      });
      values.sso_region = resolved.region;
      return { startUrl, region: resolved.region };
    } catch (error) {
      ctx.debug(
        `could not resolve the start URL ${startUrl} (${
          (error as Error).message
        }); asking for the region`,
      );
    }
  }
  const region = (await value(ctx, args, {
    flag: "sso-region",
    placeholder: "REGION",
    text: "SSO region",
    current: values.sso_region,
    validate: requiredValidator,
    required: true,
  }))!;
  values.sso_region = region;
  return { startUrl, region };
}

/** `sso_registration_scopes` of a new (or reconfigured) session: asked, default `sso:account:access`. */
export async function askScopes(
  ctx: Context,
  args: ParsedArgs,
  values: Record<string, string>,
): Promise<string> {
  values.sso_registration_scopes ??= DEFAULT_SCOPES;
  const scopes = (await value(ctx, args, {
    flag: "sso-registration-scopes",
    placeholder: "SCOPES",
    text: "SSO registration scopes",
    current: values.sso_registration_scopes,
    validate: scopesValidator,
    required: true,
  }))!;
  values.sso_registration_scopes = scopes;
  return scopes;
}

/**
 * Warns about a new session name the AWS SDK for JavaScript cannot read (S23);
 * on a terminal, asks whether to use it anyway.
 *
 * @returns whether to go on with the name.
 */
export async function acceptSessionName(
  ctx: Context,
  name: string,
): Promise<boolean> {
  if (isPortableSessionName(name)) return true;
  ctx.warn(
    `The session name "${
      safeText(name)
    }" has characters other than letters, digits and _-@+.%:/: the AWS CLI and botocore read it, but the ` +
      "AWS SDK for JavaScript (and tools built on it) cannot.",
  );
  return !ctx.io.stdinIsTerminal ||
    await askYesNo(ctx.io, "Use this session name anyway? (y/n): ");
}

/**
 * The session of `configure sso`: `--sso-session`/`--legacy`, else asked
 * (`SSO session name (Recommended): `, or `[current]` when the profile has
 * one; no answer is the legacy form, with its warning), else the profile's.
 */
export async function chooseSession(
  ctx: Context,
  args: ParsedArgs,
  init: {
    readonly shared: SharedConfig;
    readonly profile: ResolvedProfile;
    readonly allowLegacy: boolean;
  },
): Promise<SessionChoice> {
  const { shared, profile } = init;
  const current = text(profile.settings, "sso_session");
  const flag = args.string("sso-session");
  if (flag !== undefined && args.bool("legacy")) {
    throw new UsageError(
      "--sso-session and --legacy contradict each other: give one of them.",
    );
  }
  if (flag !== undefined && flag.trim() === "") {
    throw new UsageError(
      'Invalid value "" for --sso-session: give a session name, or --legacy for the legacy form.',
    );
  }
  const bad = flag === undefined
    ? undefined
    : sectionNameValidator(flag, undefined);
  if (bad) {
    throw new UsageError(
      `Invalid value "${safeText(flag!)}" for --sso-session: ${bad}.`,
    );
  }
  let name: string | undefined;
  for (;;) {
    if (flag !== undefined) name = flag.trim();
    else if (args.bool("legacy")) name = undefined;
    else if (ctx.io.stdinIsTerminal) {
      name = await ask(ctx.io, {
        text: "SSO session name",
        current,
        prompt: current === undefined
          ? "SSO session name (Recommended): "
          : undefined,
        validate: sectionNameValidator,
      });
    } else if (current !== undefined) name = current;
    else {
      throw new UsageError(
        "There is no terminal to ask for the SSO session name: pass --sso-session NAME (recommended), or " +
          "--legacy with --sso-start-url and --sso-region for the legacy form.",
      );
    }
    if (
      name === undefined || shared.ssoSessions.has(name) ||
      await acceptSessionName(ctx, name)
    ) break;
  }
  if (name === undefined) {
    if (!init.allowLegacy) {
      throw new UsageError(
        "--all needs an SSO session (the legacy form has none): give --sso-session NAME.",
      );
    }
    await legacyWarning(ctx);
    const values: Record<string, string> = {};
    copyDefaults(values, profile.settings);
    const { startUrl, region } = await askStartUrlAndRegion(
      ctx,
      args,
      values,
      profile,
    );
    return { startUrl, region, newSession: false, profileValues: values };
  }
  const existing = shared.ssoSessions.get(name);
  if (existing) return existingSession(args, name, existing);
  const values: Record<string, string> = {};
  copyDefaults(values, profile.settings);
  const { startUrl, region } = await askStartUrlAndRegion(
    ctx,
    args,
    values,
    profile,
  );
  const scopes = await askScopes(ctx, args, values);
  return {
    name,
    startUrl,
    region,
    scopes,
    newSession: true,
    sessionValues: values,
    profileValues: { sso_session: name },
  };
}

/** A legacy profile's start URL and region are the defaults of a new session's (the AWS CLI's migration). */
function copyDefaults(
  values: Record<string, string>,
  settings: ProfileValues,
): void {
  for (const key of ["sso_start_url", "sso_region"]) {
    const v = text(settings, key);
    if (v !== undefined) values[key] = v;
  }
}

function existingSession(
  args: ParsedArgs,
  name: string,
  session: ProfileValues,
): SessionChoice {
  const startUrl = text(session, "sso_start_url");
  const region = text(session, "sso_region");
  const missing = [
    ...(startUrl === undefined ? ["sso_start_url"] : []),
    ...(region === undefined ? ["sso_region"] : []),
  ];
  if (missing.length > 0) {
    throw new ConfigurationError(
      `The SSO session "${safeText(name)}" has no ${
        missing.join(" and ")
      }: add it with "aws-signin configure sso-session".`,
    );
  }
  for (
    const [flag, key] of [
      ["sso-start-url", "sso_start_url"],
      ["sso-region", "sso_region"],
      ["sso-registration-scopes", "sso_registration_scopes"],
    ] as const
  ) {
    const given = args.string(flag);
    if (given !== undefined && given.trim() !== text(session, key)) {
      throw new UsageError(
        `The SSO session "${safeText(name)}" already has ${key} = ${
          text(session, key) ?? "(none)"
        }: leave out --${flag}, change the session with "aws-signin configure sso-session", or choose another ` +
          "session name.",
      );
    }
  }
  return {
    name,
    startUrl: startUrl!,
    region: region!,
    scopes: text(session, "sso_registration_scopes"),
    newSession: false,
    sessionValues: stringValues(session),
    profileValues: { sso_session: name },
  };
}

async function legacyWarning(ctx: Context): Promise<void> {
  const color = ctx.io.stdoutIsTerminal === true && !ctx.env.NO_COLOR;
  await ctx.io.out(
    `${
      color ? "\x1b[1m" : ""
    }WARNING: Configuring using legacy format (e.g. without an SSO session).\n` +
      `Consider re-running "configure sso" command and providing a session name.\n${
        color ? "\x1b[0m" : ""
      }`,
  );
}

/** What `sso login` would sign in to for this choice. */
export function loginConfigOf(
  choice: SessionChoice,
  profile: string,
): SsoLoginConfig {
  return {
    profile,
    ...(choice.name !== undefined ? { sessionName: choice.name } : {}),
    startUrl: choice.startUrl,
    region: choice.region,
    registrationScopes: choice.scopes === undefined
      ? null
      : parseRegistrationScopes(choice.scopes),
    via: [],
  };
}

/**
 * An access token for the session: the cached one while it has 15 minutes
 * or more (unless `forceSignIn`), else a sign-in printed as `sso login`
 * prints it, without its success line, and saved as `sso login` saves it.
 */
export async function ssoAccessToken(
  ctx: Context,
  args: ParsedArgs,
  init: {
    readonly config: SsoLoginConfig;
    readonly profile: ResolvedProfile;
    readonly forceSignIn: boolean;
  },
): Promise<{ accessToken: string; region: string }> {
  const { config } = init;
  const names = {
    startUrl: config.startUrl,
    ...(config.sessionName !== undefined
      ? { sessionName: config.sessionName }
      : {}),
  };
  const file = ssoTokenFile(ssoCacheDir(ctx.env), await ssoTokenKey(names));
  if (!init.forceSignIn) {
    try {
      const token = readSsoToken(file, names);
      // Only a token of this portal (the session's start URL may have changed since).
      if (
        (token.startUrl === undefined || token.startUrl === config.startUrl) &&
        token.expiresAtMs - ctx.now() >= REUSE_MS
      ) {
        ctx.debug(`using the cached IAM Identity Center token ${file}`);
        return {
          accessToken: token.accessToken,
          region: token.region ?? config.region,
        };
      }
    } catch { /* none, or unusable: sign in */ }
  }
  const result = await signInAndSave(ctx, {
    config,
    profile: init.profile,
    useDeviceCode: args.bool("use-device-code"),
    noBrowser: args.bool("no-browser"),
  });
  return { accessToken: result.token.accessToken, region: result.region };
}

/** Sets values in several sections of the config file in one locked, atomic write (a new file is 0600). */
export async function writeConfig(
  ctx: Context,
  path: string,
  writes: readonly {
    readonly target: SectionTarget;
    readonly values: Readonly<Record<string, string>>;
  }[],
  transform?: (text: string | null) => string | null,
): Promise<void> {
  await updateFileLocked(path, (original) => {
    let text = transform ? transform(original) : original;
    for (const { target, values } of writes) {
      text = updateConfigText(text, target, values, path);
    }
    return text === original || text === null ? undefined : text;
  }, { newFileMode: 0o600, now: ctx.now, sleep: ctx.sleep });
}

/** The `[sso-session NAME]` target. */
export function sessionTarget(name: string): SectionTarget {
  return ssoSessionTarget(name);
}
