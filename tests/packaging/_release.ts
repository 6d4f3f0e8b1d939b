/**
 * What the packaging tests share: a release made by the generator from
 * stand-in binaries (small shell scripts that answer `--version` like the
 * real one), or from the real binaries in `AWS_SIGNIN_DIST` (the release
 * workflow's channel tests); a local HTTP server on 127.0.0.1 that serves
 * release files and records every request; and the rule for tests that need
 * a tool: skipped, saying why, where it is missing, except in CI, where a
 * missing tool fails the test (`.ci/run` installs them).
 *
 * @module
 */

import { digestHex } from "../../scripts/package/archive.ts";
import { ASSETS } from "../../scripts/package/product.ts";
import { packageRelease } from "../../scripts/package/release.ts";
import { projectVersion, readReleaseInput } from "../../scripts/package.ts";

/** The folder of real release binaries, when the tests run against them. */
export const DIST: string | undefined = Deno.env.get("AWS_SIGNIN_DIST");
/** The repository the test releases name. */
export const REPO = "example-org/aws-signin";

/** A stand-in for one release binary: a shell script that prints what the real one would for --version. */
export function standIn(asset: string, version: string): Uint8Array {
  return new TextEncoder().encode(
    `#!/bin/sh\n# stand-in for ${asset}\n` +
      `if [ "$1" = --version ]; then echo "aws-signin ${version}"; exit 0; fi\n` +
      // export-credentials: about as long as the real binary takes (tens of milliseconds).
      `if [ "$1" = configure ]; then sleep 0.04; echo '{"Version": 1, "AccessKeyId": "ASIASTANDIN"}'; exit 0; fi\n` +
      `echo "${asset} $*"\n`,
  );
}

/** A made release: its files by path, and the folder they were written to. */
export interface Release {
  readonly version: string;
  readonly dir: string;
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** sha256 of each file by name (as SHA256SUMS lists it). */
  readonly sums: ReadonlyMap<string, string>;
  /** Whether the assets are the real binaries. */
  readonly real: boolean;
}

const made = new Map<string, Promise<Release>>();

/**
 * The release the generator makes (once per version and process): from the
 * binaries in AWS_SIGNIN_DIST at deno.json's version, else from stand-ins.
 */
export function release(version?: string): Promise<Release> {
  const key = version ?? "";
  let promise = made.get(key);
  if (!promise) {
    promise = makeRelease(version);
    made.set(key, promise);
  }
  return promise;
}

async function makeRelease(wanted?: string): Promise<Release> {
  const real = DIST !== undefined && wanted === undefined;
  const version = wanted ?? (await projectVersion());
  const dir = await Deno.makeTempDir({ prefix: "aws-signin-release-" });
  let assets = DIST ?? "";
  if (!real) {
    assets = `${dir}/assets`;
    await Deno.mkdir(assets);
    for (const { name } of ASSETS) {
      await Deno.writeFile(`${assets}/${name}`, standIn(name, version), {
        mode: 0o755,
      });
    }
  }
  const files = await packageRelease(
    await readReleaseInput({ version, repo: REPO, assets, mtime: 1577836800 }),
  );
  const out = `${dir}/out`;
  const sums = new Map<string, string>();
  for (const [path, data] of files) {
    const file = `${out}/${path}`;
    await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(file, data, { mode: 0o755 });
    sums.set(path.slice(path.lastIndexOf("/") + 1), digestHex("sha256", data));
  }
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  });
  return { version, dir: out, files, sums, real };
}

/** The asset this machine runs, when it is one a release has. */
export function hostAsset(): string | undefined {
  const cpu = Deno.build.arch === "x86_64" ? "x86_64" : "aarch64";
  const os = { linux: "linux", darwin: "macos", windows: "windows" }[
    Deno.build.os as string
  ];
  return ASSETS.find((a) => a.os === os && a.cpu === cpu)?.name;
}

/** One request the file server saw. */
export interface Seen {
  readonly method: string;
  readonly path: string;
}

/** A local server of release files: `/v{version}/{name}` → bytes. */
export interface FileServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly seen: Seen[];
  /** Serve (or replace) one path. */
  set(path: string, data: Uint8Array | string): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Serves files on 127.0.0.1 (port 0) and records each request. */
export function fileServer(
  files: Iterable<[string, Uint8Array | string]> = [],
): FileServer {
  const table = new Map<string, Uint8Array | string>(files);
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => {
      const path = new URL(request.url).pathname;
      seen.push({ method: request.method, path });
      const body = table.get(path);
      return body === undefined
        ? new Response("not found\n", { status: 404 })
        : new Response(body as BodyInit);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    set: (path, data) => void table.set(path, data),
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** Serves a made release under `/v{version}/`. */
export function releaseServer(...releases: Release[]): FileServer {
  const entries: [string, Uint8Array][] = [];
  for (const r of releases) {
    for (const [path, data] of r.files) {
      entries.push([
        `/v${r.version}/${path.slice(path.lastIndexOf("/") + 1)}`,
        data,
      ]);
    }
  }
  return fileServer(entries);
}

/** Where a program is on this machine's PATH, if it is. */
export function which(name: string): string | undefined {
  const windows = Deno.build.os === "windows";
  for (const dir of (Deno.env.get("PATH") ?? "").split(windows ? ";" : ":")) {
    for (const suffix of windows ? [".exe", ""] : [""]) {
      try {
        const path = `${dir}/${name}${suffix}`;
        if (Deno.statSync(path).isFile) return path;
      } catch { /* not here */ }
    }
  }
  return undefined;
}

const inCi = () => (Deno.env.get("CI") ?? "") !== "";

/**
 * `Deno.test` options for a test that needs tools (and, optionally, Linux):
 * skipped with the reason in its name where they are missing, but run (and
 * failing) in CI, which installs them.
 */
export function needs(
  name: string,
  tools: readonly string[],
  options: { linux?: boolean; root?: boolean } = {},
): { name: string; ignore: boolean } {
  if (options.linux && Deno.build.os !== "linux") {
    return { name: `${name} (skipped: Linux only)`, ignore: true };
  }
  if (Deno.build.os === "windows") {
    return { name: `${name} (skipped: needs a POSIX shell)`, ignore: true };
  }
  if (options.root && Deno.uid() !== 0) {
    return { name: `${name} (skipped: needs root for chroot)`, ignore: true };
  }
  const missing = tools.filter((t) => !which(t));
  if (missing.length > 0 && !inCi()) {
    return {
      name: `${name} (skipped: ${
        missing.join(", ")
      } not installed; .ci/run installs it)`,
      ignore: true,
    };
  }
  return { name, ignore: false };
}
