/**
 * The npm packages, as `npm pack` tarballs: `aws-signin` (the command, its
 * postinstall and a Node launcher for where the postinstall cannot put the
 * binary in place) and one `@aws-signin/<os>-<cpu>` per binary, whose `os`,
 * `cpu` and (on Linux) `libc` fields let npm install only the one that runs
 * here, as an optional dependency.
 *
 * @example
 * ```ts
 * import { npmTarballName } from "./npm.ts";
 * npmTarballName("@aws-signin/linux-x64", "1.2.3"); // "aws-signin-linux-x64-1.2.3.tgz"
 * ```
 * @module
 */

import { type Entry, gzip, tar, utf8 } from "./archive.ts";
import {
  type Asset,
  ASSETS,
  COMMAND,
  DESCRIPTION,
  homepage,
  LICENSE_ID,
} from "./product.ts";

/** The name of an asset's platform package. */
export function platformPackageName(asset: Asset): string {
  return `@aws-signin/${asset.npmOs}-${asset.npmCpu}`;
}

/** `npm pack`'s file name for a package. */
export function npmTarballName(name: string, version: string): string {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}

/** What the npm packages are made of. */
export interface NpmInput {
  readonly version: string;
  readonly repo: string;
  readonly assets: Readonly<Record<string, Uint8Array>>;
  readonly license: string;
  readonly mtime: number;
  /** packaging/npm/install.cjs and packaging/npm/aws-signin.cjs */
  readonly installScript: string;
  readonly launcher: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function common(input: NpmInput) {
  return {
    version: input.version,
    license: LICENSE_ID,
    homepage: homepage(input.repo),
    repository: { type: "git", url: `git+${homepage(input.repo)}.git` },
  };
}

/** package.json of the main package. */
export function mainManifest(input: NpmInput): Record<string, unknown> {
  return {
    name: COMMAND,
    ...common(input),
    description: DESCRIPTION,
    bin: { [COMMAND]: "bin/aws-signin" },
    scripts: { postinstall: "node install.cjs" },
    optionalDependencies: Object.fromEntries(
      ASSETS.map((a) => [platformPackageName(a), input.version]),
    ),
  };
}

/** package.json of one platform package. */
export function platformManifest(
  input: NpmInput,
  asset: Asset,
): Record<string, unknown> {
  return {
    name: platformPackageName(asset),
    ...common(input),
    description: `The ${COMMAND} binary for ${asset.npmOs}-${asset.npmCpu}${
      asset.npmOs === "linux" ? " (glibc 2.27 or newer)" : ""
    }.`,
    os: [asset.npmOs],
    cpu: [asset.npmCpu],
    ...(asset.npmOs === "linux" ? { libc: ["glibc"] } : {}),
    preferUnplugged: true,
  };
}

const README = (what: string, repo: string) =>
  `# ${what}\n\n${DESCRIPTION}\n\nSee ${homepage(repo)}#install.\n`;

async function pack(files: readonly Entry[], mtime: number) {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : 1));
  return await gzip(
    tar(sorted.map((f) => ({ ...f, path: `package/${f.path}` })), mtime),
  );
}

/** Every npm tarball, by file name (platform packages first). */
export async function npmPackages(
  input: NpmInput,
): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const license = { path: "LICENSE", data: utf8(input.license), mode: 0o644 };
  for (const asset of ASSETS) {
    const manifest = platformManifest(input, asset);
    const exe = asset.npmOs === "win32" ? ".exe" : "";
    out.set(
      npmTarballName(manifest.name as string, input.version),
      await pack([
        { path: "package.json", data: utf8(json(manifest)), mode: 0o644 },
        {
          path: "README.md",
          data: utf8(README(manifest.name as string, input.repo)),
          mode: 0o644,
        },
        license,
        {
          path: `bin/aws-signin${exe}`,
          data: input.assets[asset.name]!,
          mode: 0o755,
        },
      ], input.mtime),
    );
  }
  out.set(
    npmTarballName(COMMAND, input.version),
    await pack([
      {
        path: "package.json",
        data: utf8(json(mainManifest(input))),
        mode: 0o644,
      },
      {
        path: "README.md",
        data: utf8(README(COMMAND, input.repo)),
        mode: 0o644,
      },
      license,
      { path: "install.cjs", data: utf8(input.installScript), mode: 0o644 },
      { path: "bin/aws-signin", data: utf8(input.launcher), mode: 0o755 },
    ], input.mtime),
  );
  return out;
}
