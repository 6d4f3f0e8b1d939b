/**
 * `install.sh` and `install.ps1` for one release: the templates in
 * `packaging/` with the version, the repository and the five sha256 hashes
 * written in. Every placeholder must be filled, and nothing else changes.
 *
 * @example
 * ```ts
 * import { renderInstaller } from "./installers.ts";
 * renderInstaller("v='@VERSION@'", { version: "1.2.3", repo: "o/n", sums: {} });
 * ```
 * @module
 */

import { ASSETS } from "./product.ts";

/** What an installer has baked in. */
export interface InstallerInput {
  readonly version: string;
  readonly repo: string;
  /** sha256 (lowercase hex) of each asset, by asset name. */
  readonly sums: Readonly<Record<string, string>>;
}

const PLACEHOLDER = /@(VERSION|REPO|SHA256:[A-Za-z0-9_.-]+)@/g;

/** A template with `@VERSION@`, `@REPO@` and `@SHA256:<asset>@` filled in. */
export function renderInstaller(
  template: string,
  input: InstallerInput,
): string {
  for (const asset of ASSETS) {
    if (!/^[0-9a-f]{64}$/.test(input.sums[asset.name] ?? "")) {
      throw new Error(`No sha256 for ${asset.name}`);
    }
  }
  return template.replace(PLACEHOLDER, (_, key: string) => {
    if (key === "VERSION") return input.version;
    if (key === "REPO") return input.repo;
    const sum = input.sums[key.slice("SHA256:".length)];
    if (sum === undefined) throw new Error(`Unknown placeholder @${key}@`);
    return sum;
  });
}
