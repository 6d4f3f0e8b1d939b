/**
 * `doctor`'s file checks: the shared files parse, the credentials file and
 * the caches are private, the cache folders are ours and 0700, nothing in
 * them belongs to another user (the `sudo aws ...` case), no temporary file
 * a crash left behind, no link where none belongs. Reads only.
 *
 * @example
 * ```ts
 * const checks = fileChecks({ env: { HOME: "/nonexistent" }, now: Date.now() });
 * ```
 * @module
 */

import { ConfigParseError } from "../config/ini.ts";
import { loadSharedConfig, type SharedConfig } from "../config/profiles.ts";
import { sharedFilePaths } from "../config/paths.ts";
import { loginCacheDir } from "../cache/login_cache.ts";
import { roleCacheDir } from "../cache/role_cache.ts";
import type { Env } from "../util/env.ts";
import { joinPath } from "../util/path.ts";
import { lstatOrUndefined, processUid } from "../util/read.ts";
import { safeText } from "../util/safe_text.ts";
import { type Check, check, octal, shellWord } from "./check.ts";

/** A temporary file of ours older than this was left by a crash (as the writers judge it). */
const STALE_TEMP_MS = 5 * 60_000;
const OUR_TEMP = /^\..+\.aws-signin-[0-9a-f]{8}\.tmp$/;

/** Loads the shared files for the other checks, and says whether they parse. */
export async function sharedFiles(
  env: Env,
): Promise<{ shared: SharedConfig | undefined; checks: Check[] }> {
  try {
    const shared = await loadSharedConfig(env);
    return {
      shared,
      checks: [
        check(
          "files.config",
          "ok",
          "files",
          null,
          `The config file ${shared.configPath} and the credentials file ${shared.credentialsPath} parse as the AWS tools read them${
            shared.configText === null && shared.credentialsText === null
              ? " (neither exists yet)"
              : ""
          }.`,
        ),
      ],
    };
  } catch (error) {
    const parse = error instanceof ConfigParseError;
    return {
      shared: undefined,
      checks: [
        check(
          "files.config",
          "error",
          "files",
          null,
          safeText((error as Error).message),
          parse
            ? `Fix line ${error.lineNumber} of ${error.file}: the AWS CLI and the SDKs refuse the file as it is (aws-signin never writes to it).`
            : "Make the file readable, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at the right one.",
        ),
      ],
    };
  }
}

function folderChecks(
  id: string,
  what: string,
  dir: string,
  uid: number | null,
  /** Whether aws-signin makes the folder private at its next write (the login cache; the role cache is the AWS CLI's). */
  madePrivate: boolean,
): Check[] {
  const info = lstatOrUndefined(dir);
  if (!info) {
    return [
      check(
        id,
        "ok",
        "files",
        null,
        `The ${what} ${dir} does not exist yet (aws-signin makes it private when it first writes there).`,
      ),
    ];
  }
  if (info.isSymlink) {
    return [
      check(
        id,
        "warning",
        "files",
        null,
        `The ${what} ${dir} is a symbolic link.`,
        `Make it a real folder (mkdir -m 700 ${
          shellWord(dir)
        }) unless you linked it on purpose.`,
      ),
    ];
  }
  const out: Check[] = [];
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    out.push(check(
      id,
      "error",
      "files",
      null,
      `The ${what} ${dir} belongs to another user (uid ${info.uid}), as after a "sudo aws ...": logins and refreshes cannot write to it.`,
      `sudo chown -R "$(id -un)" ${shellWord(dir)}`,
    ));
  } else if (info.mode !== null && (info.mode & 0o077) !== 0) {
    out.push(check(
      id,
      "warning",
      "files",
      null,
      `The ${what} ${dir} can be read by other users (mode ${
        octal(info.mode)
      }).`,
      madePrivate
        ? `chmod 700 ${
          shellWord(dir)
        }   (aws-signin also does it at its next write)`
        : `chmod 700 ${shellWord(dir)}`,
    ));
  } else {
    out.push(check(
      id,
      "ok",
      "files",
      null,
      `The ${what} ${dir} is yours and private.`,
    ));
  }
  return out;
}

/** Entries, locks and temporary files of a cache folder: owners, modes, links, leftovers. */
function contentChecks(
  id: string,
  what: string,
  dir: string,
  uid: number | null,
  now: number,
): Check[] {
  let names: string[];
  try {
    names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  } catch {
    return [];
  }
  const foreign: string[] = [];
  const open: string[] = [];
  const links: string[] = [];
  const stale: string[] = [];
  for (const name of names) {
    const path = joinPath(dir, name);
    const info = lstatOrUndefined(path);
    if (!info) continue;
    const ours = name.endsWith(".json") || name.endsWith(".lock") ||
      OUR_TEMP.test(name) || name.endsWith(".sign-in");
    if (!ours) continue;
    if (info.isSymlink) links.push(path);
    else if (uid !== null && info.uid !== null && info.uid !== uid) {
      foreign.push(path);
    } else if (
      name.endsWith(".json") && info.mode !== null &&
      (info.mode & 0o077) !== 0
    ) open.push(path);
    if (
      OUR_TEMP.test(name) && info.mtime &&
      now - info.mtime.getTime() > STALE_TEMP_MS
    ) stale.push(path);
  }
  const out: Check[] = [];
  const list = (paths: string[]) =>
    paths.slice(0, 5).map(safeText).join(", ") +
    (paths.length > 5 ? ` and ${paths.length - 5} more` : "");
  if (links.length > 0) {
    out.push(check(
      `${id}-links`,
      "error",
      "files",
      null,
      `The ${what} has symbolic links where aws-signin never follows one (a planted link could receive your credentials): ${
        list(links)
      }.`,
      `Remove them: rm ${links.map(shellWord).join(" ")}`,
    ));
  }
  if (foreign.length > 0) {
    out.push(check(
      `${id}-owner`,
      "error",
      "files",
      null,
      `Files in the ${what} belong to another user, as after a "sudo aws ...": ${
        list(foreign)
      }. aws-signin does not use or lock them.`,
      `sudo chown "$(id -un)" ${foreign.map(shellWord).join(" ")}`,
    ));
  }
  if (open.length > 0) {
    out.push(check(
      `${id}-mode`,
      "warning",
      "files",
      null,
      `Entries in the ${what} can be read by other users: ${list(open)}.`,
      `chmod 600 ${open.map(shellWord).join(" ")}`,
    ));
  }
  if (stale.length > 0) {
    out.push(check(
      `${id}-temp`,
      "warning",
      "files",
      null,
      `Temporary files a crash left in the ${what}: ${list(stale)}.`,
      `rm ${
        stale.map(shellWord).join(" ")
      }   (the next write removes them too)`,
    ));
  }
  if (out.length === 0 && names.length > 0) {
    out.push(check(
      `${id}-entries`,
      "ok",
      "files",
      null,
      `The ${what}'s entries are yours, private, and not links.`,
    ));
  }
  return out;
}

/** Every file check but the parse (see {@linkcode sharedFiles}). */
export function fileChecks(init: { env: Env; now: number }): Check[] {
  const { env, now } = init;
  const uid = processUid();
  const out: Check[] = [];
  let credentials: string | undefined;
  try {
    credentials = sharedFilePaths(env).credentials;
  } catch {
    credentials = undefined;
  }
  const info = credentials ? lstatOrUndefined(credentials) : undefined;
  if (credentials && info && info.mode !== null) {
    out.push(
      (info.mode & 0o077) !== 0
        ? check(
          "files.credentials-mode",
          "warning",
          "files",
          null,
          `The credentials file ${credentials} can be read by other users (mode ${
            octal(info.mode)
          }).`,
          `chmod 600 ${shellWord(credentials)}`,
        )
        : check(
          "files.credentials-mode",
          "ok",
          "files",
          null,
          `The credentials file ${credentials} is private.`,
        ),
    );
  }
  let loginDir: string | undefined;
  try {
    loginDir = loginCacheDir(env);
  } catch {
    loginDir = undefined;
  }
  if (loginDir) {
    out.push(
      ...folderChecks(
        "files.login-cache",
        "login cache folder",
        loginDir,
        uid,
        true,
      ),
      ...contentChecks(
        "files.login-cache",
        "login cache folder",
        loginDir,
        uid,
        now,
      ),
    );
  }
  let roleDir: string | undefined;
  try {
    roleDir = roleCacheDir(env);
  } catch {
    roleDir = undefined;
  }
  if (roleDir) {
    out.push(
      ...folderChecks(
        "files.role-cache",
        "role cache folder",
        roleDir,
        uid,
        false,
      ),
      ...contentChecks(
        "files.role-cache",
        "role cache folder",
        roleDir,
        uid,
        now,
      ),
    );
  }
  return out;
}
