/**
 * `deno task package`: golden files for everything it renders from fixed
 * inputs (the text files byte for byte, every archive through SHA256SUMS),
 * the same bytes from two runs in different folders, time zones and umasks,
 * and the release check of the tag against deno.json's version.
 * `AWS_SIGNIN_UPDATE_GOLDEN=1 deno test -A tests/packaging/generator_test.ts`
 * rewrites the golden files after an intended change.
 */
import assert from "node:assert/strict";
import { runProcess } from "../../dev/process.ts";
import { ASSETS } from "../../scripts/package/product.ts";
import {
  packageRelease,
  type ReleaseInput,
} from "../../scripts/package/release.ts";
import { projectVersion, templates } from "../../scripts/package.ts";
import { ROOT } from "../helpers.ts";
import { standIn } from "./_release.ts";

const GOLDEN = `${ROOT}/tests/packaging/golden`;
const update = Deno.env.get("AWS_SIGNIN_UPDATE_GOLDEN") === "1";

/** Inputs that do not change with the rest of the project: only packaging/ and scripts/package/ do. */
async function fixedInput(): Promise<ReleaseInput> {
  return {
    version: "1.2.3",
    repo: "example-org/aws-signin",
    assets: Object.fromEntries(
      ASSETS.map((a) => [a.name, standIn(a.name, "1.2.3")]),
    ),
    completions: {
      bash: "# bash completion (fixture)\n",
      zsh: "#compdef aws-signin\n# zsh completion (fixture)\n",
      fish: "# fish completion (fixture)\n",
    },
    license: "Apache License 2.0 (fixture)\n",
    mtime: 1577836800,
    templates: await templates(),
  };
}

const TEXT = [
  "install.sh",
  "install.ps1",
  "aws-signin.rb",
  "aws-signin.json",
  "winget/example-org.aws-signin.yaml",
  "winget/example-org.aws-signin.installer.yaml",
  "winget/example-org.aws-signin.locale.en-US.yaml",
  "SHA256SUMS",
];

Deno.test("deno task package renders the golden files from fixed inputs (AWS_SIGNIN_UPDATE_GOLDEN=1 rewrites them)", async () => {
  const files = await packageRelease(await fixedInput());
  assert.deepEqual(
    [...files.keys()].filter((p) =>
      !p.includes(".") || /\.(sh|ps1|rb|json|yaml)$/.test(p)
    ).filter((p) => !p.startsWith("aws-signin-")).sort(),
    [...TEXT].sort(),
  );
  for (const path of TEXT) {
    const golden = `${GOLDEN}/${path.replace("/", "_")}`;
    const text = new TextDecoder().decode(files.get(path));
    if (update) await Deno.writeTextFile(golden, text);
    assert.equal(
      text,
      await Deno.readTextFile(golden),
      `${path} differs from ${golden} (AWS_SIGNIN_UPDATE_GOLDEN=1 to accept)`,
    );
  }
});

Deno.test("the generator's output depends on its inputs only: two runs agree, in any folder, time zone or umask", async () => {
  const a = await packageRelease(await fixedInput());
  const b = await packageRelease(await fixedInput());
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [path, data] of a) assert.deepEqual(data, b.get(path), path);

  const work = await Deno.makeTempDir({ prefix: "aws-signin-package-" });
  try {
    await Deno.mkdir(`${work}/assets`);
    for (const { name } of ASSETS) {
      await Deno.writeFile(`${work}/assets/${name}`, standIn(name, "1.2.3"));
    }
    const sums: string[] = [];
    for (
      const [dir, tz, umask] of [["one", "UTC", "022"], [
        "two",
        "Pacific/Kiritimati",
        "077",
      ]]
    ) {
      await Deno.mkdir(`${work}/${dir}`);
      const out = await runProcess("sh", [
        "-c",
        `umask ${umask} && exec "$0" "$@"`,
        Deno.execPath(),
        "task",
        "-q",
        "--config",
        `${ROOT}/deno.json`,
        "package",
        "--version",
        "1.2.3",
        "--repo",
        "example-org/aws-signin",
        "--assets",
        `${work}/assets`,
        "--out",
        `${work}/${dir}/out`,
      ], {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? "",
        TZ: tz!,
        SOURCE_DATE_EPOCH: "1700000000",
      }, { cwd: dir === "one" ? ROOT : `${work}/${dir}` });
      assert.equal(out.code, 0, out.stderr);
      sums.push(await Deno.readTextFile(`${work}/${dir}/out/SHA256SUMS`));
    }
    assert.equal(sums[0], sums[1]);
    assert.equal(sums[0]!.trimEnd().split("\n").length, 22); // 5 binaries, 2 installers, formula, Scoop, 3 winget, 6 npm, 2 .deb, 2 .rpm
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("the release stops when the tag is not v + deno.json's version, or --version disagrees with it", async () => {
  const version = await projectVersion();
  const task = (...args: string[]) =>
    runProcess(Deno.execPath(), ["task", "-q", "package", ...args], {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
    }, { cwd: ROOT });
  const ok = await task("--tag", `v${version}`);
  assert.equal(ok.code, 0, ok.stderr);
  const wrong = await task("--tag", "v9.9.9");
  assert.equal(wrong.code, 1);
  assert.equal(
    wrong.stderr,
    `package: The tag "v9.9.9" is not "v${version}" (deno.json's version): set deno.json's version to the release's and tag that commit v${version}.\n`,
  );
  const unprefixed = await task("--tag", version);
  assert.equal(unprefixed.code, 1);
  const mismatch = await task(
    "--tag",
    `v${version}`,
    "--version",
    "9.9.9",
    "--repo",
    "o/n",
    "--assets",
    ".",
    "--out",
    "x",
  );
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /--version 9\.9\.9 does not match the tag/);
  const missing = await task(
    "--version",
    version,
    "--repo",
    "o/n",
    "--assets",
    "/nonexistent",
    "--out",
    "/nonexistent/out",
  );
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /Missing \/nonexistent\/aws-signin-x86_64-linux: --assets must hold the five release binaries\./,
  );
});
