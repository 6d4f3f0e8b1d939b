/**
 * What install.sh refuses, and what it must get right around the install:
 * musl, old glibc and Windows shells (each naming the channel to use
 * instead), a tampered asset, a missing or decoy SHA256SUMS line, no hash
 * tool, an unwritable folder, an http URL to another host (each before or
 * without installing anything), a pinned version, reinstalling over a
 * running binary, --uninstall, attestation that fails closed, and a
 * download cut short at any byte.
 */
import assert from "node:assert/strict";
import {
  listDir,
  PLATFORMS,
  type Sandbox,
  sandbox,
  shell,
  type Tools,
} from "./_install_sh.ts";
import {
  fileServer,
  hostAsset,
  needs,
  type Release,
  release,
  releaseServer,
  REPO,
} from "./_release.ts";

const HOST_PLATFORM = {
  "aws-signin-x86_64-linux": PLATFORMS["Linux x86_64"],
  "aws-signin-aarch64-linux": PLATFORMS["Linux aarch64"],
  "aws-signin-x86_64-macos": PLATFORMS["macOS Intel"],
  "aws-signin-aarch64-macos": PLATFORMS["macOS Apple silicon"],
}[hostAsset() ?? ""] ?? PLATFORMS["Linux x86_64"];
const ASSET = hostAsset()?.endsWith(".exe") === false
  ? hostAsset()!
  : "aws-signin-x86_64-linux";

/** Runs the release's install.sh with dash in a fresh sandbox against `files` (default: the release). */
async function run(
  r: Release,
  options: {
    env?: Record<string, string>;
    args?: string[];
    tools?: Tools;
    serve?: (server: ReturnType<typeof fileServer>) => void;
    before?: (box: Sandbox) => Promise<void>;
  } = {},
) {
  await using box = await sandbox(options.tools);
  await using server = releaseServer(r);
  options.serve?.(server);
  await options.before?.(box);
  const result = await box.run(
    [shell("dash")![0]!, `${r.dir}/install.sh`, ...(options.args ?? [])],
    { ...HOST_PLATFORM, AWS_SIGNIN_DOWNLOAD_URL: server.url, ...options.env },
  );
  return {
    ...result,
    requests: server.seen.map((s) => s.path),
    calls: box.calls(),
    installed: listDir(box.installDir),
    home: listDir(box.home),
  };
}

const DASH = ["dash"];

for (
  const [platform, message] of [
    [
      "Alpine (musl)",
      /needs glibc 2\.27 or newer, and this system uses musl libc \(Alpine\?\): use a glibc-based system or image \(Debian, Ubuntu, Fedora, Amazon Linux 2023\), or the container image/,
    ],
    [
      "Amazon Linux 2 (glibc 2.26)",
      /needs glibc 2\.27 or newer, and this system has glibc 2\.26 \(Amazon Linux 2 has 2\.26\): use a glibc-based system or image \(Debian, Ubuntu, Fedora, Amazon Linux 2023\)/,
    ],
    [
      "Git Bash on Windows",
      /this is a Windows shell \(MINGW64_NT-10\.0-20348\): install from PowerShell instead with: irm https:\/\/github\.com\/example-org\/aws-signin\/releases\/latest\/download\/install\.ps1 \| iex \(or winget, or scoop/,
    ],
  ] as const
) {
  Deno.test({
    ...needs(
      `install.sh refuses ${platform} before downloading anything, naming what to use instead`,
      DASH,
    ),
    async fn() {
      const result = await run(await release(), { env: PLATFORMS[platform] });
      assert.equal(result.code, 1);
      assert.match(result.stderr, message);
      assert.deepEqual([result.requests, result.installed], [[], []]);
    },
  });
}

Deno.test({
  ...needs(
    "install.sh reads glibc's version from ldd --version when getconf cannot tell",
    DASH,
  ),
  async fn() {
    const { FAKE_GETCONF: _, ...al2 } =
      PLATFORMS["Amazon Linux 2 (glibc 2.26)"];
    const result = await run(await release(), {
      env: { ...al2, FAKE_GETCONF: "" },
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /this system has glibc 2\.26 \(Amazon Linux 2/);
  },
});

Deno.test({
  ...needs(
    "install.sh installs nothing when the asset does not match SHA256SUMS",
    DASH,
  ),
  async fn() {
    const r = await release();
    const tampered = new Uint8Array([...r.files.get(ASSET)!, 10]);
    const result = await run(r, {
      serve: (s) => s.set(`/v${r.version}/${ASSET}`, tampered),
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `the sha256 of ${ASSET} is [0-9a-f]{64}, not ${
          r.sums.get(ASSET)
        } as SHA256SUMS says; nothing was installed\\.`,
      ),
    );
    assert.deepEqual(result.installed, []);
  },
});

Deno.test({
  ...needs(
    "install.sh installs nothing without SHA256SUMS's line of exactly that name, or when it disagrees with the baked-in hash",
    DASH,
  ),
  async fn() {
    const r = await release();
    const sum = r.sums.get(ASSET)!;
    const decoys = [
      "", // no line at all
      `${sum}  ${ASSET}.sig\n${sum}  ./${ASSET}\n${sum}  x${ASSET}\n${sum} ${ASSET} extra\n`,
      `${sum.toUpperCase()}  ${ASSET}\n${sum.slice(1)}  ${ASSET}\n`,
    ];
    for (const sums of decoys) {
      const result = await run(r, {
        serve: (s) => s.set(`/v${r.version}/SHA256SUMS`, sums),
      });
      assert.equal(result.code, 1, sums);
      assert.match(
        result.stderr,
        new RegExp(
          `SHA256SUMS has no line for ${ASSET}; nothing was installed\\.`,
        ),
      );
      assert.deepEqual(result.requests, [`/v${r.version}/SHA256SUMS`]);
      assert.deepEqual(result.installed, []);
    }
    // A SHA256SUMS (and asset) swapped together still disagree with the hash the script was released with.
    const other = new TextEncoder().encode("#!/bin/sh\necho evil\n");
    const { digestHex } = await import("../../scripts/package/archive.ts");
    const swapped = await run(r, {
      serve: (s) => {
        s.set(
          `/v${r.version}/SHA256SUMS`,
          `${digestHex("sha256", other)}  ${ASSET}\n`,
        );
        s.set(`/v${r.version}/${ASSET}`, other);
      },
    });
    assert.equal(swapped.code, 1);
    assert.match(
      swapped.stderr,
      new RegExp(
        `but this script was released with ${sum}; nothing was installed\\.`,
      ),
    );
    assert.deepEqual(swapped.installed, []);
  },
});

Deno.test({
  ...needs(
    "install.sh fails before any request when no sha256 tool exists",
    DASH,
  ),
  async fn() {
    const result = await run(await release(), { tools: { hashers: [] } });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /cannot check the download: none of sha256sum, shasum or openssl is installed; install one/,
    );
    assert.deepEqual([result.requests, result.installed], [[], []]);
  },
});

Deno.test({
  ...needs(
    "install.sh refuses an http URL to another host (or one with user info) before any request",
    DASH,
  ),
  async fn() {
    for (
      const url of [
        "http://example.com",
        "http://127.0.0.1.example.com",
        "http://127.0.0.1:80@example.com",
        "ftp://127.0.0.1",
        "http://localhost.example",
      ]
    ) {
      const result = await run(await release(), {
        env: { AWS_SIGNIN_DOWNLOAD_URL: url },
      });
      assert.equal(result.code, 1, url);
      assert.match(result.stderr, /AWS_SIGNIN_DOWNLOAD_URL/);
      assert.deepEqual(
        result.calls.filter((c) => /^(curl|wget) /.test(c)),
        [],
        url,
      );
      assert.deepEqual(result.installed, []);
    }
  },
});

Deno.test({
  ...needs(
    "install.sh refuses an unwritable folder before downloading, naming AWS_SIGNIN_INSTALL_DIR, and never calls sudo",
    ["dash", ...(Deno.uid() === 0 ? ["setpriv"] : [])],
  ),
  async fn() {
    const r = await release();
    await using box = await sandbox();
    await using server = releaseServer(r);
    const locked = `${box.dir}/locked`;
    await Deno.mkdir(locked, { mode: 0o555 });
    await Deno.chmod(locked, 0o555);
    await Deno.chmod(`${box.dir}/tmp`, 0o777);
    await Deno.chmod(`${box.dir}/calls.log`, 0o666);
    // root writes anywhere: run as nobody, with the script on stdin.
    const asNobody = Deno.uid() === 0
      ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
      : [];
    const command = [...asNobody, shell("dash")![0]!, "-s"];
    const script = new TextDecoder().decode(r.files.get("install.sh"));
    for (const dir of [locked, `${locked}/sub`]) {
      const result = await box.run(command, {
        ...HOST_PLATFORM,
        AWS_SIGNIN_DOWNLOAD_URL: server.url,
        AWS_SIGNIN_INSTALL_DIR: dir,
        PATH: `${box.bin}:/usr/bin:/bin`,
      }, { stdin: script });
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `cannot (write to|create) ${dir}: set AWS_SIGNIN_INSTALL_DIR to a folder you can write to \\(this script never uses sudo\\)\\.`,
        ),
      );
    }
    assert.deepEqual(server.seen, []);
    assert.deepEqual(box.calls().filter((c) => c.startsWith("sudo")), []);
  },
});

Deno.test({
  ...needs(
    "install.sh --version (or AWS_SIGNIN_VERSION) installs another release, checked against that release's SHA256SUMS",
    DASH,
  ),
  async fn() {
    const r = await release();
    const old = await release("0.0.9");
    for (
      const how of [{ args: ["--version", "v0.0.9"] }, {
        env: { AWS_SIGNIN_VERSION: "0.0.9" },
      }]
    ) {
      await using box = await sandbox();
      await using server = releaseServer(r, old);
      const result = await box.run([
        shell("dash")![0]!,
        `${r.dir}/install.sh`,
        ...(how.args ?? []),
      ], {
        ...HOST_PLATFORM,
        AWS_SIGNIN_DOWNLOAD_URL: server.url,
        ...how.env,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(
        await Deno.readFile(`${box.installDir}/aws-signin`),
        old.files.get(ASSET),
      );
      assert.deepEqual(server.seen.map((s) => s.path), [
        "/v0.0.9/SHA256SUMS",
        `/v0.0.9/${ASSET}`,
      ]);
    }
    // A release that is not there, and a binary whose --version is not the one asked for.
    const missing = await run(r, { args: ["--version", "0.0.8"] });
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /could not download http:\/\/127\.0\.0\.1:\d+\/v0\.0\.8\/SHA256SUMS: is v0\.0\.8 a release of example-org\/aws-signin\? Nothing was installed\./,
    );
    const liar = await run(old, {
      args: ["--version", "0.0.7"],
      serve: (s) => {
        for (const [path, data] of (old.files)) {
          s.set(`/v0.0.7/${path.slice(path.lastIndexOf("/") + 1)}`, data);
        }
      },
    });
    assert.equal(liar.code, 1);
    assert.match(
      liar.stderr,
      /printed "aws-signin 0\.0\.9" for --version, not aws-signin 0\.0\.7; nothing was installed\./,
    );
    assert.deepEqual(liar.installed, []);
    const bad = await run(r, { args: ["--version", "1.2;rm"] });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /"1\.2;rm" is not a release version/);
  },
});

Deno.test({
  ...needs(
    "install.sh replaces a running aws-signin (a temp file renamed over it), and --uninstall removes it and nothing else",
    DASH,
  ),
  async fn() {
    const r = await release();
    await using box = await sandbox();
    await using server = releaseServer(r);
    await Deno.mkdir(box.installDir, { recursive: true });
    await Deno.mkdir(`${box.home}/.aws`);
    await Deno.writeTextFile(
      `${box.home}/.aws/config`,
      "[default]\nregion = eu-west-1\n",
    );
    const target = `${box.installDir}/aws-signin`;
    // A real executable, running from the path the install replaces.
    await Deno.copyFile(
      Deno.build.os === "darwin"
        ? "/bin/sleep"
        : (await Deno.realPath("/bin/sleep")),
      target,
    );
    await Deno.chmod(target, 0o755);
    const running = new Deno.Command(target, {
      args: ["30"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      if (Deno.build.os === "linux") {
        assert.throws(
          () => Deno.openSync(target, { write: true }),
          /busy/i,
          "writing over a running binary fails: it must be renamed",
        );
      }
      const env = { ...HOST_PLATFORM, AWS_SIGNIN_DOWNLOAD_URL: server.url };
      const install = await box.run(
        [shell("dash")![0]!, `${r.dir}/install.sh`],
        env,
      );
      assert.equal(install.code, 0, install.stderr);
      assert.deepEqual(await Deno.readFile(target), r.files.get(ASSET));
      const raced = await Promise.race([
        running.status.then(() => "exited"),
        new Promise((ok) => setTimeout(() => ok("running"), 50)),
      ]);
      assert.equal(raced, "running");
      const uninstall = await box.run([
        shell("dash")![0]!,
        `${r.dir}/install.sh`,
        "--uninstall",
      ], env);
      assert.equal(uninstall.code, 0, uninstall.stderr);
      assert.match(
        uninstall.stderr,
        new RegExp(
          `removed ${target}\\. Your ~/\\.aws files and sessions are left as they are\\.`,
        ),
      );
      assert.deepEqual(listDir(box.installDir), []);
      const again = await box.run([
        shell("dash")![0]!,
        `${r.dir}/install.sh`,
        "--uninstall",
      ], env);
      assert.equal(again.code, 0);
      assert.match(again.stderr, /nothing to remove: \S+ does not exist/);
      assert.equal(
        await Deno.readTextFile(`${box.home}/.aws/config`),
        "[default]\nregion = eu-west-1\n",
      );
      assert.deepEqual(listDir(`${box.home}/.aws`), ["config"]);
    } finally {
      running.kill("SIGKILL");
      await running.status;
    }
  },
});

Deno.test({
  ...needs(
    "AWS_SIGNIN_REQUIRE_ATTESTATION=1 runs gh attestation verify on the download and fails closed",
    DASH,
  ),
  async fn() {
    const r = await release();
    const env = { AWS_SIGNIN_REQUIRE_ATTESTATION: "1" };
    const ok = await run(r, { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(
      ok.calls.filter((c) => c.startsWith("gh ")).map((c) =>
        c.replace(/\S+\/(aws-signin-\S+)/, "TMP/$1")
      ),
      [
        `gh attestation verify TMP/${ASSET} --repo ${REPO}`,
      ],
    );
    const refused = await run(r, { env: { ...env, FAKE_GH_CODE: "1" } });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /gh attestation verify found no valid attestation from example-org\/aws-signin for \S+ \(is gh signed in\? gh auth login\); nothing was installed\./,
    );
    assert.deepEqual(refused.installed, []);
    const noGh = await run(r, { env, tools: { noGh: true } });
    assert.equal(noGh.code, 1);
    assert.match(
      noGh.stderr,
      /AWS_SIGNIN_REQUIRE_ATTESTATION=1 needs the GitHub CLI \(gh\)/,
    );
    assert.deepEqual([noGh.requests, noGh.installed], [[], []]);
  },
});

for (const shellName of ["dash", "bash"]) {
  Deno.test({
    ...needs(
      `install.sh cut short at any byte and piped to ${shellName} runs nothing`,
      [shellName],
    ),
    async fn() {
      const r = await release();
      const script = r.files.get("install.sh")!;
      const lastLine = script.lastIndexOf(10, script.length - 2) + 1;
      const cuts = new Set<number>();
      for (let at = 0; at < lastLine; at += 233) cuts.add(at);
      for (let at = lastLine - 3; at < script.length - 2; at++) cuts.add(at);
      await using box = await sandbox();
      await using server = releaseServer(r);
      for (const cut of cuts) {
        await box.run([shell(shellName)![0]!, "-s"], {
          ...HOST_PLATFORM,
          AWS_SIGNIN_DOWNLOAD_URL: server.url,
        }, {
          stdin: new TextDecoder().decode(script.subarray(0, cut)),
        });
        assert.deepEqual(
          box.calls(),
          [],
          `cut at byte ${cut} of ${script.length} ran something`,
        );
      }
      assert.deepEqual([server.seen, listDir(box.home)], [[], []]);
      // The whole script, the same way, does install.
      const whole = await box.run([shell(shellName)![0]!, "-s"], {
        ...HOST_PLATFORM,
        AWS_SIGNIN_DOWNLOAD_URL: server.url,
      }, {
        stdin: new TextDecoder().decode(script),
      });
      assert.equal(whole.code, 0, whole.stderr);
    },
  });
}
