/**
 * packaging/container/Dockerfile, without Docker: its `bin` stage is the
 * binary alone (FROM scratch), and its runnable stage is distroless/cc as
 * the non-root user. The test lays out that image's file system (the
 * libraries the binary needs, which must all be ones distroless/cc ships,
 * its passwd, home and /tmp) and runs the program in it with `chroot` as
 * uid 65532: --version, export-credentials, and a config write under
 * /home/nonroot. The stand-in for the compiled binary is Deno (the one
 * running this test) with `deno task bundle`'s one file; with
 * AWS_SIGNIN_DIST it is the real Linux binary for this CPU.
 */
import assert from "node:assert/strict";
import { PERMISSIONS } from "../../dev/permissions.ts";
import { runProcess } from "../../dev/process.ts";
import { ROOT } from "../helpers.ts";
import { DIST, hostAsset, needs, which } from "./_release.ts";

/** What distroless/cc (Debian 12) provides: glibc's libraries, libgcc_s, libgomp, libstdc++. */
const DISTROLESS_CC = new Set([
  "ld-linux-x86-64.so.2",
  "ld-linux-aarch64.so.1",
  "libc.so.6",
  "libm.so.6",
  "libdl.so.2",
  "librt.so.1",
  "libpthread.so.0",
  "libresolv.so.2",
  "libnss_dns.so.2",
  "libnss_files.so.2",
  "libgcc_s.so.1",
  "libgomp.so.1",
  "libstdc++.so.6",
]);

interface Stage {
  from: string;
  name: string;
  lines: string[];
}

function stages(dockerfile: string): Stage[] {
  const out: Stage[] = [];
  for (const raw of dockerfile.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const from = /^FROM (\S+) AS (\S+)$/.exec(line);
    if (from) out.push({ from: from[1]!, name: from[2]!, lines: [] });
    else out.at(-1)!.lines.push(line);
  }
  return out;
}

Deno.test("the Dockerfile: a bin stage FROM scratch with only the binary, then distroless/cc as uid 65532 with the binary as entrypoint", async () => {
  const [bin, runtime, ...rest] = stages(
    await Deno.readTextFile(`${ROOT}/packaging/container/Dockerfile`),
  );
  assert.deepEqual(rest, []);
  assert.deepEqual(bin, {
    from: "scratch",
    name: "bin",
    lines: [
      "ARG TARGETOS",
      "ARG TARGETARCH",
      "COPY --chmod=0755 ${TARGETOS}/${TARGETARCH}/aws-signin /aws-signin",
    ],
  });
  assert.equal(runtime!.from, "gcr.io/distroless/cc-debian12:nonroot");
  assert.deepEqual(runtime!.lines, [
    "COPY --from=bin /aws-signin /usr/local/bin/aws-signin",
    "USER 65532:65532",
    "ENV HOME=/home/nonroot",
    "WORKDIR /home/nonroot",
    'ENTRYPOINT ["/usr/local/bin/aws-signin"]',
    'CMD ["--help"]',
  ]);
});

/** The libraries `ldd` says a binary loads (paths on this machine). */
async function libraries(binary: string): Promise<string[]> {
  const out = await runProcess(which("ldd") ?? "/usr/bin/ldd", [binary], {
    PATH: "/usr/bin:/bin",
  });
  assert.equal(out.code, 0, out.stderr);
  return [...out.stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
}

Deno.test({
  ...needs(
    "the runnable image's file system, laid out from the Dockerfile, runs aws-signin as uid 65532 under chroot",
    ["ldd"],
    { linux: true, root: true },
  ),
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "aws-signin-image-" });
    await Deno.chmod(root, 0o755); // the image's / (the non-root user walks it)
    try {
      const real = DIST !== undefined && hostAsset()?.endsWith("-linux");
      const program = real ? `${DIST}/${hostAsset()}` : Deno.execPath();
      const libs = await libraries(program);
      assert.ok(libs.length >= 3, libs.join(" "));
      const names = libs.map((l) => l.slice(l.lastIndexOf("/") + 1));
      assert.deepEqual(
        names.filter((n) => !DISTROLESS_CC.has(n)),
        [],
        "every library is one distroless/cc ships",
      );
      for (const lib of libs) {
        await Deno.mkdir(`${root}${lib.slice(0, lib.lastIndexOf("/"))}`, {
          recursive: true,
        });
        await Deno.copyFile(await Deno.realPath(lib), `${root}${lib}`);
      }
      // What distroless adds: users, a home for nonroot, /tmp, CA certificates.
      await Deno.mkdir(`${root}/etc/ssl/certs`, { recursive: true });
      await Deno.writeTextFile(
        `${root}/etc/passwd`,
        "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
      );
      await Deno.writeTextFile(
        `${root}/etc/group`,
        "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n",
      );
      await Deno.copyFile(
        "/etc/ssl/certs/ca-certificates.crt",
        `${root}/etc/ssl/certs/ca-certificates.crt`,
      ).catch(() => {});
      await Deno.mkdir(`${root}/home`);
      await Deno.mkdir(`${root}/home/nonroot`, { mode: 0o700 });
      await Deno.chown(`${root}/home/nonroot`, 65532, 65532);
      await Deno.mkdir(`${root}/tmp`);
      await Deno.chmod(`${root}/tmp`, 0o1777);
      await Deno.mkdir(`${root}/usr/local/bin`, { recursive: true });
      let command: string[];
      if (real) {
        await Deno.copyFile(program, `${root}/usr/local/bin/aws-signin`);
        await Deno.chmod(`${root}/usr/local/bin/aws-signin`, 0o755);
        command = ["/usr/local/bin/aws-signin"];
      } else {
        const bundled = await runProcess(Deno.execPath(), [
          "task",
          "-q",
          "bundle",
          "--output",
          `${root}/usr/local/lib/aws-signin.js`,
        ], {
          PATH: Deno.env.get("PATH") ?? "",
          HOME: Deno.env.get("HOME") ?? "",
        }, { cwd: ROOT, timeoutMs: 180_000 });
        assert.equal(bundled.code, 0, bundled.stderr);
        await Deno.copyFile(program, `${root}/usr/local/bin/deno`);
        await Deno.chmod(`${root}/usr/local/bin/deno`, 0o755);
        command = [
          "/usr/local/bin/deno",
          "run",
          "--quiet",
          "--no-config",
          "--no-remote",
          "--no-npm",
          ...PERMISSIONS,
          "/usr/local/lib/aws-signin.js",
        ];
      }
      const chroot = which("chroot") ?? "/usr/sbin/chroot";
      const run = (args: string[], env: Record<string, string> = {}) =>
        runProcess(chroot, [
          "--userspec=65532:65532",
          root,
          ...command,
          ...args,
        ], {
          HOME: "/home/nonroot",
          DENO_DIR: "/tmp/deno",
          NO_COLOR: "1",
          AWS_EC2_METADATA_DISABLED: "true",
          ...env,
        });
      const version = await run(["--version"]);
      assert.match(
        version.stdout,
        /^aws-signin \d+\.\d+\.\d+\n$/,
        version.stderr,
      );
      const exported = await run([
        "configure",
        "export-credentials",
        "--format",
        "env",
      ], {
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "not-a-real-secret",
      });
      assert.equal(
        exported.stdout,
        "export AWS_ACCESS_KEY_ID=AKIDEXAMPLE\nexport AWS_SECRET_ACCESS_KEY=not-a-real-secret\n",
        exported.stderr,
      );
      const set = await run(["configure", "set", "region", "eu-west-1"]);
      assert.equal(set.code, 0, set.stderr);
      const config = await Deno.stat(`${root}/home/nonroot/.aws/config`);
      assert.deepEqual([config.uid, config.mode! & 0o777], [65532, 0o600]);
      assert.equal(
        await Deno.readTextFile(`${root}/home/nonroot/.aws/config`),
        "[default]\nregion = eu-west-1\n",
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
