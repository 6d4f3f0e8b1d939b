/**
 * What the doctor tests share: a temp home signed in to an emulator, a fake
 * `aws` on a `PATH` of its own, and `doctor --output json` run as a process.
 */
import assert from "node:assert/strict";
import {
  type EmulatorServer,
  startEmulator,
} from "../../lib/emulator/server.ts";
import {
  loginThrough,
  runCliProcess,
  type TempHome,
  tempHome,
} from "../helpers.ts";
import { ADMIN } from "../roles/_setup.ts";

/** The escape character that starts a colour. */
export const ESC = "\x1b";

export interface Found {
  id: string;
  level: "ok" | "warning" | "error";
  area: string;
  profile: string | null;
  message: string;
  fix: string | null;
}

export interface Setup {
  server: EmulatorServer;
  home: TempHome;
  bin: string;
  /** The environment of a healthy run: the temp home, the emulator, a browser, a current `aws` alone on PATH. */
  env: Record<string, string>;
  entry: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Writes an executable script into `dir`. */
export async function script(
  dir: string,
  name: string,
  body: string,
): Promise<void> {
  await Deno.writeTextFile(`${dir}/${name}`, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(`${dir}/${name}`, 0o755);
}

export async function setUp(
  options: { emulator?: Parameters<typeof startEmulator>[0] } = {},
): Promise<Setup> {
  const server = await startEmulator({
    autoApprove: true,
    roles: [ADMIN],
    ...options.emulator,
  });
  const home = await tempHome();
  const entry = await loginThrough(server.url, home);
  // "login --region" records no region in the profile (as the AWS CLI's): the AWS CLI needs one to refresh.
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(home.config)}region = us-east-1\n`,
  );
  const bin = `${home.dir}/bin`;
  await Deno.mkdir(bin);
  await script(
    bin,
    "aws",
    'echo "aws-cli/2.33.1 Python/3.13.7 Linux/6.8.0 exe/x86_64.ubuntu.24"',
  );
  return {
    server,
    home,
    bin,
    entry,
    env: {
      ...home.env,
      PATH: bin,
      BROWSER: "true",
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      AWS_ENDPOINT_URL_STS: server.url,
    },
    async [Symbol.asyncDispose]() {
      await server.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

/** Runs `doctor ... --output json` as a process (in `cwd`, when given). */
export async function doctor(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<{ code: number; checks: Found[]; stderr: string; stdout: string }> {
  const result = await runCliProcess(
    ["doctor", ...args, "--output", "json"],
    env,
    options,
  );
  let checks: Found[];
  try {
    checks = JSON.parse(result.stdout).checks;
  } catch {
    throw new Error(`not JSON: ${result.stdout}\n${result.stderr}`);
  }
  return { ...result, checks };
}

export function one(checks: Found[], id: string, profile?: string): Found {
  const found = checks.filter((c) =>
    c.id === id && (profile === undefined || c.profile === profile)
  );
  assert.equal(
    found.length,
    1,
    `${id}: ${JSON.stringify(checks.map((c) => c.id))}`,
  );
  return found[0]!;
}

export function notOk(checks: Found[]): Found[] {
  return checks.filter((c) => c.level !== "ok");
}
