/**
 * A spinner with elapsed time on stderr, only when stderr is a terminal.
 *
 * @example
 * ```ts
 * import { memoryIo } from "./io.ts";
 * const spinner = startSpinner(memoryIo(), "Waiting for the browser", Date.now);
 * try {
 *   await Promise.resolve("the work");
 * } finally {
 *   await spinner.stop();
 * }
 * ```
 * @module
 */

import type { Io } from "./io.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A running spinner. */
export interface Spinner {
  stop(): Promise<void>;
}

/** Starts a spinner (a no-op when stderr is not a terminal or NO_COLOR/TERM=dumb asks for plain output). */
export function startSpinner(
  io: Io,
  label: string,
  now: () => number,
  plain = false,
): Spinner {
  if (!io.stderrIsTerminal || plain) return { stop: () => Promise.resolve() };
  const started = now();
  let frame = 0;
  const draw = () => {
    const seconds = Math.floor((now() - started) / 1000);
    const elapsed = `${Math.floor(seconds / 60)}:${
      String(seconds % 60).padStart(2, "0")
    }`;
    void io.err(
      `\r${
        FRAMES[frame++ % FRAMES.length]
      } ${label} (${elapsed}, Ctrl-C to cancel)\x1b[K`,
    );
  };
  draw();
  const timer = setInterval(draw, 100);
  return {
    async stop() {
      clearInterval(timer);
      await io.err("\r\x1b[2K");
    },
  };
}
