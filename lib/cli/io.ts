/**
 * The process's streams behind a small interface, so commands can be driven
 * from tests with strings. The only module that touches stdout and stderr.
 *
 * @example
 * ```ts
 * const io = memoryIo("y\n");
 * await io.out("hello\n");
 * io.stdout; // "hello\n"
 * ```
 * @module
 */

/** Input and output of one command run. */
export interface Io {
  /** Writes to stdout. */
  out(text: string): Promise<void>;
  /** Writes to stderr. */
  err(text: string): Promise<void>;
  /** Reads one line from stdin without its line ending; `null` at end of input. */
  readLine(): Promise<string | null>;
  /** Whether stdin is a terminal (a person can answer a prompt). */
  readonly stdinIsTerminal: boolean;
  /** Whether stderr is a terminal (spinners and colour are allowed). */
  readonly stderrIsTerminal: boolean;
  /** Whether stdout is a terminal (colour in reports is allowed); unknown counts as no. */
  readonly stdoutIsTerminal?: boolean;
  /** The terminal's width when stdout is one, else 80 (as the AWS CLI's tables measure it). */
  columns?(): number;
}

const encoder = new TextEncoder();

function writeAllSync(
  w: { writeSync(p: Uint8Array): number },
  text: string,
): Promise<void> {
  const bytes = encoder.encode(text);
  let written = 0;
  try {
    while (written < bytes.length) {
      written += w.writeSync(bytes.subarray(written));
    }
  } catch (error) {
    // A closed pipe (the reader went away) is not our failure to report.
    if (!(error instanceof Deno.errors.BrokenPipe)) {
      return Promise.reject(error);
    }
  }
  return Promise.resolve();
}

/** The longest line {@linkcode LineReader} accepts by default: 16 KiB (an authorization code is about 1 KiB). */
export const MAX_LINE_LENGTH = 16 * 1024;

/** A line of input was longer than the reader accepts. */
export class InputTooLongError extends Error {
  /** The limit, in characters. */
  readonly limit: number;
  constructor(limit: number) {
    super(`A line of input is longer than ${limit} characters.`);
    this.name = "InputTooLongError";
    this.limit = limit;
  }
}

/** Buffers a byte stream into lines, refusing a line longer than the limit as soon as it is seen. */
export class LineReader {
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #open: () => ReadableStreamDefaultReader<Uint8Array>;
  #buffer = "";
  /** Where to look for the next line break (everything before it has none). */
  #scanned = 0;
  #done = false;
  #decoder = new TextDecoder();
  #max: number;

  constructor(
    open: () => ReadableStreamDefaultReader<Uint8Array>,
    maxLineLength: number = MAX_LINE_LENGTH,
  ) {
    this.#open = open;
    this.#max = maxLineLength;
  }

  /**
   * The next line without its ending, or `null` at end of input (a last line
   * without "\n" still counts).
   *
   * @throws {InputTooLongError} when the line is longer than the limit.
   */
  async readLine(): Promise<string | null> {
    for (;;) {
      const nl = this.#buffer.indexOf("\n", this.#scanned);
      if (nl >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        this.#scanned = 0;
        return this.#check(line.endsWith("\r") ? line.slice(0, -1) : line);
      }
      this.#scanned = this.#buffer.length;
      this.#check(this.#buffer);
      if (this.#done) {
        if (this.#buffer === "") return null;
        const rest = this.#buffer;
        this.#buffer = "";
        this.#scanned = 0;
        return rest;
      }
      this.#reader ??= this.#open();
      const { value, done } = await this.#reader.read();
      if (done) {
        this.#done = true;
        this.#buffer += this.#decoder.decode();
        this.#reader.releaseLock();
      } else {
        this.#buffer += this.#decoder.decode(value, { stream: true });
      }
    }
  }

  #check(line: string): string {
    if (line.length > this.#max) {
      this.#buffer = "";
      this.#scanned = 0;
      throw new InputTooLongError(this.#max);
    }
    return line;
  }
}

/** The real process streams. */
export function denoIo(): Io {
  const lines = new LineReader(() => Deno.stdin.readable.getReader());
  return {
    out: (text) => writeAllSync(Deno.stdout, text),
    err: (text) => writeAllSync(Deno.stderr, text),
    readLine: () => lines.readLine(),
    stdinIsTerminal: Deno.stdin.isTerminal(),
    stderrIsTerminal: Deno.stderr.isTerminal(),
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    columns: () => {
      try {
        return Deno.stdout.isTerminal() ? Deno.consoleSize().columns : 80;
      } catch {
        return 80;
      }
    },
  };
}

/** An {@linkcode Io} over strings, for tests. */
export interface MemoryIo extends Io {
  readonly stdout: string;
  readonly stderr: string;
}

/** Creates an {@linkcode Io} that reads `input` and records what is written. */
export function memoryIo(input = "", terminal = false): MemoryIo {
  let stdout = "";
  let stderr = "";
  const pending = input.split("\n");
  const endsWithNewline = input.endsWith("\n");
  if (endsWithNewline) pending.pop();
  return {
    out: (text) => {
      stdout += text;
      return Promise.resolve();
    },
    err: (text) => {
      stderr += text;
      return Promise.resolve();
    },
    readLine: () =>
      Promise.resolve(
        input === "" || pending.length === 0 ? null : pending.shift()!,
      ),
    stdinIsTerminal: terminal,
    stderrIsTerminal: terminal,
    stdoutIsTerminal: terminal,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
