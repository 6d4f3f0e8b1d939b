/**
 * What every channel says about aws-signin, in one place: the five release
 * assets and the platform names each ecosystem gives them, the descriptions,
 * the licence, and where a release's files are downloaded from.
 *
 * @example
 * ```ts
 * import { ASSETS, downloadUrl } from "./product.ts";
 * downloadUrl("owner/aws-signin", "1.2.3", ASSETS[0]!.name);
 * ```
 * @module
 */

/** One release binary and its names in each ecosystem. */
export interface Asset {
  /** The release asset's file name. */
  readonly name: string;
  readonly os: "linux" | "macos" | "windows";
  /** `uname -m`'s spelling: x86_64, aarch64. */
  readonly cpu: "x86_64" | "aarch64";
  /** Node's `process.platform` / `process.arch` (npm's `os` / `cpu`). */
  readonly npmOs: "linux" | "darwin" | "win32";
  readonly npmCpu: "x64" | "arm64";
  /** Debian's architecture name, for Linux assets. */
  readonly deb?: "amd64" | "arm64";
}

/** The five binaries a release builds, in the order the release lists them. */
export const ASSETS: readonly Asset[] = [
  {
    name: "aws-signin-x86_64-linux",
    os: "linux",
    cpu: "x86_64",
    npmOs: "linux",
    npmCpu: "x64",
    deb: "amd64",
  },
  {
    name: "aws-signin-aarch64-linux",
    os: "linux",
    cpu: "aarch64",
    npmOs: "linux",
    npmCpu: "arm64",
    deb: "arm64",
  },
  {
    name: "aws-signin-x86_64-macos",
    os: "macos",
    cpu: "x86_64",
    npmOs: "darwin",
    npmCpu: "x64",
  },
  {
    name: "aws-signin-aarch64-macos",
    os: "macos",
    cpu: "aarch64",
    npmOs: "darwin",
    npmCpu: "arm64",
  },
  {
    name: "aws-signin-x86_64-windows.exe",
    os: "windows",
    cpu: "x86_64",
    npmOs: "win32",
    npmCpu: "x64",
  },
];

/** The asset for an OS and CPU. */
export function assetFor(os: Asset["os"], cpu: Asset["cpu"]): Asset {
  return ASSETS.find((a) => a.os === os && a.cpu === cpu)!;
}

/** The command's name on every platform. */
export const COMMAND = "aws-signin";
/** SPDX identifier of the licence (LICENSE at the repository root). */
export const LICENSE_ID = "Apache-2.0";
/** One line, for package managers' lists. */
export const SUMMARY = "AWS console-credential sign-in without the AWS CLI";
/** A paragraph, for package managers' detail pages. */
export const DESCRIPTION =
  "One self-contained binary that does what aws login, aws login --remote, " +
  "aws logout and aws configure export-credentials do, byte-compatible with " +
  "the AWS CLI's ~/.aws/config and login cache, so the AWS CLI, every AWS SDK " +
  "and aws-signin share one session.";
/** The oldest glibc a `deno compile` binary runs on. */
export const MIN_GLIBC = "2.27";

/** The repository's web page. */
export function homepage(repo: string): string {
  return `https://github.com/${repo}`;
}

/** Where a release's file is downloaded from. */
export function downloadUrl(
  repo: string,
  version: string,
  file: string,
): string {
  return `https://github.com/${repo}/releases/download/v${version}/${file}`;
}

/** Whether `version` is a release version: X.Y.Z, with an optional pre-release suffix. */
export function isVersion(version: string): boolean {
  return /^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(version);
}

/** Whether `repo` looks like OWNER/NAME as GitHub spells them. */
export function isRepo(repo: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/.test(repo);
}
