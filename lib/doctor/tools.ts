/**
 * `doctor`'s checks of the tools on `PATH` that will read these credentials:
 * an AWS CLI older than 2.32 (v1: botocore older than 1.41) cannot read
 * `login_session`, and Terraform's and OpenTofu's AWS provider cannot
 * (hashicorp/terraform-provider-aws#45316); for them, a profile whose
 * `credential_process` runs aws-signin is the way in.
 *
 * @example
 * ```ts
 * parseAwsVersion("aws-cli/2.31.4 Python/3.13.7 Linux/6.8.0 exe/x86_64.ubuntu.24");
 * // { major: 2, minor: 31, patch: 4, text: "2.31.4" }
 * ```
 * @module
 */

import type { SharedConfig } from "../config/profiles.ts";
import type { Env } from "../util/env.ts";
import { joinPath } from "../util/path.ts";
import { safeText } from "../util/safe_text.ts";
import { shlexQuote } from "../util/shlex.ts";
import { type Check, check } from "./check.ts";
import { bridgeFix, bridgeFor, goToolCheck, RENAME } from "./bridge.ts";

/** How long `aws --version` may take. */
const VERSION_DEADLINE_MS = 3000;

/** A version as `aws --version` prints it. */
export interface AwsVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly text: string;
  /** AWS CLI v1: the botocore version it runs on. */
  readonly botocore?: { readonly major: number; readonly minor: number };
  /** AWS CLI v1: whether awscrt (botocore's crt extra, which login refreshes need) is installed, when known. */
  readonly crt?: boolean;
}

/** Reads `aws --version` output (`aws-cli/2.32.0 Python/...`), or `undefined`. */
export function parseAwsVersion(output: string): AwsVersion | undefined {
  const m = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(output);
  if (!m) return undefined;
  const b = /botocore\/(\d+)\.(\d+)/.exec(output);
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    text: `${m[1]}.${m[2]}.${m[3]}`,
    ...(b ? { botocore: { major: Number(b[1]), minor: Number(b[2]) } } : {}),
  };
}

/** Whether that AWS CLI reads `login_session` (v2 2.32.0+, v1 on botocore 1.41+). */
export function readsLoginSession(v: AwsVersion): boolean {
  if (v.major >= 3) return true;
  if (v.major === 2) return v.minor >= 32;
  if (v.botocore) {
    return v.botocore.major > 1 ||
      (v.botocore.major === 1 && v.botocore.minor >= 41);
  }
  return v.minor >= 43; // AWS CLI 1.43 came with botocore 1.41
}

/** The name of the `PATH` variable in `env` (`Path` on Windows, often). */
function pathVariable(env: Env): string {
  return env.PATH === undefined && env.Path !== undefined ? "Path" : "PATH";
}

/**
 * `PATH`'s entries, split into the absolute ones, where doctor looks for
 * tools, and the relative ones (`.`, `bin`, and the empty entry, which means
 * the current folder), which it skips: they are looked up from whatever
 * folder you are in, so a program of that name in a cloned repository would
 * run instead of the tool.
 */
export function pathEntries(
  env: Env,
  windows: boolean = Deno.build.os === "windows",
): { readonly absolute: string[]; readonly relative: string[] } {
  const value = env[pathVariable(env)];
  const absolute: string[] = [];
  const relative: string[] = [];
  // Unset: no entries. Set but empty: one empty entry, the current folder (as sh and bash read it).
  if (value === undefined) return { absolute, relative };
  for (const raw of value.split(windows ? ";" : ":")) {
    // Windows allows an entry in double quotes ("C:\Program Files\x"): the quotes are not part of it.
    const dir = windows && /^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
    const isAbsolute = windows
      ? /^(?:[A-Za-z]:[\\/]|[\\/]{2})/.test(dir)
      : dir.startsWith("/");
    (isAbsolute ? absolute : relative).push(dir);
  }
  return { absolute, relative };
}

/** The first `name` in an absolute `PATH` entry that is an executable file, or `undefined`. */
export function onPath(name: string, env: Env): string | undefined {
  const windows = Deno.build.os === "windows";
  const names = windows ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of pathEntries(env, windows).absolute) {
    for (const n of names) {
      const path = joinPath(dir, n);
      try {
        const info = Deno.statSync(path);
        if (info.isFile && (windows || ((info.mode ?? 0o111) & 0o111) !== 0)) {
          return path;
        }
      } catch { /* not here */ }
    }
  }
  return undefined;
}

/** The finding about `PATH`'s relative entries, if it has any. */
function relativePathCheck(env: Env): Check[] {
  const { relative } = pathEntries(env);
  if (relative.length === 0) return [];
  const named = [...new Set(relative)].map((dir) =>
    dir === ""
      ? "an empty entry (which means the current folder)"
      : `'${safeText(dir)}'`
  );
  const many = named.length > 1;
  return [check(
    "tools.path",
    "warning",
    "tools",
    null,
    `${pathVariable(env)} has ${
      many ? "relative entries" : "a relative entry"
    }: ${named.join(", ")}; doctor skipped ${
      many ? "them" : "it"
    } when looking for aws, terraform and tofu. A relative entry is looked up from whatever folder you are in: ` +
      "a program named aws, terraform or ls in a cloned repository or a download folder runs instead of the real " +
      "one, with your credentials within its reach.",
    `Remove ${
      many ? "them" : "it"
    } from PATH where your shell's startup file sets it, or write the absolute path of the folder you meant.`,
  )];
}

/** `env` with only `PATH`'s absolute entries, for a tool doctor runs (its `#!/usr/bin/env python3` looks there too). */
function withAbsolutePath(env: Env): Env {
  const windows = Deno.build.os === "windows";
  return {
    ...env,
    [pathVariable(env)]: pathEntries(env, windows).absolute.join(
      windows ? ";" : ":",
    ),
  };
}

/** The version in a `NAME-VERSION.dist-info` folder name in `dir`. */
function distInfo(dir: string, name: string): string | undefined {
  try {
    for (const e of Deno.readDirSync(dir)) {
      const m = new RegExp(`^${name}-(\\d+\\.\\d+\\.\\d+)\\.dist-info$`, "i")
        .exec(e.name);
      if (m) return m[1];
    }
  } catch { /* no such folder */ }
  return undefined;
}

/**
 * The version of the AWS CLI at `path` read from the files, without running
 * it (a Python start costs half a second): the installers keep each version
 * in a folder named after it (`.../v2/2.32.0/dist/aws`, Homebrew's
 * `.../awscli/2.32.0/bin/aws`), and pip and Debian leave a
 * `awscli-VERSION.dist-info` folder beside the package.
 */
function versionFromFiles(
  path: string,
  env: Env,
): AwsVersion | undefined {
  let real: string;
  try {
    real = Deno.realPathSync(path);
  } catch {
    return undefined;
  }
  const shim = /^(.*)\/shims\/aws$/.exec(real);
  if (shim) {
    const version = pyenvVersion(shim[1]!, env);
    return version && version !== "system"
      ? versionFromFiles(`${shim[1]}/versions/${version}/bin/aws`, {})
      : undefined;
  }
  const m = /\/(?:v2|awscli)\/(\d+\.\d+\.\d+)(?:[_-][^/]*)?\//.exec(real);
  if (m) return parseAwsVersion(`aws-cli/${m[1]}`);
  let head = "";
  try {
    const file = Deno.openSync(real);
    try {
      const buffer = new Uint8Array(256);
      const n = file.readSync(buffer) ?? 0;
      head = new TextDecoder().decode(buffer.subarray(0, n)).split("\n")[0]!;
    } finally {
      file.close();
    }
  } catch {
    return undefined;
  }
  const python = /^#!\s*(\/\S*python[\d.]*)\s*$/.exec(head)?.[1];
  if (!python) return undefined;
  const prefix = python.replace(/\/bin\/[^/]+$/, "");
  const dirs: string[] = [];
  if (prefix === "/usr") dirs.push("/usr/lib/python3/dist-packages");
  try {
    for (const e of Deno.readDirSync(`${prefix}/lib`)) {
      if (/^python3/.test(e.name)) {
        dirs.push(`${prefix}/lib/${e.name}/site-packages`);
      }
    }
  } catch { /* none */ }
  for (const dir of dirs) {
    const cli = distInfo(dir, "awscli");
    if (!cli) continue;
    const botocore = distInfo(dir, "botocore");
    const parsed = parseAwsVersion(
      `aws-cli/${cli}${botocore ? ` botocore/${botocore}` : ""}`,
    );
    // The AWS CLI v1 refreshes a login session with awscrt, an optional extra (v2 ships it).
    return parsed && parsed.major === 1
      ? { ...parsed, crt: distInfo(dir, "awscrt") !== undefined }
      : parsed;
  }
  return undefined;
}

/**
 * The Python a pyenv shim runs, as pyenv chooses it: `PYENV_VERSION`, else
 * the nearest `.python-version` up from here, else `$PYENV_ROOT/version`.
 */
function pyenvVersion(root: string, env: Env): string | undefined {
  const first = (text: string) => text.split(/[\s:]+/).find((v) => v !== "");
  if (env.PYENV_VERSION) return first(env.PYENV_VERSION);
  const read = (file: string) => {
    try {
      return first(Deno.readTextFileSync(file));
    } catch {
      return undefined;
    }
  };
  let dir: string | undefined;
  try {
    dir = Deno.cwd();
  } catch {
    dir = undefined;
  }
  while (dir) {
    const found = read(`${dir}/.python-version`);
    if (found) return found;
    const up = dir.replace(/\/[^/]*$/, "");
    dir = up === dir ? undefined : up;
  }
  return read(`${root}/version`);
}

/** The version of the AWS CLI at `path`: from its files when they tell, else from `aws --version`. */
async function awsVersion(
  path: string,
  env: Env,
): Promise<AwsVersion | string> {
  const known = versionFromFiles(path, env);
  if (known) return known;
  const child = new Deno.Command(path, {
    args: ["--version"],
    env: { ...withAbsolutePath(env), AWS_PAGER: "" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* ended */ }
  }, VERSION_DEADLINE_MS);
  try {
    const out = await child.output();
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    return parseAwsVersion(text) ??
      (out.success
        ? "its --version output names no version"
        : `"aws --version" failed or took longer than ${
          VERSION_DEADLINE_MS / 1000
        } s`);
  } finally {
    clearTimeout(timer);
  }
}

/** The tool checks. `logins` are the login profiles the checked profiles rest on. */
export async function toolChecks(init: {
  readonly env: Env;
  readonly shared: SharedConfig | undefined;
  readonly logins: readonly string[];
}): Promise<Check[]> {
  const { env, shared } = init;
  const out: Check[] = relativePathCheck(env);
  const login = init.logins[0];
  const aws = onPath("aws", env);
  if (aws) {
    const version = await awsVersion(aws, env);
    if (typeof version === "string") {
      out.push(check(
        "tools.aws-cli",
        "warning",
        "tools",
        null,
        `The AWS CLI at ${safeText(aws)} could not tell its version: ${
          safeText(version)
        }.`,
        "Run aws --version to see what is wrong with it.",
      ));
    } else if (readsLoginSession(version) && version.crt === false) {
      out.push(check(
        "tools.aws-cli",
        login ? "warning" : "ok",
        "tools",
        login ?? null,
        `The AWS CLI ${version.text} at ${
          safeText(aws)
        } reads login_session only with awscrt (botocore's crt extra), which is not installed: it stops with "Missing Dependency: Using the login credential provider requires an additional dependency".`,
        login
          ? "pip install 'botocore[crt]'   (in the Python the AWS CLI runs on)"
          : null,
      ));
    } else if (readsLoginSession(version)) {
      out.push(check(
        "tools.aws-cli",
        "ok",
        "tools",
        null,
        `The AWS CLI ${version.text} at ${safeText(aws)} reads login_session${
          version.major === 1 && version.crt === undefined
            ? " (the AWS CLI v1 also needs botocore's crt extra for it: pip install 'botocore[crt]')"
            : ""
        }.`,
      ));
    } else {
      const bridge = login ? bridgeFor(shared, login) : undefined;
      const add = login ? bridgeFix(login) : undefined;
      out.push(check(
        "tools.aws-cli",
        login ? "warning" : "ok",
        "tools",
        login ?? null,
        `The AWS CLI ${version.text} at ${
          safeText(aws)
        } is older than 2.32 and cannot read login_session${
          login
            ? `: "aws --profile ${
              shlexQuote(safeText(login))
            }" finds no credentials`
            : " (no profile checked here uses one)"
        }${
          bridge
            ? `; profile '${
              safeText(bridge.name)
            }' gives it aws-signin's instead`
            : ""
        }.`,
        !login
          ? null
          : bridge
          ? `Upgrade the AWS CLI to 2.32 or later, or use --profile ${
            shlexQuote(safeText(bridge.name))
          } with it.`
          : `Upgrade the AWS CLI to 2.32 or later, or ${
            add
              ? `add a profile that runs aws-signin and use it: ${add}`
              : RENAME
          }`,
      ));
    }
  }
  for (
    const [tool, label] of [["terraform", "Terraform"], ["tofu", "OpenTofu"]]
  ) {
    const path = onPath(tool!, env);
    if (!path || !login) continue;
    out.push(goToolCheck(tool!, label!, path, login, bridgeFor(shared, login)));
  }
  return out;
}
