/**
 * The `.deb`s and `.rpm`s, read by Debian's and RPM's own tools: installed
 * into an empty root with `dpkg --root` and `rpm --root`, each holds
 * `/usr/bin/aws-signin` byte-identical to the release asset, the three
 * completions where the distribution's shells look, the licence, and the
 * release version in its metadata; the digests verify, and the `.rpm` needs
 * glibc 2.27 (so Amazon Linux 2's 2.26 refuses it).
 */
import assert from "node:assert/strict";
import { runProcess } from "../../dev/process.ts";
import { needs, release } from "./_release.ts";

const env = () => ({
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  LC_ALL: "C",
});
const sh = async (cmd: string, args: string[]) => {
  const out = await runProcess(cmd, args, env());
  assert.equal(out.code, 0, `${cmd} ${args.join(" ")}: ${out.stderr}`);
  return out.stdout;
};

for (
  const [arch, asset] of [["amd64", "aws-signin-x86_64-linux"], [
    "arm64",
    "aws-signin-aarch64-linux",
  ]] as const
) {
  Deno.test({
    ...needs(
      `the ${arch} .deb installs with dpkg into an empty root: the binary as released, completions, licence, version`,
      ["dpkg-deb", "dpkg"],
      { linux: true },
    ),
    async fn() {
      const r = await release();
      const deb = `${r.dir}/aws-signin_${r.version}_${arch}.deb`;
      const fields = await sh("dpkg-deb", [
        "--field",
        deb,
        "Package",
        "Version",
        "Architecture",
        "Depends",
      ]);
      assert.equal(
        fields,
        `Package: aws-signin\nVersion: ${r.version}\nArchitecture: ${arch}\nDepends: libc6 (>= 2.27), libgcc-s1 | libgcc1\n`,
      );
      const root = await Deno.makeTempDir({ prefix: "aws-signin-deb-" });
      try {
        await Deno.mkdir(`${root}/var/lib/dpkg/updates`, { recursive: true });
        await Deno.mkdir(`${root}/var/lib/dpkg/info`);
        await Deno.writeTextFile(`${root}/var/lib/dpkg/status`, "");
        await sh("dpkg", [
          `--root=${root}`,
          "--force-depends",
          "--force-architecture",
          "--force-not-root",
          "--install",
          deb,
        ]);
        await sh("dpkg", [`--root=${root}`, "--verify", "aws-signin"]); // md5sums match what is on disk
        assert.deepEqual(
          await Deno.readFile(`${root}/usr/bin/aws-signin`),
          r.files.get(asset),
        );
        assert.equal(
          (await Deno.stat(`${root}/usr/bin/aws-signin`)).mode! & 0o777,
          0o755,
        );
        const listed =
          (await sh("dpkg", [`--root=${root}`, "--listfiles", "aws-signin"]))
            .split("\n");
        for (
          const path of [
            "/usr/share/bash-completion/completions/aws-signin",
            "/usr/share/zsh/vendor-completions/_aws-signin",
            "/usr/share/fish/vendor_completions.d/aws-signin.fish",
            "/usr/share/doc/aws-signin/copyright",
          ]
        ) assert.ok(listed.includes(path), path);
        assert.match(
          await Deno.readTextFile(
            `${root}/usr/share/zsh/vendor-completions/_aws-signin`,
          ),
          /^#compdef aws-signin\n/,
        );
        assert.match(
          await Deno.readTextFile(
            `${root}/usr/share/bash-completion/completions/aws-signin`,
          ),
          /complete -F _aws_signin aws-signin/,
        );
        assert.match(
          await Deno.readTextFile(`${root}/usr/share/doc/aws-signin/copyright`),
          /^License: Apache-2\.0\n {20,}Apache License\n {20,}Version 2\.0, January 2004/m,
        );
        if (r.real) {
          const ran = await runProcess(`${root}/usr/bin/aws-signin`, [
            "--version",
          ], env()).catch(() => undefined);
          if (ran?.code === 0) {
            assert.equal(ran.stdout, `aws-signin ${r.version}\n`);
          }
        }
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}

for (
  const [arch, asset] of [["x86_64", "aws-signin-x86_64-linux"], [
    "aarch64",
    "aws-signin-aarch64-linux",
  ]] as const
) {
  Deno.test({
    ...needs(
      `the ${arch} .rpm: rpm queries and verifies it, installs it into an empty root, and it needs glibc 2.27`,
      ["rpm"],
      { linux: true },
    ),
    async fn() {
      const r = await release();
      const rpm = `${r.dir}/aws-signin-${r.version}-1.${arch}.rpm`;
      assert.equal(
        await sh("rpm", [
          "-qp",
          "--qf",
          "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE} %{URL}\n",
          rpm,
        ]),
        `aws-signin ${r.version} 1 ${arch} Apache-2.0 https://github.com/example-org/aws-signin\n`,
      );
      assert.match(
        await sh("rpm", ["-Kv", "--nosignature", rpm]),
        /Header SHA256 digest: OK\n[^]*Payload SHA256 digest: OK\n[^]*MD5 digest: OK/,
      );
      assert.match(
        await sh("rpm", ["-qp", "--requires", rpm]),
        /^glibc >= 2\.27$/m,
      );
      assert.equal(
        await sh("rpm", ["-qp", "--licensefiles", rpm]),
        "/usr/share/licenses/aws-signin/LICENSE\n",
      );
      assert.deepEqual((await sh("rpm", ["-qlp", rpm])).trimEnd().split("\n"), [
        "/usr/bin/aws-signin",
        "/usr/share/bash-completion/completions/aws-signin",
        "/usr/share/fish/vendor_completions.d/aws-signin.fish",
        "/usr/share/licenses/aws-signin",
        "/usr/share/licenses/aws-signin/LICENSE",
        "/usr/share/zsh/site-functions/_aws-signin",
      ]);
      const root = await Deno.makeTempDir({ prefix: "aws-signin-rpm-" });
      try {
        await sh("rpm", ["--root", root, "--initdb"]);
        // Nothing provides glibc in an empty root: that is the refusal Amazon Linux 2 (glibc 2.26) gets.
        const refused = await runProcess("rpm", [
          "--root",
          root,
          "--ignorearch",
          "-i",
          rpm,
        ], env());
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr, /glibc >= 2\.27 is needed by aws-signin/);
        await sh("rpm", [
          "--root",
          root,
          "--ignorearch",
          "--nodeps",
          "-i",
          rpm,
        ]);
        assert.equal(
          await sh("rpm", ["--root", root, "--nodeps", "-V", "aws-signin"]),
          "",
        );
        assert.deepEqual(
          await Deno.readFile(`${root}/usr/bin/aws-signin`),
          r.files.get(asset),
        );
        assert.match(
          await Deno.readTextFile(
            `${root}/usr/share/zsh/site-functions/_aws-signin`,
          ),
          /^#compdef aws-signin\n/,
        );
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}
