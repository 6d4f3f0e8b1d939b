/**
 * Signal numbers by operating system, for the exit code a shell gives a
 * command that a signal ended: 128 + the signal's number, which differs
 * between Linux, the BSDs (macOS) and Solaris for the same name (`SIGBUS` is
 * 7 on Linux, 10 on macOS).
 *
 * @example
 * ```ts
 * signalExitCode("SIGBUS", "linux"); // 135
 * signalExitCode("SIGBUS", "darwin"); // 138
 * ```
 * @module
 */

const LINUX: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGIOT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGSTKFLT: 16,
  SIGCHLD: 17,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGURG: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGIO: 29,
  SIGPOLL: 29,
  SIGPWR: 30,
  SIGSYS: 31,
  SIGUNUSED: 31,
};

/** macOS, FreeBSD, NetBSD and OpenBSD share the first 31 numbers. */
const BSD: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGIOT: 6,
  SIGEMT: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGBUS: 10,
  SIGSEGV: 11,
  SIGSYS: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGURG: 16,
  SIGSTOP: 17,
  SIGTSTP: 18,
  SIGCONT: 19,
  SIGCHLD: 20,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGIO: 23,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGVTALRM: 26,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGINFO: 29,
  SIGUSR1: 30,
  SIGUSR2: 31,
};

const SOLARIS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGIOT: 6,
  SIGEMT: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGBUS: 10,
  SIGSEGV: 11,
  SIGSYS: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGUSR1: 16,
  SIGUSR2: 17,
  SIGCHLD: 18,
  SIGPWR: 19,
  SIGWINCH: 20,
  SIGURG: 21,
  SIGPOLL: 22,
  SIGIO: 22,
  SIGSTOP: 23,
  SIGTSTP: 24,
  SIGCONT: 25,
  SIGTTIN: 26,
  SIGTTOU: 27,
  SIGVTALRM: 28,
  SIGPROF: 29,
  SIGXCPU: 30,
  SIGXFSZ: 31,
};

/** The signal numbers of an operating system (`Deno.build.os`). */
export function signalTable(
  os: string,
): Readonly<Record<string, number>> {
  switch (os) {
    case "darwin":
    case "freebsd":
    case "netbsd":
    case "openbsd":
      return BSD;
    case "solaris":
    case "illumos":
      return SOLARIS;
    default:
      return LINUX;
  }
}

/** A shell's exit code for a command ended by `signal`: 128 + its number on `os` (128 for a name not known). */
export function signalExitCode(signal: string, os: string): number {
  return 128 + (signalTable(os)[signal] ?? 0);
}
