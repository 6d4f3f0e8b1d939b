/**
 * What this computer offers for opening a browser: a desktop, WSL, an SSH
 * session without a display, CI, a container. Read by the sign-in flows,
 * by `--auto-login` (which signs in again only where a browser can open) and
 * by `doctor`.
 *
 * @example
 * ```ts
 * browserAvailability({ SSH_CONNECTION: "10.0.0.1 5000 10.0.0.2 22" }, "linux");
 * // { ok: false, why: "this is an SSH session without a display ..." }
 * ```
 * @module
 */

import type { Env } from "./env.ts";

/** Whether this is an SSH session with no display to open a browser on. */
export function sshWithoutDisplay(
  env: Env,
  os: string = Deno.build.os,
): boolean {
  if (os === "windows" || os === "darwin") return false;
  const ssh = Boolean(env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY);
  return ssh && !env.DISPLAY && !env.WAYLAND_DISPLAY;
}

/** Whether a browser can be opened here, and if not, why (for `--auto-login` and `doctor`). */
export type BrowserAvailability =
  | { readonly ok: true; readonly how: string }
  | { readonly ok: false; readonly why: string };

/** Whether this runs inside a container (Docker, Podman). */
function inContainer(env: Env): boolean {
  if (env.container) return true;
  for (const marker of ["/.dockerenv", "/run/.containerenv"]) {
    try {
      Deno.statSync(marker);
      return true;
    } catch { /* not there */ }
  }
  return false;
}

/**
 * Whether this computer can open a browser for a sign-in: `BROWSER` set,
 * macOS or Windows, WSL, or a Linux desktop (`DISPLAY`, `WAYLAND_DISPLAY`);
 * not in CI, an SSH session without a display, or a container.
 */
export function browserAvailability(
  env: Env,
  os: string = Deno.build.os,
): BrowserAvailability {
  if (env.BROWSER?.trim()) return { ok: true, how: "BROWSER is set" };
  if (env.CI && env.CI !== "false") {
    return {
      ok: false,
      why: "this looks like CI (CI is set) and BROWSER is not set",
    };
  }
  if (os === "darwin") {
    return { ok: true, how: "macOS opens the default browser" };
  }
  if (os === "windows") {
    return { ok: true, how: "Windows opens the default browser" };
  }
  const display = Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
  if (sshWithoutDisplay(env, os)) {
    return {
      ok: false,
      why:
        "this is an SSH session without a display (SSH_CONNECTION is set, DISPLAY is not) and BROWSER is not set",
    };
  }
  if (os === "linux" && isWsl(env)) {
    return { ok: true, how: "WSL opens the Windows browser" };
  }
  if (!display && inContainer(env)) {
    return {
      ok: false,
      why: "this is a container without a display and BROWSER is not set",
    };
  }
  if (display) {
    return { ok: true, how: "a desktop (DISPLAY or WAYLAND_DISPLAY)" };
  }
  return {
    ok: false,
    why:
      "there is no desktop here (neither DISPLAY nor WAYLAND_DISPLAY is set) and BROWSER is not set",
  };
}

/** Whether Linux here is Windows Subsystem for Linux. */
export function isWsl(env: Env): boolean {
  if (env.WSL_DISTRO_NAME || env.WSL_INTEROP) return true;
  try {
    return /microsoft|wsl/i.test(
      Deno.readTextFileSync("/proc/sys/kernel/osrelease"),
    );
  } catch {
    return false;
  }
}
