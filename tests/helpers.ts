/**
 * Shared test helpers: temp homes, running the CLI in-process and as a
 * subprocess, and running the AWS CLI for comparison.
 *
 * @module
 */

import { sourceLoader } from "../main.ts";
import { commandTable, realWorld } from "../lib/program.ts";
import type { World } from "../lib/cli/context.ts";
import { runCli } from "../lib/cli/run.ts";
import { type MemoryIo, memoryIo } from "../lib/cli/io.ts";
import { createHash } from "node:crypto";
import { shlexQuote } from "../lib/util/shlex.ts";
import { type Interactive, spawnCli } from "../dev/interactive.ts";
import { commandLine } from "./_platform.ts";
import { formatExpiresAt } from "../lib/util/time.ts";
import {
  baseEnv,
  cliCommand,
  ROOT,
  runProcess,
  type RunResult,
} from "../dev/process.ts";

export { PERMISSIONS } from "../dev/permissions.ts";
export {
  baseEnv,
  cliCommand,
  codeFromConfirmationPage,
  ROOT,
  runProcess,
  type RunResult,
} from "../dev/process.ts";

/** The AWS CLI v2 from Debian, when installed (tests that compare with it skip otherwise). */
export const AWS_CLI = "/usr/bin/aws";

/** Whether `/usr/bin/aws` exists. */
export const hasAwsCli: boolean = (() => {
  try {
    return Deno.statSync(AWS_CLI).isFile;
  } catch {
    return false;
  }
})();

/** A temporary home folder with `.aws` paths pointed into it. */
export interface TempHome {
  readonly dir: string;
  readonly config: string;
  readonly credentials: string;
  readonly cache: string;
  /** Environment for the CLI: HOME, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_LOGIN_CACHE_DIRECTORY. */
  readonly env: Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Creates a temporary home; dispose it with `await using`. */
export async function tempHome(): Promise<TempHome> {
  const dir = await Deno.makeTempDir({ prefix: "aws-signin-test-" });
  const config = `${dir}/.aws/config`;
  const credentials = `${dir}/.aws/credentials`;
  const cache = `${dir}/.aws/login/cache`;
  return {
    dir,
    config,
    credentials,
    cache,
    env: {
      HOME: dir,
      // Where Windows looks for the home folder first (the role cache is under it).
      USERPROFILE: dir,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_LOGIN_CACHE_DIRECTORY: cache,
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/** How {@linkcode runInProcess} runs a command line. */
export interface InProcessOptions {
  readonly env?: Record<string, string>;
  /** What stdin holds. */
  readonly input?: string;
  /** Whether stdin and stderr are terminals. */
  readonly terminal?: boolean;
  /** Replaces parts of the real world (clock, network, timers, browser). */
  readonly world?: Partial<World>;
  readonly signal?: AbortSignal;
  /** Streams to use instead of an in-memory Io over `input` (for a test that answers what it reads). */
  readonly io?: MemoryIo;
}

/**
 * Lowercase hex SHA-256 of a string, computed apart from the code under test
 * (node:crypto): where a test expects a login cache file to be.
 */
export function sha256HexSync(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Runs the CLI in this process (fast; for tables of cases and fakes). */
export async function runInProcess(
  argv: readonly string[],
  options: InProcessOptions = {},
): Promise<RunResult> {
  const io = options.io ??
    memoryIo(options.input ?? "", options.terminal ?? false);
  const code = await runCli(argv, commandTable(sourceLoader), {
    version: () => Promise.resolve("test"),
    io,
    env: options.env ?? {},
    world: { ...realWorld(sourceLoader), ...options.world },
    ...(options.signal ? { signal: options.signal } : {}),
    logSync: (t) => void io.err(t),
  });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Runs aws-signin as a subprocess with a clean environment. */
export async function runCliProcess(
  argv: readonly string[],
  env: Record<string, string>,
  options: { stdin?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<RunResult> {
  const { cmd, args } = cliCommand(argv);
  return await runProcess(cmd, args, { ...baseEnv(), ...env }, options);
}

/** Runs `/usr/bin/aws` in a temp home (never the real ~/.aws). */
export async function runAwsCli(
  argv: readonly string[],
  env: Record<string, string>,
): Promise<RunResult> {
  return await runProcess(AWS_CLI, argv, {
    PATH: "/usr/bin:/bin",
    LC_ALL: "C.UTF-8",
    AWS_PAGER: "",
    ...env,
  });
}

/** Reads a file as text, or `null` when it does not exist. */
export async function readOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Runs async jobs with at most `limit` at a time. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    },
  );
  await Promise.all(workers);
  return results;
}

/**
 * `BROWSER` for a login under test: the stand-in browser of
 * tests/flow/_browser.ts in the given mode (`trustCa`: a PEM file the
 * browser trusts, as a real browser would trust the system's CAs).
 */
export function standInBrowser(
  mode: "approve" | "deny" | "wrong-state" | "fail" | "record" | "visit",
  options: { trustCa?: string } = {},
): string {
  const browser = commandLine([
    Deno.execPath(),
    "run",
    "--quiet",
    "-A",
    `${ROOT}/tests/flow/_browser.ts`,
    mode,
  ]);
  if (Deno.build.os === "windows") {
    if (options.trustCa) {
      throw new Error("a stand-in browser with its own CA needs POSIX env(1)");
    }
    return `${browser} %s`;
  }
  // The stand-in goes straight to the emulator: proxy tests count only aws-signin's own calls.
  const env = `env -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy ${
    options.trustCa ? `DENO_CERT=${shlexQuote(options.trustCa)} ` : ""
  }`;
  return `${env}${browser} %s`;
}

/** Runs an AWS JS SDK script from tests/interop (`_sdk_*.ts`) in its own process with `env`; throws unless it exits 0. */
export async function runSdkScript(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<Record<string, string>> {
  const result = await runProcess(Deno.execPath(), [
    "run",
    "-A",
    `tests/interop/${script}`,
    ...args,
  ], {
    ...baseEnv(),
    ...env,
  }, { cwd: ROOT });
  if (result.code !== 0) {
    throw new Error(`${script} exited ${result.code}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

/** A fresh P-256 private key as a PKCS#8 `PRIVATE KEY` PEM (the form botocore and the JS SDK also accept), and its JWK. */
export async function pkcs8Pem(): Promise<{ pem: string; jwk: JsonWebKey }> {
  const pair = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    ["sign"],
  );
  const der = new Uint8Array(
    await crypto.subtle.exportKey("pkcs8", pair.privateKey),
  );
  const pem = `-----BEGIN PRIVATE KEY-----\n${
    der.toBase64().replace(/.{64}/g, "$&\n")
  }\n-----END PRIVATE KEY-----\n`;
  return { pem, jwk: await crypto.subtle.exportKey("jwk", pair.privateKey) };
}

/** The session the emulator grants by default. */
export const DEMO_SESSION = "arn:aws:iam::111122223333:user/demo";

/** Signs `profile` in through an emulator with a stand-in browser; returns the cache entry's path. */
export async function loginThrough(
  emulatorUrl: string,
  home: TempHome,
  profile = "dev",
  session = DEMO_SESSION,
): Promise<string> {
  const result = await runCliProcess(
    ["login", "--profile", profile, "--region", "us-east-1"],
    {
      ...home.env,
      BROWSER: standInBrowser("approve"),
      AWS_ENDPOINT_URL_SIGNIN: emulatorUrl,
    },
  );
  if (result.code !== 0) throw new Error(`login failed: ${result.stderr}`);
  return `${home.cache}/${sha256HexSync(session)}.json`;
}

/** Moves a cache entry's expiry to `secondsLeft` from now, as if time had passed; returns the new text. */
export async function ageEntry(
  file: string,
  secondsLeft: number,
): Promise<string> {
  const text = await Deno.readTextFile(file);
  const aged = text.replace(
    /"expiresAt": "[^"]+"/,
    `"expiresAt": "${formatExpiresAt(Date.now() + secondsLeft * 1000)}"`,
  );
  await Deno.writeTextFile(file, aged);
  return aged;
}

/** Queues a fault at an emulator (`/_emulator/faults`). */
export async function emulatorFault(
  emulatorUrl: string,
  body: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`fault refused: ${await response.text()}`);
}

/**
 * Whether another process holds the lock on `path`, asked the portable way
 * (Linux and macOS): a lock of our own fails only while someone else holds one.
 */
export async function lockIsHeld(path: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true });
  } catch {
    return false; // no lock file yet
  }
  try {
    if (await file.tryLock(true)) {
      await file.unlock();
      return false;
    }
    return true;
  } finally {
    file.close();
  }
}

/** Waits (up to `timeoutMs`) until `condition` holds; returns whether it did. */
export async function eventually(
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The names in a folder (sorted), or `[]` when it does not exist. */
export async function listDir(path: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(path))).map((e) => e.name)
      .sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** The local addresses listening on TCP `port`, from /proc/net/tcp{,6} (hex, as Linux prints them). */
export function tcpListeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = Deno.readTextFileSync(file);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === "0A") {
        out.push(cols[1]);
      }
    }
  }
  return out;
}

/** Whether Python's botocore is here and has the login provider (1.43+): the interop tests need it. */
/** Whether script(1) is here, to give a command a terminal (MFA prompts). */
export const hasScript: boolean = (() => {
  try {
    return Deno.statSync("/usr/bin/script").isFile;
  } catch {
    return false;
  }
})();

export const hasBotocoreLogin: boolean = (() => {
  try {
    return new Deno.Command("python3", {
      args: [
        "-c",
        'import botocore.credentials as c; assert hasattr(c, "LoginProvider")',
      ],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
})();

/**
 * Starts `aws-signin login` against an emulator with a stand-in browser that
 * only records the URL it was given (the one-time link), then opens that
 * link as the browser would; resolves with the process, the link, the
 * authorize URL it led to, the callback URL the login listens on, and the
 * headers (the link's cookie) the browser sends to the callback.
 */
export async function loginWaitingForCallback(
  server: { readonly url: string },
  home: TempHome,
  args: readonly string[] = [],
): Promise<
  {
    proc: Interactive;
    link: URL;
    authorize: URL;
    callback: URL;
    browser: { headers: Record<string, string> };
  }
> {
  const record = `${home.dir}/url.txt`;
  const proc = spawnCli(
    ["login", "--region", "us-east-1", "--endpoint-url", server.url, ...args],
    { ...home.env, BROWSER: standInBrowser("record"), BROWSER_RECORD: record },
  );
  if (!await eventually(async () => (await readOrNull(record)) !== null)) {
    const result = await proc.finish();
    throw new Error(`the login opened no browser: ${result.stderr}`);
  }
  const link = new URL((await readOrNull(record))!);
  const opened = await fetch(link, { redirect: "manual" });
  await opened.body?.cancel();
  const authorize = new URL(opened.headers.get("location")!);
  const cookie = opened.headers.getSetCookie()[0]!.split(";")[0]!;
  return {
    proc,
    link,
    authorize,
    callback: new URL(authorize.searchParams.get("redirect_uri")!),
    browser: { headers: { cookie } },
  };
}
