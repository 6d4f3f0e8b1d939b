/**
 * A program run on a terminal (a pty from util-linux `script(1)`), for tests
 * that type answers to prompts as a person would: wait until the screen
 * shows a text, type a line, collect the exit code and everything shown
 * (with the terminal's echo and `\r\n` line ends). Terminal escapes can be
 * removed with {@linkcode plainScreen}. Linux only (`script -e -c`); use
 * {@linkcode hasPty} to skip elsewhere.
 *
 * @example
 * ```ts
 * const term = spawnInTerminal("bash", ["-c", "read -p 'Name: ' n; echo hi $n"], {});
 * await term.waitFor("Name: ");
 * await term.write("Ann\r");
 * const { code, screen } = await term.finish();
 * ```
 * @module
 */

/** Whether this machine can run a program on a pty (Linux with util-linux `script`). */
export const hasPty: boolean = (() => {
  if (Deno.build.os !== "linux") return false;
  try {
    return new Deno.Command("script", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
})();

/** A program running on a terminal. */
export interface Terminal {
  /** Everything the terminal showed so far. */
  screen(): string;
  /** Waits (up to `timeoutMs`) until the screen shows `text` after what earlier waits consumed. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Types text (end a line with `\r`, as the Enter key does). */
  write(text: string): Promise<void>;
  /** Waits for the exit (killing it after `timeoutMs`): the exit code and the whole screen. */
  finish(timeoutMs?: number): Promise<{ code: number; screen: string }>;
}

const quote = (s: string) =>
  /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'"'"'`)}'`;

/**
 * Starts `cmd args` on a new pty with exactly `env`. With `answerCursorQueries`,
 * a cursor position request (`ESC[6n`, prompt_toolkit asks one) is answered
 * as a real terminal would.
 */
export function spawnInTerminal(
  cmd: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { readonly answerCursorQueries?: boolean } = {},
): Terminal {
  const child = new Deno.Command("script", {
    args: ["-qefc", [cmd, ...args].map(quote).join(" "), "/dev/null"],
    env: { TERM: "xterm", ...env },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const decoder = new TextDecoder();
  let screen = "";
  let consumed = 0;
  let answered = 0;
  const pump = (async () => {
    for await (const chunk of child.stdout) {
      screen += decoder.decode(chunk, { stream: true });
      if (options.answerCursorQueries) {
        const asked = screen.split("\x1b[6n").length - 1;
        for (; answered < asked; answered++) {
          await writer.write(new TextEncoder().encode("\x1b[1;1R")).catch(
            () => {},
          );
        }
      }
    }
  })();
  const drainErr = child.stderr.pipeTo(new WritableStream());
  return {
    screen: () => screen,
    async waitFor(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = screen.slice(consumed);
        const at = typeof text === "string"
          ? ((i) => i < 0 ? undefined : i + text.length)(rest.indexOf(text))
          : ((m) => m ? m.index! + m[0].length : undefined)(text.exec(rest));
        if (at !== undefined) {
          consumed += at;
          return;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `the terminal never showed ${
              String(text)
            } within ${timeoutMs} ms:\n${JSON.stringify(plainScreen(rest))}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async write(text) {
      await writer.write(new TextEncoder().encode(text));
    },
    async finish(timeoutMs = 60_000) {
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, timeoutMs);
      const status = await child.status;
      clearTimeout(timer);
      await writer.close().catch(() => {});
      await pump;
      await drainErr.catch(() => {});
      return { code: status.code, screen };
    },
  };
}

/** The screen without terminal escapes and carriage returns. */
export function plainScreen(screen: string): string {
  return screen
    // deno-lint-ignore no-control-regex
    .replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]/g, "")
    .replaceAll("\r", "");
}
