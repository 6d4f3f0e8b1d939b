/**
 * A CLI subprocess a test talks to while it runs: read its stdout until a
 * pattern appears, write to its stdin, send signals, then collect the result.
 */
import { baseEnv, cliCommand, type RunResult } from "./process.ts";

/** A running aws-signin process. */
export interface Interactive {
  /** Waits (up to `timeoutMs`) until stdout matches; returns the match. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Waits (up to `timeoutMs`) until stderr matches; returns the match. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  write(text: string): Promise<void>;
  closeStdin(): Promise<void>;
  kill(signal: Deno.Signal): void;
  /** Closes stdin and waits for the exit (killing it after `timeoutMs`). */
  finish(timeoutMs?: number): Promise<RunResult>;
  readonly pid: number;
}

/**
 * Starts aws-signin with a clean environment plus `env`; `fdLimit` and
 * `umask` run it under `ulimit -n` and `umask` (POSIX shells).
 */
export function spawnCli(
  argv: readonly string[],
  env: Record<string, string>,
  options: {
    readonly fdLimit?: number;
    readonly umask?: string;
    readonly cwd?: string;
  } = {},
): Interactive {
  const direct = cliCommand(argv);
  const setup = [
    ...(options.fdLimit === undefined ? [] : [`ulimit -n ${options.fdLimit}`]),
    ...(options.umask === undefined ? [] : [`umask ${options.umask}`]),
  ];
  const { cmd, args } = setup.length === 0 ? direct : {
    cmd: "bash",
    args: [
      "-c",
      `${setup.join(" && ")} && exec "$@"`,
      "aws-signin",
      direct.cmd,
      ...direct.args,
    ],
  };
  return spawnProcess(cmd, args, { ...baseEnv(), ...env }, options);
}

/** Starts any program with exactly this environment, to talk to while it runs (see {@linkcode spawnCli}). */
export function spawnProcess(
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { readonly cwd?: string } = {},
): Interactive {
  const child = new Deno.Command(cmd, {
    args: [...args],
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  const pumpOut = (async () => {
    for await (const chunk of child.stdout) {
      stdout += decoder.decode(chunk, { stream: true });
    }
  })();
  const pumpErr = (async () => {
    for await (const chunk of child.stderr) {
      stderr += new TextDecoder().decode(chunk);
    }
  })();
  const waitFor = async (
    name: string,
    text: () => string,
    pattern: RegExp,
    timeoutMs: number,
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = text().match(pattern);
      if (m) return m;
      if (Date.now() > deadline) {
        throw new Error(
          `${name} never matched ${pattern} within ${timeoutMs} ms:\n${stdout}\nstderr:\n${stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const writer = child.stdin.getWriter();
  let stdinClosed = false;
  return {
    pid: child.pid,
    waitForStdout(pattern, timeoutMs = 15_000) {
      return waitFor("stdout", () => stdout, pattern, timeoutMs);
    },
    waitForStderr(pattern, timeoutMs = 15_000) {
      return waitFor("stderr", () => stderr, pattern, timeoutMs);
    },
    async write(text) {
      await writer.write(new TextEncoder().encode(text));
    },
    async closeStdin() {
      if (stdinClosed) return;
      stdinClosed = true;
      await writer.close().catch(() => {});
    },
    kill(signal) {
      child.kill(signal);
    },
    async finish(timeoutMs = 30_000) {
      if (!stdinClosed) {
        stdinClosed = true;
        await writer.close().catch(() => {});
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, timeoutMs);
      const status = await child.status;
      clearTimeout(timer);
      await Promise.all([pumpOut, pumpErr]);
      return { code: status.code, stdout, stderr };
    },
  };
}
