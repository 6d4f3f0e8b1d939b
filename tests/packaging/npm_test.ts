/**
 * The npm tarballs, installed with the real npm from a registry on
 * 127.0.0.1 that serves only them: `npm install -g aws-signin` puts exactly
 * the platform package that matches this machine beside it, and the
 * `aws-signin` on PATH is the native binary itself (no Node starts: a `node`
 * that fails is first on PATH), so a credential_process through it costs at
 * most 1.5x the binary run directly. With --ignore-scripts the Node launcher
 * still runs the binary.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { runProcess } from "../../dev/process.ts";
import { ASSETS } from "../../scripts/package/product.ts";
import { platformPackageName } from "../../scripts/package/npm.ts";
import {
  fileServer,
  hostAsset,
  needs,
  type Release,
  release,
  which,
} from "./_release.ts";

/** A minimal npm registry: a packument per package, and the tarballs. */
function registry(r: Release) {
  const server = fileServer();
  for (const [path, data] of r.files) {
    if (!path.startsWith("npm/")) continue;
    const tgz = path.slice(4);
    const manifest = JSON.parse(new TextDecoder().decode(packageJson(data)));
    server.set(`/tarballs/${tgz}`, data);
    const packument = {
      name: manifest.name,
      "dist-tags": { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${manifest.name}@${manifest.version}`,
          dist: {
            tarball: `${server.url}/tarballs/${tgz}`,
            shasum: createHash("sha1").update(data).digest("hex"),
            integrity: `sha512-${
              createHash("sha512").update(data).digest("base64")
            }`,
          },
        },
      },
    };
    server.set(
      `/${manifest.name.replace("/", "%2f")}`,
      JSON.stringify(packument),
    );
  }
  return server;
}

/** package/package.json out of a tarball (gunzip, then walk the tar headers). */
function packageJson(tgz: Uint8Array): Uint8Array {
  const raw = new Uint8Array(gunzipSync(tgz));
  const text = (from: number, to: number) =>
    new TextDecoder().decode(raw.subarray(from, to)).replace(/\0.*$/s, "");
  for (let at = 0; at < raw.length; at += 512) {
    const name = text(at, at + 100);
    const size = parseInt(text(at + 124, at + 136), 8) || 0;
    if (name === "package/package.json") {
      return raw.subarray(at + 512, at + 512 + size);
    }
    at += Math.ceil(size / 512) * 512;
  }
  throw new Error("no package.json");
}

/** `npm install -g aws-signin` into a fresh prefix, from the local registry only. */
async function npmInstall(r: Release, url: string, extra: string[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "aws-signin-npm-" });
  await Deno.writeTextFile(`${dir}/npmrc`, "");
  await Deno.writeTextFile(`${dir}/global-npmrc`, "");
  const result = await runProcess(which("npm")!, [
    "install",
    "--global",
    "--prefix",
    `${dir}/prefix`,
    "--registry",
    `${url}/`,
    "--cache",
    `${dir}/cache`,
    "--no-audit",
    "--no-fund",
    "--no-update-notifier",
    ...extra,
    `aws-signin@${r.version}`,
  ], {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: dir,
    npm_config_userconfig: `${dir}/npmrc`,
    npm_config_globalconfig: `${dir}/global-npmrc`,
  }, { timeoutMs: 120_000 });
  return { dir, prefix: `${dir}/prefix`, result };
}

/** A folder whose `node` records that it ran and fails. */
async function failingNode(dir: string): Promise<string> {
  await Deno.mkdir(`${dir}/no-node`);
  await Deno.writeTextFile(
    `${dir}/no-node/node`,
    `#!/bin/sh\necho ran >>"${dir}/node-ran"\nexit 99\n`,
    { mode: 0o755 },
  );
  return `${dir}/no-node`;
}

async function median(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  rounds: number[],
) {
  const start = performance.now();
  const out = await runProcess(cmd, args, env);
  rounds.push(performance.now() - start);
  return out;
}

Deno.test({
  ...needs(
    "npm install -g aws-signin installs only this machine's platform package, and the command on PATH is the native binary (no Node)",
    ["npm", "node"],
  ),
  async fn() {
    const r = await release();
    const asset = ASSETS.find((a) => a.name === hostAsset())!;
    await using server = registry(r);
    const { dir, prefix, result } = await npmInstall(r, server.url);
    try {
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(
        [...Deno.readDirSync(
          `${prefix}/lib/node_modules/aws-signin/node_modules/@aws-signin`,
        )].map((e) => e.name),
        [
          platformPackageName(asset).split("/")[1],
        ],
      );
      // Only this platform's tarball was fetched (npm reads every packument, but downloads what it installs).
      const tarballs = server.seen.filter((s) =>
        s.path.startsWith("/tarballs/")
      ).map((s) => s.path).sort();
      assert.deepEqual(
        tarballs,
        [
          `/tarballs/aws-signin-${asset.npmOs}-${asset.npmCpu}-${r.version}.tgz`,
          `/tarballs/aws-signin-${r.version}.tgz`,
        ].sort(),
      );
      const bin = `${prefix}/bin/aws-signin`;
      assert.deepEqual(
        await Deno.readFile(await Deno.realPath(bin)),
        r.files.get(asset.name),
      );
      const noNode = await failingNode(dir);
      const env = { PATH: `${noNode}:/usr/bin:/bin`, HOME: dir };
      const version = await runProcess(bin, ["--version"], env);
      assert.equal(version.stdout, `aws-signin ${r.version}\n`);
      assert.equal(version.code, 0);
      // credential_process through npm's command vs the binary itself: interleaved rounds, medians.
      const direct: number[] = [], viaNpm: number[] = [];
      for (let i = 0; i < 9; i++) {
        await median(
          `${r.dir}/${asset.name}`,
          ["configure", "export-credentials"],
          env,
          direct,
        );
        const out = await median(
          bin,
          ["configure", "export-credentials"],
          env,
          viaNpm,
        );
        assert.equal(out.code, 0, out.stderr);
      }
      const mid = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
      const ratio = mid(viaNpm) / mid(direct);
      Deno.stdout.writeSync(new TextEncoder().encode(
        `credential_process: binary ${
          mid(direct).toFixed(1)
        } ms, through npm's aws-signin ${mid(viaNpm).toFixed(1)} ms (${
          ratio.toFixed(2)
        }x)\n`,
      ));
      assert.ok(ratio <= 1.5, `through npm: ${ratio.toFixed(2)}x the binary`);
      assert.throws(
        () => Deno.statSync(`${dir}/node-ran`),
        Deno.errors.NotFound,
        "node ran",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...needs(
    "npm install --ignore-scripts leaves the Node launcher, which runs the same binary",
    ["npm", "node"],
  ),
  async fn() {
    const r = await release();
    await using server = registry(r);
    const { dir, prefix, result } = await npmInstall(r, server.url, [
      "--ignore-scripts",
    ]);
    try {
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const bin = `${prefix}/bin/aws-signin`;
      assert.match(
        await Deno.readTextFile(await Deno.realPath(bin)),
        /^#!\/usr\/bin\/env node\n/,
      );
      const out = await runProcess(bin, ["--version"], {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: dir,
      });
      assert.equal(out.stdout, `aws-signin ${r.version}\n`, out.stderr);
      assert.equal(out.code, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
