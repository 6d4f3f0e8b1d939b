/**
 * The `credential_process` hot path of `configure export-credentials`: the
 * one case every tool asks for many times a minute (a fresh login cache
 * entry, or a fresh role cache entry, or aws-signin's own export behind a
 * `credential_process` profile), answered with a handful of small modules and
 * no command-line machinery. For anything else (another flag, `--debug`,
 * environment credentials or web identity, a refresh, an error of any kind) it answers
 * `undefined` and the full command runs from the start, so output, errors and
 * exit codes are always the full command's (`tests/credentials/fast_path_test.ts`
 * compares the two).
 *
 * `scripts/build.ts` bundles this module and what it imports into
 * `export_credentials_fast.generated.js`, the one module `main.ts` (and the
 * bundle's first stage) loads before anything else.
 *
 * @example
 * ```ts
 * fastExport(["--profile", "dev"], { HOME: "/nonexistent" }, Date.now());
 * // undefined: no such profile, so the full command says so
 * ```
 * @module
 */

import {
  type ResolvedProfile,
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import { sharedFilePaths } from "../config/paths.ts";
import { quickProfileFiles } from "../config/quick_config.ts";
import {
  cacheFilePathSync,
  loginCacheDir,
  readPlainCacheFile,
} from "../cache/login_cache.ts";
import {
  readPlainRoleCache,
  roleCacheDir,
  roleCacheFile,
  roleCacheKeySync,
} from "../cache/role_cache.ts";
import {
  type CredentialFormat,
  formatCredentials,
  FORMATS,
} from "../credentials/format.ts";
import {
  credentialsFromEntry,
  needsRefresh,
} from "../credentials/login_entry.ts";
import { ownExportCommand } from "../credentials/own_command.ts";
import {
  fromCache,
  isRoleProfile,
  ROLE_EXPIRY_WINDOW_MS,
  roleChain,
} from "../credentials/role_config.ts";
import { isSsoProfile, ssoCredentialConfig } from "../config/sso_config.ts";
import { fromSsoRoleCache, ssoRoleFileSync } from "../credentials/sso_role.ts";
import type { Credentials } from "../credentials/types.ts";
import type { Env } from "../util/env.ts";
import { mayExist, readTextFileSync } from "../util/read.ts";
import { MAX_TIMER_SECONDS } from "../util/sleep.ts";

/** `--profile` and `--format` from the arguments after `configure export-credentials`, or `undefined` for anything else. */
function parse(
  argv: readonly string[],
): { profile?: string; format: CredentialFormat } | undefined {
  let profile: string | undefined;
  let format: CredentialFormat = "process";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Only fresh caches are answered here: --auto-login has nothing to do until a session has ended.
    if (arg === "--auto-login") continue;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = name === arg ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (value.startsWith("--") && value.length > 2)) {
      return undefined;
    }
    if (name === "--profile") profile = value;
    else if (
      name === "--auto-login-timeout" && /^[1-9]\d*$/.test(value) &&
      Number(value) <= MAX_TIMER_SECONDS
    ) {
      continue;
    } else if (
      name === "--format" && (FORMATS as readonly string[]).includes(value)
    ) format = value as CredentialFormat;
    else return undefined;
  }
  return { ...(profile !== undefined ? { profile } : {}), format };
}

/**
 * Whether the environment may answer before the profile's own links (keys,
 * or a web identity token file): then the full chain decides.
 */
function environmentAnswers(env: Env): boolean {
  return Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_SECRET_ACCESS_KEY) ||
    env.AWS_WEB_IDENTITY_TOKEN_FILE !== undefined;
}

/** The credentials of a profile, when they can be had from the caches alone. */
function fromCaches(
  profile: ResolvedProfile,
  env: Env,
  now: number,
  depth: number,
): Credentials | undefined {
  const settings = profile.settings;
  if (profile.name !== "default" && !profile.exists) return undefined;
  if (isRoleProfile(settings)) {
    const chain = roleChain(profile, now);
    const cached = readPlainRoleCache(
      roleCacheFile(roleCacheDir(env), roleCacheKeySync(chain[0]!.args)),
    );
    return cached && cached.expiresAtMs - now > ROLE_EXPIRY_WINDOW_MS
      ? fromCache(cached)
      : undefined;
  }
  if (settings.web_identity_token_file !== undefined) return undefined;
  if (isSsoProfile(settings)) {
    // The role credentials of an IAM Identity Center profile, while fresh (anything else: the full program).
    let sso;
    try {
      sso = ssoCredentialConfig(profile);
    } catch {
      return undefined;
    }
    if (!sso) return undefined;
    const cached = readPlainRoleCache(ssoRoleFileSync(sso, env));
    return cached && cached.expiresAtMs - now >= ROLE_EXPIRY_WINDOW_MS
      ? fromSsoRoleCache(cached, sso)
      : undefined;
  }
  if (
    settings.web_identity_token_file !== undefined ||
    profile.credentialsSettings?.aws_access_key_id !== undefined ||
    profile.credentialsSettings?.aws_secret_access_key !== undefined
  ) return undefined;
  const session = stringSetting(settings, "login_session");
  if (session) {
    const entry = readPlainCacheFile(
      cacheFilePathSync(loginCacheDir(env), session),
      session,
      profile.name,
    );
    return !entry || needsRefresh(entry, now)
      ? undefined
      : credentialsFromEntry(entry);
  }
  const commandLine = stringSetting(settings, "credential_process");
  const own = commandLine ? ownExportCommand(commandLine) : undefined;
  if (!own || depth >= 3) return undefined;
  const selected = selectProfile(own.profile, env);
  if (profile.chain.includes(selected.name)) return undefined;
  const target = resolveProfile(profile.shared, selected, [
    ...profile.chain,
    selected.name,
  ]);
  if (selected.source !== "flag" && environmentAnswers(env)) return undefined;
  const creds = fromCaches(target, env, now, depth + 1);
  if (!creds) return undefined;
  // What a process printing them in the process format would give.
  return {
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    expiration: creds.expiration,
    method: "custom-process",
  };
}

/**
 * What `configure export-credentials` prints for these arguments (the words
 * after `configure export-credentials`), or `undefined` when the full
 * command must answer.
 */
export function fastExport(
  argv: readonly string[],
  env: Env,
  now: number,
): string | undefined {
  try {
    const args = parse(argv);
    if (!args || env._AWS_CLI_PROFILE_CHAIN) return undefined;
    const selected = selectProfile(args.profile, env);
    if (selected.source !== "flag" && environmentAnswers(env)) return undefined;
    const paths = sharedFilePaths(env);
    const shared = quickProfileFiles(
      paths.config,
      readTextFileSync(paths.config),
      paths.credentials,
      mayExist(paths.credentials) ? readTextFileSync(paths.credentials) : null,
    );
    if (!shared) return undefined;
    const profile = resolveProfile(shared, selected, [selected.name]);
    const creds = fromCaches(profile, env, now, 0);
    return creds ? formatCredentials(creds, args.format) : undefined;
  } catch {
    return undefined;
  }
}

function envVariable(_: object, key: string | symbol): string | undefined {
  return typeof key === "string" ? Deno.env.get(key) : undefined;
}

/** The environment, read one variable at a time (`Deno.env.toObject()` copies all of it). */
const processEnv: Env = new Proxy({}, { get: envVariable });

/**
 * The first thing the program does: when the command line is
 * `configure export-credentials ...`, prints the hot path's answer and
 * returns `true`; returns `false` when the full program must run.
 */
export function tryFastPath(args: readonly string[]): boolean {
  if (args[0] !== "configure" || args[1] !== "export-credentials") return false;
  const out = fastExport(args.slice(2), processEnv, Date.now());
  if (out === undefined) return false;
  const bytes = new TextEncoder().encode(out);
  try {
    for (let n = 0; n < bytes.length;) {
      n += Deno.stdout.writeSync(bytes.subarray(n));
    }
  } catch (error) {
    // The reader went away (a closed pipe): not a failure, as in the full command.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
  return true;
}
