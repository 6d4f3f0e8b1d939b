/**
 * Every file a release attaches, from the five binaries it has just tested:
 * a pure function of its inputs (no clock, no machine, no network), so the
 * same binaries always give the same bytes. `SHA256SUMS` lists every file,
 * by the name it is attached under, in `sha256sum`'s text format.
 *
 * @example
 * ```ts
 * import { packageRelease } from "./release.ts";
 * declare const input: import("./release.ts").ReleaseInput;
 * const files = await packageRelease(input); // "install.sh", "npm/aws-signin-1.2.3.tgz", ..., "SHA256SUMS"
 * ```
 * @module
 */

import { digestHex, utf8 } from "./archive.ts";
import { type Completions, debName, debPackage } from "./deb.ts";
import { renderInstaller } from "./installers.ts";
import {
  homebrewFormula,
  scoopManifest,
  wingetManifests,
} from "./manifests.ts";
import { npmPackages } from "./npm.ts";
import { ASSETS } from "./product.ts";
import { rpmName, rpmPackage } from "./rpm.ts";

/** The text files in `packaging/` the release fills in or ships. */
export interface Templates {
  /** packaging/install.sh */
  readonly installSh: string;
  /** packaging/install.ps1 */
  readonly installPs1: string;
  /** packaging/npm/install.cjs (the main npm package's postinstall) */
  readonly npmInstall: string;
  /** packaging/npm/aws-signin.cjs (its Node launcher) */
  readonly npmLauncher: string;
}

/** Everything a release's files are made from. */
export interface ReleaseInput {
  readonly version: string;
  /** OWNER/NAME on GitHub. */
  readonly repo: string;
  /** The five binaries, by asset name. */
  readonly assets: Readonly<Record<string, Uint8Array>>;
  readonly completions: Completions;
  /** The text of LICENSE. */
  readonly license: string;
  /** The time archives give their files (SOURCE_DATE_EPOCH). */
  readonly mtime: number;
  readonly templates: Templates;
}

/** The `sha256sum` text format: `<hex>  <name>` per line, sorted by name. */
export function sha256sums(files: ReadonlyMap<string, Uint8Array>): string {
  return [...files].map(([path, data]) =>
    [path.slice(path.lastIndexOf("/") + 1), digestHex("sha256", data)] as const
  ).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, sum]) =>
    `${sum}  ${name}\n`
  ).join("");
}

/** Every file of the release, by path under `--out`, `SHA256SUMS` last. */
export async function packageRelease(
  input: ReleaseInput,
): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const sums: Record<string, string> = {};
  for (const asset of ASSETS) {
    const data = input.assets[asset.name];
    if (!data) throw new Error(`Missing the release asset ${asset.name}`);
    files.set(asset.name, data);
    sums[asset.name] = digestHex("sha256", data);
  }
  const baked = { version: input.version, repo: input.repo, sums };
  files.set(
    "install.sh",
    utf8(renderInstaller(input.templates.installSh, baked)),
  );
  files.set(
    "install.ps1",
    utf8(renderInstaller(input.templates.installPs1, baked)),
  );
  files.set("aws-signin.rb", utf8(homebrewFormula(baked)));
  files.set("aws-signin.json", utf8(scoopManifest(baked)));
  for (const [name, text] of wingetManifests(baked)) {
    files.set(`winget/${name}`, utf8(text));
  }
  for (const asset of ASSETS.filter((a) => a.deb)) {
    const linux = { ...input, binary: input.assets[asset.name]! };
    const deb = asset.deb!;
    const rpm = asset.cpu;
    files.set(
      debName(input.version, deb),
      await debPackage({ ...linux, arch: deb }),
    );
    files.set(
      rpmName(input.version, rpm),
      await rpmPackage({ ...linux, arch: rpm }),
    );
  }
  const npm = await npmPackages({
    ...input,
    installScript: input.templates.npmInstall,
    launcher: input.templates.npmLauncher,
  });
  for (const [name, data] of npm) files.set(`npm/${name}`, data);
  const names = [...files.keys()].map((p) => p.slice(p.lastIndexOf("/") + 1));
  if (new Set(names).size !== names.length) {
    throw new Error(`Two release files share a name: ${names.join(", ")}`);
  }
  files.set("SHA256SUMS", utf8(sha256sums(files)));
  return files;
}
