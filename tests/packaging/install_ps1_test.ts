/**
 * install.ps1: where PowerShell runs (the release's Windows runner), it
 * installs from a local server, refuses a tampered download and an http URL
 * to another host, replaces an installed copy and uninstalls. Everywhere
 * (this machine has no PowerShell), static checks of the same contract: the
 * version, repository and Windows hash baked in; ASCII (Windows PowerShell
 * reads a file without BOM as ANSI); one function called on the last line,
 * its braces balanced outside strings and comments; no `exit` (under
 * `irm | iex` it would close the user's shell), no elevation, no
 * Invoke-Expression; Get-FileHash SHA256, https-only URLs, gh attestation
 * verify, a temp file moved into place.
 */
import assert from "node:assert/strict";
import { runProcess } from "../../dev/process.ts";
import { release, releaseServer, REPO, which } from "./_release.ts";

/** The script with comments and string contents blanked (for counting braces and looking for commands). */
function code(script: string): string {
  let out = "";
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === "#") {
      while (i < script.length && script[i] !== "\n") i++;
    } else if (c === "'") {
      out += "''";
      i++;
      while (i < script.length) {
        if (script[i] === "'" && script[i + 1] === "'") i += 2;
        else if (script[i] === "'") break;
        else i++;
      }
      i++;
    } else if (c === '"') {
      out += '""';
      i++;
      while (i < script.length && script[i] !== '"') {
        i += script[i] === "`" ? 2 : 1;
      }
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

Deno.test("install.ps1 (static): baked-in release, ASCII, one function called on the last line, no exit/elevation/iex, checks sha256 and URLs", async () => {
  const r = await release();
  const script = new TextDecoder().decode(r.files.get("install.ps1"));
  assert.doesNotMatch(script, /@[A-Z0-9:_.-]+@/);
  assert.match(
    script,
    new RegExp(`^  \\$releaseVersion = '${r.version}'$`, "m"),
  );
  assert.match(script, new RegExp(`^  \\$repo = '${REPO}'$`, "m"));
  assert.match(
    script,
    new RegExp(
      `^  \\$baked = '${r.sums.get("aws-signin-x86_64-windows.exe")}'$`,
      "m",
    ),
  );
  assert.ok(
    [...script].every((c) => c === "\n" || (c >= " " && c <= "~")),
    "ASCII only, no tabs",
  );
  const body = code(script);
  assert.equal(
    [...body].filter((c) => c === "{").length,
    [...body].filter((c) => c === "}").length,
    "braces balance",
  );
  const lines = script.trimEnd().split("\n");
  assert.equal(lines.at(-1), "Install-AwsSignin @args");
  // Outside the function: comments, blank lines, and the call.
  const start = lines.indexOf("function Install-AwsSignin {");
  const end = lines.indexOf("}");
  assert.ok(start > 0 && end > start);
  for (const line of [...lines.slice(0, start), ...lines.slice(end + 1, -1)]) {
    assert.match(line, /^(#.*)?$/, line);
  }
  assert.doesNotMatch(body, /\bexit\b/i);
  assert.doesNotMatch(
    body,
    /Invoke-Expression|\biex\b|-Verb\s+RunAs|Start-Process|Set-ExecutionPolicy/i,
  );
  assert.match(body, /Get-FileHash -Algorithm SHA256/);
  assert.match(body, /\$uri\.Scheme -eq ''/);
  assert.match(script, /@\('127\.0\.0\.1', 'localhost', '\[::1\]'\)/);
  assert.match(body, /& gh attestation verify \$download --repo \$repo/);
  assert.match(
    body,
    /Move-Item -LiteralPath \$stage -Destination \$target -Force/,
  );
  assert.doesNotMatch(body, /\.aws/);
});

const powershell = which("pwsh") ?? which("powershell") ??
  which("powershell.exe");
Deno.test({
  name:
    `install.ps1 installs, refuses a tampered download and a plain-http host, reinstalls and uninstalls${
      powershell
        ? ""
        : " (skipped: no PowerShell here; the release's Windows runner runs it)"
    }`,
  ignore: !powershell || Deno.build.os !== "windows",
  async fn() {
    const r = await release();
    const dir = await Deno.makeTempDir({ prefix: "aws-signin-ps1-" });
    await using server = releaseServer(r);
    const run = (env: Record<string, string>, ...args: string[]) =>
      runProcess(powershell!, [
        "-NoProfile",
        "-NonInteractive",
        "-File",
        `${r.dir}/install.ps1`,
        ...args,
      ], {
        ...Object.fromEntries(Object.entries(Deno.env.toObject())),
        AWS_SIGNIN_DOWNLOAD_URL: server.url,
        AWS_SIGNIN_INSTALL_DIR: `${dir}\\bin`,
        ...env,
      });
    try {
      const ok = await run({});
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(
        await Deno.readFile(`${dir}\\bin\\aws-signin.exe`),
        r.files.get("aws-signin-x86_64-windows.exe"),
      );
      assert.match(
        ok.stderr,
        /is not on your PATH; add it for your user with:/,
      );
      const again = await run({});
      assert.equal(again.code, 0, again.stderr);
      server.set(`/v${r.version}/aws-signin-x86_64-windows.exe`, "tampered");
      const tampered = await run({ AWS_SIGNIN_INSTALL_DIR: `${dir}\\other` });
      assert.notEqual(tampered.code, 0);
      assert.match(tampered.stderr + tampered.stdout, /nothing was installed/);
      const http = await run({ AWS_SIGNIN_DOWNLOAD_URL: "http://example.com" });
      assert.notEqual(http.code, 0);
      assert.match(http.stderr + http.stdout, /must be an https:\/\/ URL/);
      const gone = await run({}, "-Uninstall");
      assert.equal(gone.code, 0, gone.stderr);
      assert.throws(() => Deno.statSync(`${dir}\\bin\\aws-signin.exe`));
    } finally {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  },
});
