/**
 * The Homebrew formula, the Scoop manifest and winget's manifests: each
 * names the release's own URLs with the hashes SHA256SUMS lists, and
 * validates against its ecosystem's schema (fixtures/schemas). The formula
 * passes `ruby -c` and is loaded, for each OS and CPU, by a stand-in for
 * Homebrew's DSL that runs its install and test blocks; winget's YAML is read
 * by Ruby's YAML parser.
 */
import assert from "node:assert/strict";
import { runProcess } from "../../dev/process.ts";
import { ROOT } from "../helpers.ts";
import { validate } from "./_schema.ts";
import { needs, release, REPO } from "./_release.ts";

const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);
const schema = async (name: string) =>
  JSON.parse(
    await Deno.readTextFile(`${ROOT}/tests/packaging/fixtures/schemas/${name}`),
  );
const url = (version: string, asset: string) =>
  `https://github.com/${REPO}/releases/download/v${version}/${asset}`;

Deno.test({
  ...needs(
    "the Homebrew formula: ruby -c, and on each OS and CPU the right url with SHA256SUMS's hash, the binary installed as is, completions, a --version test",
    ["ruby"],
  ),
  async fn() {
    const r = await release();
    const formula = `${r.dir}/aws-signin.rb`;
    const syntax = await runProcess("ruby", ["-c", formula], {
      PATH: Deno.env.get("PATH") ?? "",
    });
    assert.equal(syntax.stdout, "Syntax OK\n", syntax.stderr);
    for (
      const [os, cpu, asset] of [
        ["macos", "arm", "aws-signin-aarch64-macos"],
        ["macos", "intel", "aws-signin-x86_64-macos"],
        ["linux", "arm", "aws-signin-aarch64-linux"],
        ["linux", "intel", "aws-signin-x86_64-linux"],
      ]
    ) {
      const stage = await Deno.makeTempDir({ prefix: "aws-signin-brew-" });
      try {
        await Deno.copyFile(`${r.dir}/${asset}`, `${stage}/${asset}`); // brew stages a bare download under its own name
        const out = await runProcess("ruby", [
          `${ROOT}/tests/packaging/fixtures/homebrew_dsl.rb`,
          formula,
          os!,
          cpu!,
          stage,
        ], {
          PATH: Deno.env.get("PATH") ?? "",
        });
        assert.equal(out.code, 0, out.stderr);
        const seen = JSON.parse(out.stdout);
        assert.deepEqual([seen.urls, seen.sha256s], [[url(r.version, asset!)], [
          r.sums.get(asset!),
        ]], `${os} ${cpu}`);
        assert.equal(seen.version, r.version);
        assert.equal(seen.license, "Apache-2.0");
        assert.equal(seen.homepage, `https://github.com/${REPO}`);
        assert.ok(seen.livecheck);
        assert.deepEqual(seen.installed, {
          [asset!]: `${stage}/prefix/bin/aws-signin`,
        });
        assert.deepEqual(
          await Deno.readFile(`${stage}/prefix/bin/aws-signin`),
          r.files.get(asset!),
        );
        assert.deepEqual(seen.completions, {
          executable: `${stage}/prefix/bin/aws-signin`,
          args: ["completion"],
          shells: ["bash", "zsh", "fish"],
        });
        assert.equal(
          seen.test_command,
          `${stage}/prefix/bin/aws-signin --version`,
        );
      } finally {
        await Deno.remove(stage, { recursive: true });
      }
    }
  },
});

Deno.test("the Scoop manifest: SHA256SUMS's hash of the Windows binary, checkver and autoupdate, valid against Scoop's schema", async () => {
  const r = await release();
  const manifest = JSON.parse(text(r.files.get("aws-signin.json")));
  assert.deepEqual(validate(await schema("scoop-manifest.json"), manifest), []);
  assert.deepEqual(manifest.architecture["64bit"], {
    url: `${url(r.version, "aws-signin-x86_64-windows.exe")}#/aws-signin.exe`,
    hash: r.sums.get("aws-signin-x86_64-windows.exe"),
  });
  assert.equal(manifest.version, r.version);
  assert.equal(manifest.bin, "aws-signin.exe");
  assert.deepEqual(manifest.checkver, { github: `https://github.com/${REPO}` });
  // Scoop fills $basename with the URL's file name (before the #/ rename), $baseurl with its folder.
  const regex = new RegExp(
    manifest.autoupdate.hash.regex.replace("(?m)", "").replace(
      "$basename",
      "aws-signin-x86_64-windows\\.exe",
    ),
    "m",
  );
  assert.equal(
    regex.exec(text(r.files.get("SHA256SUMS")))?.[1],
    r.sums.get("aws-signin-x86_64-windows.exe"),
  );
  assert.equal(manifest.autoupdate.hash.url, "$baseurl/SHA256SUMS");
  assert.match(
    manifest.autoupdate.architecture["64bit"].url,
    /\/v\$version\/aws-signin-x86_64-windows\.exe#\/aws-signin\.exe$/,
  );
  // The validator is real: a wrong hash or an unknown field fails.
  const broken = {
    ...manifest,
    architecture: {
      "64bit": { url: manifest.architecture["64bit"].url, hash: "abc" },
    },
    extra: 1,
  };
  assert.equal(validate(await schema("scoop-manifest.json"), broken).length, 2);
});

Deno.test({
  ...needs(
    "winget's three manifests (portable installer): SHA256SUMS's hash, valid YAML against winget's 1.6.0 schemas",
    ["ruby"],
  ),
  async fn() {
    const r = await release();
    const id = "example-org.aws-signin";
    const yaml = async (name: string) => {
      const out = await runProcess("ruby", [
        "-ryaml",
        "-rjson",
        "-e",
        "puts JSON.generate(YAML.safe_load(STDIN.read))",
      ], {
        PATH: Deno.env.get("PATH") ?? "",
      }, { stdin: text(r.files.get(`winget/${name}`)) });
      assert.equal(out.code, 0, out.stderr);
      return JSON.parse(out.stdout);
    };
    const version = await yaml(`${id}.yaml`);
    const installer = await yaml(`${id}.installer.yaml`);
    const locale = await yaml(`${id}.locale.en-US.yaml`);
    assert.deepEqual(
      validate(await schema("winget-version-1.6.0.json"), version),
      [],
    );
    assert.deepEqual(
      validate(await schema("winget-installer-1.6.0.json"), installer),
      [],
    );
    assert.deepEqual(
      validate(await schema("winget-defaultLocale-1.6.0.json"), locale),
      [],
    );
    for (const m of [version, installer, locale]) {
      assert.deepEqual([
        m.PackageIdentifier,
        m.PackageVersion,
        m.ManifestVersion,
      ], [id, r.version, "1.6.0"]);
    }
    assert.equal(installer.InstallerType, "portable");
    assert.deepEqual(installer.Commands, ["aws-signin"]);
    assert.deepEqual(installer.Installers, [{
      Architecture: "x64",
      InstallerUrl: url(r.version, "aws-signin-x86_64-windows.exe"),
      InstallerSha256: r.sums.get("aws-signin-x86_64-windows.exe")!
        .toUpperCase(),
    }]);
    assert.equal(locale.License, "Apache-2.0");
    assert.deepEqual(
      validate(await schema("winget-installer-1.6.0.json"), {
        ...installer,
        InstallerType: "zipped",
      }).length,
      1,
    );
  },
});

Deno.test("SHA256SUMS lists every file the release attaches, by the name it is attached under, in sha256sum's format", async () => {
  const r = await release();
  const lines = text(r.files.get("SHA256SUMS")).trimEnd().split("\n");
  const listed = new Map(lines.map((l) => {
    const m = /^([0-9a-f]{64}) {2}([^/\s]+)$/.exec(l);
    assert.ok(m, l);
    return [m[2]!, m[1]!] as const;
  }));
  const attached = [...r.files.keys()].filter((p) => p !== "SHA256SUMS");
  assert.equal(listed.size, attached.length);
  for (const path of attached) {
    const name = path.slice(path.lastIndexOf("/") + 1);
    assert.equal(listed.get(name), r.sums.get(name), name);
  }
  assert.deepEqual([...listed.keys()], [...listed.keys()].sort());
});
