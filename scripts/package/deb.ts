/**
 * The `.deb` of one Linux binary: `/usr/bin/aws-signin` exactly as released
 * (never stripped), the bash, zsh and fish completions where Debian's shells
 * look for them, the licence in `/usr/share/doc/aws-signin/copyright`, and a
 * control file whose `Version` is the binary's `--version` and whose
 * `Depends` names the glibc it needs.
 *
 * @example
 * ```ts
 * import { debPackage } from "./deb.ts";
 * const deb = await debPackage({
 *   version: "1.2.3", repo: "owner/aws-signin", arch: "amd64", binary: new Uint8Array(),
 *   completions: { bash: "", zsh: "", fish: "" }, license: "", mtime: 0,
 * });
 * ```
 * @module
 */

import {
  ar,
  digestHex,
  type Entry,
  gzip,
  tar,
  utf8,
  withFolders,
} from "./archive.ts";
import {
  COMMAND,
  DESCRIPTION,
  homepage,
  LICENSE_ID,
  MIN_GLIBC,
  SUMMARY,
} from "./product.ts";

/** The three completion scripts, as `aws-signin completion SHELL` prints them. */
export interface Completions {
  readonly bash: string;
  readonly zsh: string;
  readonly fish: string;
}

/** What one Linux package is made of. */
export interface LinuxPackageInput {
  readonly version: string;
  readonly repo: string;
  readonly binary: Uint8Array;
  readonly completions: Completions;
  /** The text of LICENSE. */
  readonly license: string;
  /** The time every file carries (seconds since 1970). */
  readonly mtime: number;
}

/** Where each file goes in the `.deb`. */
export const DEB_PATHS = {
  binary: `usr/bin/${COMMAND}`,
  bash: `usr/share/bash-completion/completions/${COMMAND}`,
  zsh: `usr/share/zsh/vendor-completions/_${COMMAND}`,
  fish: `usr/share/fish/vendor_completions.d/${COMMAND}.fish`,
  copyright: `usr/share/doc/${COMMAND}/copyright`,
} as const;

/** The DEP-5 copyright file: the licence in full, each line indented, blank lines as " .". */
export function debCopyright(repo: string, license: string): string {
  const body = license.replace(/^\n+|\n+$/g, "").split("\n").map((line) =>
    line.trim() === "" ? " ." : ` ${line}`
  ).join("\n");
  return [
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
    `Upstream-Name: ${COMMAND}`,
    `Source: ${homepage(repo)}`,
    "",
    "Files: *",
    `Copyright: the ${COMMAND} authors`,
    `License: ${LICENSE_ID}`,
    "",
    `License: ${LICENSE_ID}`,
    body,
    "",
  ].join("\n");
}

/** The control file. */
export function debControl(
  input: LinuxPackageInput & { arch: "amd64" | "arm64" },
  installedBytes: number,
): string {
  const owner = input.repo.split("/")[0]!;
  const description = DESCRIPTION.match(/.{1,72}(\s|$)/g)!.map((l) =>
    ` ${l.trim()}`
  ).join("\n");
  return [
    `Package: ${COMMAND}`,
    `Version: ${input.version}`,
    `Architecture: ${input.arch}`,
    `Maintainer: ${owner} <${owner}@users.noreply.github.com>`,
    `Installed-Size: ${Math.ceil(installedBytes / 1024)}`,
    `Depends: libc6 (>= ${MIN_GLIBC}), libgcc-s1 | libgcc1`,
    "Section: utils",
    "Priority: optional",
    `Homepage: ${homepage(input.repo)}`,
    `Description: ${SUMMARY}`,
    description,
    "",
  ].join("\n");
}

/** The files of the package, paths relative to `/`. */
export function debFiles(input: LinuxPackageInput): Entry[] {
  const c = input.completions;
  return [
    { path: DEB_PATHS.binary, data: input.binary, mode: 0o755 },
    { path: DEB_PATHS.bash, data: utf8(c.bash), mode: 0o644 },
    {
      path: DEB_PATHS.copyright,
      data: utf8(debCopyright(input.repo, input.license)),
      mode: 0o644,
    },
    { path: DEB_PATHS.fish, data: utf8(c.fish), mode: 0o644 },
    { path: DEB_PATHS.zsh, data: utf8(c.zsh), mode: 0o644 },
  ];
}

/** The `.deb` file's name, as Debian names it. */
export function debName(version: string, arch: "amd64" | "arm64"): string {
  return `${COMMAND}_${version}_${arch}.deb`;
}

/** The `.deb`: `debian-binary`, `control.tar.gz`, `data.tar.gz`. */
export async function debPackage(
  input: LinuxPackageInput & { arch: "amd64" | "arm64" },
): Promise<Uint8Array> {
  const files = debFiles(input);
  const size = files.reduce((n, f) => n + (f.data?.length ?? 0), 0);
  const data = tar(
    withFolders(files.map((f) => ({ ...f, path: `./${f.path}` }))),
    input.mtime,
  );
  const md5sums = files.map((f) => `${digestHex("md5", f.data!)}  ${f.path}\n`)
    .join("");
  const control = tar([
    { path: "./", mode: 0o755 },
    { path: "./control", data: utf8(debControl(input, size)), mode: 0o644 },
    { path: "./md5sums", data: utf8(md5sums), mode: 0o644 },
  ], input.mtime);
  return ar([
    { name: "debian-binary", data: utf8("2.0\n") },
    { name: "control.tar.gz", data: await gzip(control) },
    { name: "data.tar.gz", data: await gzip(data) },
  ], input.mtime);
}
