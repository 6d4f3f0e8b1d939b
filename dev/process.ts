/**
 * What the tests, the demo and the benchmark share to run aws-signin as a
 * user would: the repository root, the command line of a subprocess (the
 * compiled binary when `AWS_SIGNIN_BIN` is set), a clean environment, a
 * subprocess with a deadline, and the other device of a `--remote` login.
 *
 * @module
 */

import { PERMISSIONS } from "./permissions.ts";

/** The local path of a `file:` URL (`/D:/a/b` is `D:/a/b` on Windows). */
export function pathOfUrl(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return Deno.build.os === "windows" && /^\/[A-Za-z]:/.test(path)
    ? path.slice(1)
    : path;
}

/** The repository root. */
export const ROOT: string = pathOfUrl(new URL("..", import.meta.url)).replace(
  /\/$/,
  "",
);

/** What a CLI run produced. */
export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function denoDir(): string {
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return fromEnv;
  if (Deno.build.os === "windows") {
    return `${Deno.env.get("LOCALAPPDATA") ?? ""}\\deno`;
  }
  const home = Deno.env.get("HOME") ?? "";
  return Deno.build.os === "darwin"
    ? `${home}/Library/Caches/deno`
    : `${home}/.cache/deno`;
}

/**
 * The command that runs aws-signin as a subprocess: the binary named by
 * `AWS_SIGNIN_BIN` when set (the release workflow tests the compiled binary
 * this way), else `deno run` with the binary's permissions.
 */
export function cliCommand(
  argv: readonly string[],
): { cmd: string; args: string[] } {
  const bin = Deno.env.get("AWS_SIGNIN_BIN");
  if (bin) return { cmd: bin, args: [...argv] };
  return {
    cmd: Deno.execPath(),
    args: ["run", "--quiet", ...PERMISSIONS, `${ROOT}/main.ts`, ...argv],
  };
}

// Passed through so a subprocess can reach the npm registry the way this one does.
const PASS_THROUGH = [
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
];

// What any program needs on Windows (sockets need SystemRoot; temp files TEMP).
const WINDOWS_PASS_THROUGH = [
  "SystemRoot",
  "SystemDrive",
  "windir",
  "TEMP",
  "TMP",
  "ComSpec",
  "PATHEXT",
  "LOCALAPPDATA",
  "APPDATA",
  "ProgramData",
  "ProgramFiles",
];

/** Environment every subprocess gets besides the test's own: PATH, Deno's cache, TLS/proxy settings. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: denoDir(),
    NO_COLOR: "1",
    LC_ALL: "C.UTF-8",
  };
  for (
    const name of Deno.build.os === "windows"
      ? [...PASS_THROUGH, ...WINDOWS_PASS_THROUGH]
      : PASS_THROUGH
  ) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  // Deno's fetch sends even loopback requests through a configured proxy:
  // the emulator and callbacks under test are always reached directly.
  if (PASS_THROUGH.some((n) => /proxy$/i.test(n) && env[n] !== undefined)) {
    for (const name of ["NO_PROXY", "no_proxy"]) {
      env[name] = [env[name], "127.0.0.1", "localhost"].filter(Boolean).join(
        ",",
      );
    }
  }
  return env;
}

/** Runs any program with exactly this environment and a deadline. */
export async function runProcess(
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { stdin?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args: [...args],
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.cwd ? { cwd: options.cwd } : {}),
  }).spawn();
  const writer = child.stdin.getWriter();
  if (options.stdin) {
    await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {});
  }
  await writer.close().catch(() => {});
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, options.timeoutMs ?? 60_000);
  try {
    const out = await child.output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Plays the other device of a `--remote` login against an auto-approving
 * emulator: opens the URL and returns the code the confirmation page shows.
 */
export async function codeFromConfirmationPage(
  authorizeUrl: string,
): Promise<string> {
  const redirect = await fetch(authorizeUrl, { redirect: "manual" });
  await redirect.body?.cancel();
  const location = redirect.headers.get("location");
  if (!location) {
    throw new Error(`no redirect from ${authorizeUrl} (${redirect.status})`);
  }
  const page = await (await fetch(new URL(location, authorizeUrl))).text();
  const code = /id="code"[^>]*>([^<]+)</.exec(page)?.[1];
  if (!code) throw new Error("no code on the confirmation page");
  return code;
}
