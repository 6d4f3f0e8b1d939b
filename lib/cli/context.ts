/**
 * What a command gets from the outside world: streams, environment, clock,
 * an interrupt signal and a debug log. Tests build one with fakes.
 *
 * @example
 * ```ts
 * const ctx = testContext({ env: { HOME: "/tmp/x" } });
 * await someCommand.run(args, ctx);
 * ```
 * @module
 */

import type { Env } from "../config/files.ts";
import { type Io, type MemoryIo, memoryIo } from "./io.ts";

/** Everything a command may use besides its arguments. */
export interface Context {
  readonly io: Io;
  readonly env: Env;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /**
   * Aborted when the user presses Ctrl-C or the process gets SIGTERM. The
   * signal handlers are installed the first time this is read, so commands
   * that never wait (export-credentials) keep the default: Ctrl-C ends them.
   */
  readonly signal: AbortSignal;
  /** Writes one `--debug` line to stderr (a no-op without `--debug`). Never pass secrets. */
  debug(message: string): void;
  /** Whether `--debug` is on. */
  readonly debugEnabled: boolean;
}

/** Builds a context; `debug` writes through `io.err` when enabled. */
export function makeContext(
  init: {
    io: Io;
    env: Env;
    now?: () => number;
    signal?: AbortSignal | (() => AbortSignal);
    debug?: boolean;
    logSync?: (text: string) => void;
  },
): Context {
  const enabled = init.debug ?? false;
  const log = init.logSync ?? ((text: string) => void init.io.err(text));
  let signal: AbortSignal | undefined;
  return {
    io: init.io,
    env: init.env,
    now: init.now ?? Date.now,
    get signal() {
      signal ??= typeof init.signal === "function"
        ? init.signal()
        : init.signal ?? new AbortController().signal;
      return signal;
    },
    debugEnabled: enabled,
    debug(message: string) {
      if (enabled) log(`aws-signin [debug] ${message}\n`);
    },
  };
}

/** A context over an in-memory {@linkcode Io}, for tests. */
export function testContext(
  init: {
    env?: Env;
    input?: string;
    now?: () => number;
    debug?: boolean;
    signal?: AbortSignal;
  } = {},
): Context & { io: MemoryIo } {
  const io = memoryIo(init.input ?? "");
  const ctx = makeContext({
    io,
    env: init.env ?? {},
    ...(init.now ? { now: init.now } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
    debug: init.debug ?? false,
  });
  return Object.assign(ctx, { io });
}

/** Masks a value for display: the last four characters after 16 stars, as the AWS CLI does. */
export function mask(value: string): string {
  return "*".repeat(16) + value.slice(-4);
}
