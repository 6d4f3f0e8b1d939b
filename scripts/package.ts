/**
 * `deno task package --version X.Y.Z --repo OWNER/NAME --assets DIR --out DIR [--tag vX.Y.Z]`:
 * writes every file a release attaches (install.sh, install.ps1, the
 * Homebrew formula, the Scoop and winget manifests, the npm tarballs, the
 * `.deb`s and `.rpm`s) and one `SHA256SUMS` over them, from the five
 * binaries in `--assets`. The files come from the pure functions in
 * `scripts/package/`; this file only reads the inputs and writes the
 * outputs. `--tag` (the release workflow passes the pushed tag) must be `v`
 * + deno.json's version + nothing else, or nothing is written; given alone,
 * it only checks that. Archive times come from `SOURCE_DATE_EPOCH` (the
 * workflow sets the tagged commit's time).
 *
 * @example
 * ```sh
 * deno task package --version 1.2.3 --repo owner/aws-signin --assets dist --out dist/release
 * ```
 * @module
 */

import { parseArgs } from "node:util";
import type { Context } from "../lib/cli/context.ts";
import {
  bashScript,
  completionModel,
  fishScript,
  zshScript,
} from "../lib/commands/completion.ts";
import { commandTable } from "../lib/program.ts";
import { sourceLoader } from "../main.ts";
import { pathOfUrl } from "../dev/process.ts";
import type { Completions } from "./package/deb.ts";
import { ASSETS, isRepo, isVersion } from "./package/product.ts";
import {
  packageRelease,
  type ReleaseInput,
  type Templates,
} from "./package/release.ts";

const ROOT = pathOfUrl(new URL("..", import.meta.url)).replace(/\/$/, "");

/** The completion scripts `aws-signin completion SHELL` prints for this source tree. */
export async function completions(): Promise<Completions> {
  const ctx = { commands: commandTable(sourceLoader) } as unknown as Context;
  const model = await completionModel(ctx);
  return {
    bash: bashScript(model),
    zsh: zshScript(model),
    fish: fishScript(model),
  };
}

/** The templates in `packaging/`. */
export async function templates(): Promise<Templates> {
  const read = (path: string) => Deno.readTextFile(`${ROOT}/${path}`);
  return {
    installSh: await read("packaging/install.sh"),
    installPs1: await read("packaging/install.ps1"),
    npmInstall: await read("packaging/npm/install.cjs"),
    npmLauncher: await read("packaging/npm/aws-signin.cjs"),
  };
}

/** deno.json's version. */
export async function projectVersion(): Promise<string> {
  return JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).version;
}

/** Why `tag` cannot be released from this tree (`undefined` when it can). */
export function tagProblem(
  tag: string,
  denoVersion: string,
): string | undefined {
  if (tag === `v${denoVersion}`) return undefined;
  return `The tag "${tag}" is not "v${denoVersion}" (deno.json's version): ` +
    `set deno.json's version to the release's and tag that commit v${denoVersion}.`;
}

/** Reads the five binaries and the repository's texts. */
export async function readReleaseInput(options: {
  version: string;
  repo: string;
  assets: string;
  mtime: number;
}): Promise<ReleaseInput> {
  const assets: Record<string, Uint8Array> = {};
  for (const { name } of ASSETS) {
    try {
      assets[name] = await Deno.readFile(`${options.assets}/${name}`);
    } catch {
      throw new Error(
        `Missing ${options.assets}/${name}: --assets must hold the five release binaries.`,
      );
    }
  }
  return {
    version: options.version,
    repo: options.repo,
    assets,
    completions: await completions(),
    license: await Deno.readTextFile(`${ROOT}/LICENSE`),
    mtime: options.mtime,
    templates: await templates(),
  };
}

async function main(argv: string[]): Promise<number> {
  const say = (line: string) => {
    Deno.stderr.writeSync(new TextEncoder().encode(`package: ${line}\n`));
  };
  let flags;
  try {
    flags = parseArgs({
      args: argv,
      options: {
        version: { type: "string" },
        repo: { type: "string" },
        assets: { type: "string" },
        out: { type: "string" },
        tag: { type: "string" },
      },
    }).values;
  } catch (e) {
    say(
      `${
        (e as Error).message
      }; use --version X.Y.Z --repo OWNER/NAME --assets DIR --out DIR [--tag vX.Y.Z]`,
    );
    return 2;
  }
  if (flags.tag !== undefined) {
    const problem = tagProblem(flags.tag, await projectVersion());
    if (problem) {
      say(problem);
      return 1;
    }
    if (flags.version !== undefined && `v${flags.version}` !== flags.tag) {
      say(`--version ${flags.version} does not match the tag ${flags.tag}.`);
      return 1;
    }
    if (!flags.version && !flags.repo && !flags.assets && !flags.out) {
      say(`the tag ${flags.tag} matches deno.json's version.`);
      return 0;
    }
  }
  const { version, repo, assets, out } = flags;
  if (!version || !repo || !assets || !out) {
    say(
      "use --version X.Y.Z --repo OWNER/NAME --assets DIR --out DIR [--tag vX.Y.Z]",
    );
    return 2;
  }
  if (!isVersion(version)) {
    say(`"${version}" is not a release version (X.Y.Z).`);
    return 2;
  }
  if (!isRepo(repo)) {
    say(`"${repo}" is not a GitHub repository (OWNER/NAME).`);
    return 2;
  }
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH");
  if (epoch !== undefined && !/^\d+$/.test(epoch)) {
    say(`SOURCE_DATE_EPOCH must be seconds since 1970, not "${epoch}".`);
    return 2;
  }
  // Without SOURCE_DATE_EPOCH: 2020-01-01, so that two runs still agree.
  const mtime = epoch === undefined ? 1577836800 : Number(epoch);
  let files;
  try {
    files = await packageRelease(
      await readReleaseInput({ version, repo, assets, mtime }),
    );
  } catch (e) {
    say((e as Error).message);
    return 1;
  }
  for (const [path, data] of files) {
    const file = `${out}/${path}`;
    await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(file, data);
  }
  say(`wrote ${files.size} files to ${out}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
