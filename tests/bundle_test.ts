/**
 * Self-contained: `deno task bundle` writes one JavaScript file; copied alone
 * into an empty folder and run with an empty DENO_DIR, no config, no remote
 * or npm modules and a proxy that goes nowhere, it still does the whole job:
 * the hot path (export-credentials) and the rest of the program, which it
 * holds as text (login, the emulator, --query through the bundled jmespath).
 */
import assert from "node:assert/strict";
import {
  baseEnv,
  codeFromConfirmationPage,
  PERMISSIONS,
  ROOT,
  runProcess,
} from "./helpers.ts";

Deno.test("the one-file bundle runs from an empty folder with an empty DENO_DIR and no network", async () => {
  const work = await Deno.makeTempDir({ prefix: "aws-signin-bundle-" });
  try {
    // deno bundle itself may fetch esbuild from npm on a fresh machine: give it this process's TLS/proxy settings.
    const bundled = await runProcess(
      Deno.execPath(),
      ["task", "-q", "bundle", "--output", `${work}/build/aws-signin.js`],
      { ...baseEnv(), HOME: Deno.env.get("HOME") ?? "" },
      { cwd: ROOT, timeoutMs: 180_000 },
    );
    assert.equal(bundled.code, 0, bundled.stderr);
    const dir = `${work}/empty`;
    await Deno.mkdir(`${dir}/home`, { recursive: true });
    await Deno.copyFile(`${work}/build/aws-signin.js`, `${dir}/aws-signin.js`);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "aws-signin.js",
      "home",
    ]);
    const env: Record<string, string> = {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: `${dir}/home`,
      DENO_DIR: `${work}/empty-deno-dir`,
      HTTPS_PROXY: "http://127.0.0.1:9", // nothing listens there: any download would fail
      NO_PROXY: "127.0.0.1",
      NO_COLOR: "1",
    };
    const deno = [
      Deno.execPath(),
      "run",
      "--quiet",
      "--no-config",
      "--no-remote",
      "--no-npm",
      ...PERMISSIONS,
      "aws-signin.js",
    ];
    const cli = (
      args: string[],
      extra: Record<string, string> = {},
      stdin?: string,
    ) =>
      runProcess(deno[0]!, [...deno.slice(1), ...args], { ...env, ...extra }, {
        cwd: dir,
        ...(stdin ? { stdin } : {}),
      });

    const version = await cli(["--version"]);
    assert.match(version.stdout, /^aws-signin \d+\.\d+\.\d+\n$/);
    assert.equal(version.code, 0, version.stderr);
    const help = await cli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /configure export-credentials/);

    // The emulator from the bundle, then a --remote login and export-credentials against it.
    const emulator = new Deno.Command(deno[0]!, {
      args: [...deno.slice(1), "emulator", "--auto-approve"],
      env,
      clearEnv: true,
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      stdin: "null",
    }).spawn();
    const reader = emulator.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    try {
      const url = ((await reader.read()).value ?? "").trim();
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const loginEnv = {
        AWS_ENDPOINT_URL_SIGNIN: url,
        AWS_REGION: "us-east-1",
      };
      // Play the other device first: the URL is only known once login prints it, so drive it in two steps.
      const login = new Deno.Command(deno[0]!, {
        args: [...deno.slice(1), "login", "--remote"],
        env: { ...env, ...loginEnv },
        clearEnv: true,
        cwd: dir,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const out = login.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let printed = "";
      while (!printed.includes("browser: ")) {
        printed += (await out.read()).value ?? "";
      }
      const authorize = /http:\S+authorize\S+/.exec(printed)![0];
      const code = await codeFromConfirmationPage(authorize);
      const writer = login.stdin.getWriter();
      await writer.write(new TextEncoder().encode(`${code}\n`));
      await writer.close();
      for (;;) {
        const { value, done } = await out.read();
        if (done) break;
        printed += value;
      }
      const status = await login.status;
      const loginErr = await new Response(login.stderr).text();
      assert.equal(status.code, 0, loginErr);
      assert.match(
        printed,
        /Updated profile default to use arn:aws:iam::111122223333:user\/demo credentials\./,
      );

      const exported = await cli(["configure", "export-credentials"], loginEnv);
      assert.equal(exported.code, 0, exported.stderr);
      assert.match(JSON.parse(exported.stdout).AccessKeyId, /^ASIA/);

      const account = await cli(
        [
          "sts",
          "get-caller-identity",
          "--query",
          "Account",
          "--output",
          "text",
        ],
        { ...loginEnv, AWS_ENDPOINT_URL_STS: url },
      );
      assert.equal(account.code, 0, account.stderr);
      assert.equal(account.stdout, "111122223333\n");
    } finally {
      emulator.kill("SIGTERM");
      await emulator.status;
      await reader.cancel();
      await emulator.stderr.cancel();
    }
    // Nothing was downloaded: the empty DENO_DIR holds no modules.
    const cached = [...walk(`${work}/empty-deno-dir`)].filter((p) =>
      /\/(remote|npm|deps)\//.test(p)
    );
    assert.deepEqual(cached, []);
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
});

function* walk(dir: string): Generator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yield* walk(p);
    else yield p;
  }
}

Deno.test("the require shim is removed when unused, even if a nested declaration reuses its minified name; a real use fails the build", async () => {
  const { withoutRequireShim } = await import("../scripts/build.ts");
  const shim =
    'import{createRequire as __deno_internal_createRequire}from"node:module";var _r=__deno_internal_createRequire(import.meta.url);';
  const minified =
    `${shim}(()=>{function _r(e){return e}console.log(_r(1))})();`;
  const unused =
    'import { createRequire as __deno_internal_createRequire } from "node:module";\nvar __require = __deno_internal_createRequire(import.meta.url);\n(() => { function html(e) { return e; } })();';
  assert.equal(
    await withoutRequireShim(minified, () => Promise.resolve(unused)),
    "(()=>{function _r(e){return e}console.log(_r(1))})();",
  );
  const used = `${unused}\nvar j = __require("jmespath");`;
  await assert.rejects(
    withoutRequireShim(minified, () => Promise.resolve(used)),
    /calls require\(\)/,
  );
  // No other name in the minified text: the unminified bundle is not even built.
  assert.equal(
    await withoutRequireShim(`${shim}console.log(1);`, () => {
      throw new Error("not needed");
    }),
    "console.log(1);",
  );
});

Deno.test("the bundle is the hot path and the rest of the program compressed, under 250 KB in all", async () => {
  const { bundleProgram } = await import("../scripts/build.ts");
  const text = await bundleProgram();
  const rest = /\nfunction awsSigninProgram\(\)\{\/\*([\s\S]*)\*\/\}\n$/.exec(
    text,
  );
  assert.ok(rest, "the program rides in a comment at the end");
  // Base64 in short lines: Deno reads, copies and hashes every byte of the file on every run.
  assert.match(rest[1]!, /^[A-Za-z0-9+/=\n]+$/);
  assert.ok(
    text.length < 250_000,
    `${Math.round(text.length / 1024)} KB`,
  );
});
