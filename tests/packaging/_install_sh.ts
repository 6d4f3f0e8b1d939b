/**
 * A sandbox to run the generated `install.sh` in: a temporary HOME, and a
 * PATH of exactly the tools the script may use, where `uname`, `ldd`,
 * `getconf`, `sysctl`, `sudo` and `gh` are shims that play another machine
 * (and `curl`/`wget` wrappers), each logging how it was called.
 *
 * @module
 */

import { runProcess, type RunResult } from "../../dev/process.ts";
import { which } from "./_release.ts";

/** How the shims answer: a platform's `uname -s`/`-m`, `ldd --version`, `getconf GNU_LIBC_VERSION`, Rosetta. */
export type Platform = Readonly<Record<string, string>>;

const GLIBC = {
  FAKE_LDD:
    "ldd (Debian GLIBC 2.36-9+deb12u9) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.",
  FAKE_GETCONF: "glibc 2.36",
};

/** Machines the shims can play. */
export const PLATFORMS = {
  "Linux x86_64": { FAKE_UNAME_S: "Linux", FAKE_UNAME_M: "x86_64", ...GLIBC },
  "Linux aarch64": { FAKE_UNAME_S: "Linux", FAKE_UNAME_M: "aarch64", ...GLIBC },
  "macOS Intel": {
    FAKE_UNAME_S: "Darwin",
    FAKE_UNAME_M: "x86_64",
    FAKE_TRANSLATED: "0",
  },
  "macOS Apple silicon": { FAKE_UNAME_S: "Darwin", FAKE_UNAME_M: "arm64" },
  "macOS Rosetta shell": {
    FAKE_UNAME_S: "Darwin",
    FAKE_UNAME_M: "x86_64",
    FAKE_TRANSLATED: "1",
  },
  "Alpine (musl)": {
    FAKE_UNAME_S: "Linux",
    FAKE_UNAME_M: "x86_64",
    FAKE_LDD: "musl libc (x86_64)\nVersion 1.2.4\nDynamic Program Loader",
    FAKE_LDD_CODE: "1",
  },
  "Amazon Linux 2 (glibc 2.26)": {
    FAKE_UNAME_S: "Linux",
    FAKE_UNAME_M: "x86_64",
    FAKE_LDD:
      "ldd (GNU libc) 2.26\nCopyright (C) 2017 Free Software Foundation, Inc.",
    FAKE_GETCONF: "glibc 2.26",
  },
  "Git Bash on Windows": {
    FAKE_UNAME_S: "MINGW64_NT-10.0-20348",
    FAKE_UNAME_M: "x86_64",
  },
} as const satisfies Record<string, Platform>;

/** The shells install.sh must run under, where installed. */
export const SHELLS: Record<string, string[]> = {
  dash: ["dash"],
  bash: ["bash"],
  "zsh (sh mode)": ["zsh", "--emulate", "sh"],
  "busybox sh": ["busybox", "sh"],
};

/** The shell's command line, when it is installed. */
export function shell(name: string): string[] | undefined {
  const [cmd, ...args] = SHELLS[name]!;
  const path = which(cmd!);
  return path ? [path, ...args] : undefined;
}

const SHIMS: Record<string, string> = {
  uname:
    `case "$1" in -s) echo "$FAKE_UNAME_S" ;; -m) echo "$FAKE_UNAME_M" ;; *) echo "$FAKE_UNAME_S" ;; esac`,
  ldd: `if [ -z "\${FAKE_LDD:-}" ]; then echo "ldd: not found" >&2; exit 127; fi
if [ "$FAKE_LDD_CODE" = 1 ]; then printf '%s\\n' "$FAKE_LDD" >&2; exit 1; fi
printf '%s\\n' "$FAKE_LDD"`,
  getconf:
    `if [ -z "\${FAKE_GETCONF:-}" ]; then echo "getconf: Unrecognized variable '$1'" >&2; exit 1; fi
echo "$FAKE_GETCONF"`,
  sysctl:
    `if [ -z "\${FAKE_TRANSLATED:-}" ]; then echo "sysctl: unknown oid '$2'" >&2; exit 1; fi
echo "$FAKE_TRANSLATED"`,
  sudo: `echo "sudo must never be called" >&2; exit 1`,
  gh: `exit "\${FAKE_GH_CODE:-0}"`,
};

/** What the sandbox's PATH holds besides the shims. */
export interface Tools {
  /** Hash tools to offer (default: sha256sum). */
  readonly hashers?: readonly ("sha256sum" | "shasum" | "openssl")[];
  /** Downloaders to offer (default: curl). */
  readonly fetchers?: readonly ("curl" | "wget")[];
  /** Take every other tool from busybox's applets instead of the host. */
  readonly busybox?: boolean;
  /** Leave out gh. */
  readonly noGh?: boolean;
}

const BASICS = ["mktemp", "rm", "mkdir", "cp", "chmod", "mv", "sleep"];

/** A sandbox: HOME, the PATH folder, the call log. */
export interface Sandbox {
  readonly dir: string;
  readonly home: string;
  readonly bin: string;
  /** The default install folder, ~/.local/bin. */
  readonly installDir: string;
  /** Every shim call so far, one line each ("curl ...", "gh attestation verify ..."). */
  calls(): string[];
  /** Runs install.sh (the file at `script`) with `shellArgs`, the platform and extra environment. */
  run(
    command: string[],
    env: Record<string, string>,
    options?: { stdin?: string },
  ): Promise<RunResult>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Makes a sandbox. */
export async function sandbox(tools: Tools = {}): Promise<Sandbox> {
  const dir = await Deno.makeTempDir({ prefix: "aws-signin-install-sh-" });
  await Deno.chmod(dir, 0o755);
  const home = `${dir}/home`;
  const bin = `${dir}/bin`;
  const log = `${dir}/calls.log`;
  await Deno.mkdir(home);
  await Deno.mkdir(bin);
  await Deno.mkdir(`${dir}/tmp`);
  await Deno.writeTextFile(log, "");
  const link = async (name: string, target: string) =>
    await Deno.symlink(target, `${bin}/${name}`);
  const busybox = which("busybox");
  for (const name of BASICS) {
    if (tools.busybox) await link(name, busybox!);
    else await link(name, which(name)!);
  }
  for (const name of tools.hashers ?? ["sha256sum"]) {
    if (tools.busybox && name === "sha256sum") await link(name, busybox!);
    else if (which(name)) await link(name, which(name)!);
  }
  const shims = { ...SHIMS };
  if (tools.noGh) delete shims.gh;
  for (const name of tools.fetchers ?? ["curl"]) {
    const real = tools.busybox ? `${busybox} ${name}` : which(name);
    shims[name] = `exec ${real} "$@"`;
  }
  for (const [name, body] of Object.entries(shims)) {
    await Deno.writeTextFile(
      `${bin}/${name}`,
      `#!/bin/sh\necho "${name} $*" >>"$SHIM_LOG"\n${body}\n`,
      { mode: 0o755 },
    );
  }
  return {
    dir,
    home,
    bin,
    installDir: `${home}/.local/bin`,
    calls: () => Deno.readTextFileSync(log).split("\n").filter((l) => l !== ""),
    run: (command, env, options = {}) =>
      runProcess(command[0]!, command.slice(1), {
        PATH: bin,
        HOME: home,
        TMPDIR: `${dir}/tmp`,
        SHIM_LOG: log,
        LC_ALL: "C",
        ...env,
      }, { cwd: dir, timeoutMs: 30_000, ...options }),
    async [Symbol.asyncDispose]() {
      await Deno.chmod(dir, 0o755).catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** The names in a folder (none when it does not exist). */
export function listDir(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  } catch {
    return [];
  }
}
