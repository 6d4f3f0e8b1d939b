/**
 * What a command gets from the outside world: streams, environment, clock,
 * randomness, network, timers, a browser opener, an interrupt signal and a
 * debug log. `main.ts` passes the real ones; tests pass fakes.
 *
 * @example
 * ```ts
 * const ctx = testContext({ env: { HOME: "/tmp/x" }, now: () => 0 });
 * ctx.debug("not printed without --debug");
 * ```
 * @module
 */

import type { Env } from "../util/env.ts";
import type { ConnectionOptions } from "../http/tls.ts";
import type { CommandSpec } from "./flags.ts";
import { type RandomSource, secureRandom } from "../util/encoding.ts";
import { safeLines, safeText } from "../util/safe_text.ts";
import { realSleep, type Sleep } from "../util/sleep.ts";
import { type Io, type MemoryIo, memoryIo } from "./io.ts";

/** Opens a URL in a browser; resolves whether one was started (the URL is always printed first). */
export type BrowserOpener = (
  url: string,
  options: {
    readonly env: Env;
    readonly debug: (message: string) => void;
    /** Whether the URL (a one-time link) was opened already: then no other opener is tried after one failed. */
    readonly opened?: () => boolean;
  },
) => Promise<boolean>;

/** The side effects a command may have besides its streams: set by `main.ts`, faked by tests. */
export interface World {
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly fetch: typeof fetch;
  readonly random: RandomSource;
  readonly sleep: Sleep;
  readonly openBrowser: BrowserOpener;
}

/** Everything a command may use besides its arguments. */
export interface Context extends World {
  readonly io: Io;
  readonly env: Env;
  /**
   * Aborted when the user presses Ctrl-C or the process gets SIGTERM. The
   * signal handlers are installed the first time this is read, so commands
   * that never wait (export-credentials) keep the default: Ctrl-C ends them.
   */
  readonly signal: AbortSignal;
  /** Writes one `--debug` line to stderr (a no-op without `--debug`). Never pass secrets. */
  debug(message: string): void;
  /** Writes `aws-signin: [WARNING]: message` to stderr: something the user should know, that did not stop the command. */
  warn(message: string): void;
  /** Whether `--debug` is on. */
  readonly debugEnabled: boolean;
  /** Every command (for `completion`). */
  readonly commands: CommandTable;
  /** The AWS CLI's connection options (`--ca-bundle`, `--no-verify-ssl`, the timeouts). */
  readonly connection: ConnectionOptions;
}

/** The command table as a command sees it: names, summaries and specs. */
export type CommandTable = Readonly<
  Record<string, {
    readonly summary: string;
    readonly load: () => Promise<{ readonly spec: CommandSpec }>;
  }>
>;

/** Builds a context; `debug` writes through `io.err` when enabled. */
export function makeContext(
  init: {
    io: Io;
    env: Env;
    world: World;
    signal?: AbortSignal | (() => AbortSignal);
    debug?: boolean;
    logSync?: (text: string) => void;
    commands?: CommandTable;
    connection?: ConnectionOptions;
  },
): Context {
  const enabled = init.debug ?? false;
  const log = init.logSync ?? ((text: string) => void init.io.err(text));
  let signal: AbortSignal | undefined;
  return {
    ...init.world,
    io: init.io,
    env: init.env,
    commands: init.commands ?? {},
    connection: init.connection ?? {},
    get signal() {
      signal ??= typeof init.signal === "function"
        ? init.signal()
        : init.signal ?? new AbortController().signal;
      return signal;
    },
    debugEnabled: enabled,
    debug(message: string) {
      if (enabled) log(`aws-signin [debug] ${safeText(message)}\n`);
    },
    warn(message: string) {
      log(`aws-signin: [WARNING]: ${safeLines(message)}\n`);
    },
  };
}

/** A world for tests: the real clock, randomness and timers, no network and no browser unless given. */
export function testWorld(overrides: Partial<World> = {}): World {
  return {
    now: Date.now,
    fetch: () => Promise.reject(new TypeError("no network in this test")),
    random: secureRandom,
    sleep: realSleep,
    openBrowser: () => Promise.resolve(false),
    ...overrides,
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
    world?: Partial<World>;
  } = {},
): Context & { io: MemoryIo } {
  const io = memoryIo(init.input ?? "");
  const ctx = makeContext({
    io,
    env: init.env ?? {},
    world: testWorld({
      ...init.world,
      ...(init.now ? { now: init.now } : {}),
    }),
    ...(init.signal ? { signal: init.signal } : {}),
    debug: init.debug ?? false,
  });
  return Object.assign(ctx, { io });
}

/** Masks a value for display: the last four characters after 16 stars, as the AWS CLI does. */
export function mask(value: string): string {
  return "*".repeat(16) + value.slice(-4);
}
