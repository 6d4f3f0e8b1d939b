/**
 * The generated install.sh, run for real against a local server of the
 * release's files: the right asset for each OS and CPU under dash, bash,
 * zsh's sh mode and busybox sh (and on busybox's own tools, with wget), each
 * hash tool, the install folder's defaults, the PATH line and the warning
 * about a shadowing aws-signin; and it is shellcheck clean.
 */
import assert from "node:assert/strict";
import { runProcess } from "../../dev/process.ts";
import { ASSETS } from "../../scripts/package/product.ts";
import {
  listDir,
  type Platform,
  PLATFORMS,
  sandbox,
  shell,
  SHELLS,
  type Tools,
} from "./_install_sh.ts";
import {
  hostAsset,
  needs,
  type Release,
  release,
  releaseServer,
  REPO,
} from "./_release.ts";

const HAPPY: [keyof typeof PLATFORMS, string][] = [
  ["Linux x86_64", "aws-signin-x86_64-linux"],
  ["Linux aarch64", "aws-signin-aarch64-linux"],
  ["macOS Intel", "aws-signin-x86_64-macos"],
  ["macOS Apple silicon", "aws-signin-aarch64-macos"],
  ["macOS Rosetta shell", "aws-signin-aarch64-macos"],
];

/** Installs with `shellName` on `platform` and checks the installed file is `asset`, byte for byte. */
async function installs(
  r: Release,
  shellName: string,
  platform: Platform,
  asset: string,
  tools: Tools = {},
) {
  await using box = await sandbox(tools);
  await using server = releaseServer(r);
  const result = await box.run(
    [...shell(shellName)!, `${r.dir}/install.sh`],
    { ...platform, AWS_SIGNIN_DOWNLOAD_URL: server.url },
  );
  assert.equal(result.code, 0, result.stderr);
  const installed = await Deno.readFile(`${box.installDir}/aws-signin`);
  assert.deepEqual(installed, r.files.get(asset), `${asset} was installed`);
  assert.equal(
    (await Deno.stat(`${box.installDir}/aws-signin`)).mode! & 0o777,
    0o755,
  );
  assert.deepEqual(server.seen.map((s) => s.path), [
    `/v${r.version}/SHA256SUMS`,
    `/v${r.version}/${asset}`,
  ]);
  assert.match(
    result.stderr,
    new RegExp(
      `installed aws-signin ${
        r.version.replaceAll(".", "\\.")
      } as ${box.installDir}/aws-signin`,
    ),
  );
  // Nothing else: no sudo, no gh, no ~/.aws, no staged file left behind.
  assert.deepEqual(box.calls().filter((c) => /^(sudo|gh) /.test(c)), []);
  assert.deepEqual(listDir(box.home), [".local"]);
  assert.deepEqual(listDir(box.installDir), ["aws-signin"]);
  return result;
}

for (const shellName of Object.keys(SHELLS)) {
  const tool = SHELLS[shellName]![0]!;
  for (const [platform, asset] of HAPPY) {
    const t = needs(
      `install.sh under ${shellName} on ${platform} installs ${asset}`,
      [tool],
    );
    Deno.test({
      ...t,
      async fn() {
        const r = await release();
        if (r.real && asset !== hostAsset()) return; // a real binary runs only on its own platform
        await installs(r, shellName, PLATFORMS[platform], asset);
      },
    });
  }
}

Deno.test({
  ...needs(
    "install.sh on busybox's own tools (wget, sha256sum, mktemp) installs",
    ["busybox"],
    { linux: true },
  ),
  async fn() {
    const r = await release();
    if (r.real && hostAsset() !== "aws-signin-x86_64-linux") return;
    const result = await installs(
      r,
      "busybox sh",
      PLATFORMS["Linux x86_64"],
      "aws-signin-x86_64-linux",
      {
        busybox: true,
        fetchers: ["wget"],
      },
    );
    assert.doesNotMatch(result.stderr, /curl/);
  },
});

for (const hasher of ["shasum", "openssl"] as const) {
  Deno.test({
    ...needs(
      `install.sh checks the download with ${hasher} when sha256sum is missing`,
      ["dash", hasher],
    ),
    async fn() {
      const r = await release();
      const [platform, asset] = HAPPY.find(([, a]) => a === hostAsset()) ??
        HAPPY[0]!;
      await installs(r, "dash", PLATFORMS[platform], asset, {
        hashers: [hasher],
      });
    },
  });
}

/** Runs install.sh with dash as the host's platform (or Linux x86_64 with stand-ins). */
async function runDash(
  extra: Record<string, string>,
  args: string[] = [],
) {
  const r = await release();
  const platform = HAPPY.find(([, a]) => a === hostAsset())?.[0] ??
    "Linux x86_64";
  await using box = await sandbox();
  await using server = releaseServer(r);
  const env: Record<string, string> = {
    ...PLATFORMS[platform],
    AWS_SIGNIN_DOWNLOAD_URL: server.url,
  };
  for (const [k, v] of Object.entries(extra)) {
    env[k] = v.replaceAll("$BOX", box.dir);
  }
  const result = await box.run([
    shell("dash")![0]!,
    `${r.dir}/install.sh`,
    ...args,
  ], env);
  return { result, box: box.dir, home: box.home };
}

Deno.test({
  ...needs(
    "install.sh installs into AWS_SIGNIN_INSTALL_DIR, else XDG_BIN_HOME, else ~/.local/bin",
    ["dash"],
  ),
  async fn() {
    const named = await runDash({
      AWS_SIGNIN_INSTALL_DIR: "$BOX/named",
      XDG_BIN_HOME: "$BOX/xdg",
    });
    assert.equal(named.result.code, 0, named.result.stderr);
    assert.match(named.result.stderr, /as \S+\/named\/aws-signin\n/);
    const xdg = await runDash({ XDG_BIN_HOME: "$BOX/xdg" });
    assert.equal(xdg.result.code, 0, xdg.result.stderr);
    assert.match(xdg.result.stderr, /as \S+\/xdg\/aws-signin\n/);
    const relative = await runDash({ AWS_SIGNIN_INSTALL_DIR: "bin" });
    assert.equal(relative.result.code, 1);
    assert.match(
      relative.result.stderr,
      /AWS_SIGNIN_INSTALL_DIR must be an absolute path, not "bin"\./,
    );
  },
});

Deno.test({
  ...needs(
    "install.sh prints the PATH line when the folder is not on PATH, and warns about an aws-signin that comes first",
    ["dash"],
  ),
  async fn() {
    const off = await runDash({});
    assert.equal(off.result.code, 0, off.result.stderr);
    assert.match(
      off.result.stderr,
      /\.local\/bin is not on your PATH; add this line to your shell's startup file[^\n]*\n {2}export PATH="\S+\/home\/\.local\/bin:\$PATH"\n$/,
    );
    // Another aws-signin first on PATH: the shims' folder gets one.
    const r = await release();
    const platform = HAPPY.find(([, a]) => a === hostAsset())?.[0] ??
      "Linux x86_64";
    await using box = await sandbox();
    await using server = releaseServer(r);
    await Deno.writeTextFile(`${box.bin}/aws-signin`, "#!/bin/sh\n", {
      mode: 0o755,
    });
    const shadowed = await box.run(
      [shell("dash")![0]!, `${r.dir}/install.sh`],
      {
        ...PLATFORMS[platform],
        AWS_SIGNIN_DOWNLOAD_URL: server.url,
        PATH: `${box.bin}:${box.installDir}`,
      },
    );
    assert.equal(shadowed.code, 0, shadowed.stderr);
    assert.match(
      shadowed.stderr,
      new RegExp(
        `warning: ${box.bin}/aws-signin comes first on your PATH, so "aws-signin" runs that one, not ${box.installDir}/aws-signin`,
      ),
    );
    assert.doesNotMatch(shadowed.stderr, /export PATH/);
  },
});

Deno.test({
  ...needs(
    "install.sh (as generated) is shellcheck clean as POSIX sh, with the version, repository and five hashes baked in",
    ["shellcheck"],
  ),
  async fn() {
    const r = await release();
    const result = await runProcess("shellcheck", [
      "--shell=sh",
      "--severity=style",
      `${r.dir}/install.sh`,
    ], {
      PATH: Deno.env.get("PATH") ?? "",
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const text = new TextDecoder().decode(r.files.get("install.sh"));
    assert.doesNotMatch(text, /@[A-Z0-9:_.-]+@/);
    assert.match(text, new RegExp(`^  release_version='${r.version}'$`, "m"));
    assert.match(text, new RegExp(`^  repo='${REPO}'$`, "m"));
    for (const [name, sum] of r.sums) {
      if (ASSETS.some((a) => a.name === name)) {
        assert.match(
          text,
          new RegExp(
            `^  sum_${
              name.slice(11).replace(".exe", "").replaceAll("-", "_")
            }='${sum}'$`,
            "m",
          ),
          name,
        );
      }
    }
    // One function, called on the last line.
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.at(-1), '{ aws_signin_install "$@"; }');
    assert.equal(
      lines.filter((l) => /^\S/.test(l) && !l.startsWith("#")).join("\n"),
      'aws_signin_install() {\n}\n{ aws_signin_install "$@"; }',
    );
  },
});
