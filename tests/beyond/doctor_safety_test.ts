/**
 * `aws-signin doctor` against what its review found (issue 23): relative
 * `PATH` entries (a planted `./aws` must never run), fixes that must be safe
 * to paste (each command is run here through `sh -c` as printed, with paths
 * and values a shell would act on), `credential_process` lines for profile
 * names a shell would act on, Terraform's 60 s limit on a
 * `credential_process`, and an STS endpoint that expects another signing
 * region than the one the requests were signed for.
 */
import assert from "node:assert/strict";
import {
  baseEnv,
  cliCommand,
  DEMO_SESSION,
  runProcess,
  sha256HexSync,
} from "../helpers.ts";
import { pathEntries } from "../../lib/doctor/tools.ts";
import { doctor, one, script, setUp } from "./_doctor.ts";

/** Text no name or path in these tests has: where a fix's command ends and its note begins. */
const NOTE = "   (";

/** Runs the command part of a fix (before its note) with `sh -c`, as a user who pastes it. */
async function paste(
  fix: string,
  cwd: string,
  path: string,
): Promise<{ code: number; stderr: string }> {
  const command = fix.includes(NOTE) ? fix.slice(0, fix.indexOf(NOTE)) : fix;
  return await runProcess("/bin/sh", ["-c", command], { PATH: path }, {
    cwd,
    timeoutMs: 30_000,
  });
}

/** What `sh` would run if a fix were not quoted: each leaves a file named PWNED* in the working folder. */
const HOSTILE = "it's $(: >PWNED1);: >PWNED2 `: >PWNED3` x";

async function pwned(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith("PWNED")) found.push(e.name);
  }
  return found;
}

/** A fake `aws-signin` on a PATH of its own that writes its arguments, one a line, to `argv` in `dir`. */
async function recordingAwsSignin(dir: string): Promise<string> {
  const bin = `${dir}/fake-bin`;
  await Deno.mkdir(bin, { recursive: true });
  await script(
    bin,
    "aws-signin",
    `for a in "$@"; do printf '%s\\n' "$a"; done > '${dir}/argv'`,
  );
  return `${bin}:/usr/bin:/bin`;
}

Deno.test("doctor: relative PATH entries ('.', an empty one, 'bin') are skipped and reported; a planted ./aws or ./terraform never runs", async () => {
  await using s = await setUp();
  const work = `${s.home.dir}/work`; // a cloned repository, say
  await Deno.mkdir(`${work}/bin`, { recursive: true });
  const planted = `: > '${s.home.dir}/PLANTED'\necho "aws-cli/2.31.0 Python/3"`;
  await script(work, "aws", planted);
  await script(`${work}/bin`, "aws", planted);
  await script(work, "terraform", planted);
  // The real aws says which PATH it is started with.
  await script(
    s.bin,
    "aws",
    `printf '%s' "$PATH" > '${s.home.dir}/seen-path'\necho "aws-cli/2.33.1 Python/3.13.7 Linux/6.8.0"`,
  );
  const cases: [string, RegExp][] = [
    [`.:${s.bin}`, /'\.'/],
    [`:${s.bin}`, /an empty entry/],
    [`bin:${s.bin}`, /'bin'/],
    [`${s.bin}::/usr/bin`, /an empty entry/],
    [`${s.bin}:`, /an empty entry/],
  ];
  for (const [PATH, named] of cases) {
    const { checks } = await doctor(
      ["--profile", "dev", "--offline"],
      { ...s.env, PATH },
      { cwd: work },
    );
    await assert.rejects(Deno.stat(`${s.home.dir}/PLANTED`), PATH);
    const c = one(checks, "tools.path");
    assert.equal(c.level, "warning", PATH);
    assert.match(c.message, /PATH has a relative entry/, PATH);
    assert.match(c.message, named, PATH);
    assert.match(c.message, /doctor skipped it/, PATH);
    assert.match(c.message, /from whatever folder you are in/, PATH);
    assert.ok(c.fix, PATH);
    const aws = one(checks, "tools.aws-cli");
    assert.equal(aws.level, "ok", `${PATH}: ${aws.message}`);
    assert.ok(aws.message.includes(`${s.bin}/aws`), aws.message);
    assert.ok(!checks.some((x) => x.id === "tools.terraform"), PATH);
    // The aws that ran got a PATH without the relative entries (a "#!/usr/bin/env python3" looks there too).
    const seen = await Deno.readTextFile(`${s.home.dir}/seen-path`);
    assert.ok(seen.split(":").every((d) => d.startsWith("/")), seen);
  }
  // Only absolute entries: no finding.
  const { checks } = await doctor(["--profile", "dev", "--offline"], s.env, {
    cwd: work,
  });
  assert.ok(!checks.some((c) => c.id === "tools.path"));
});

Deno.test("doctor: PATH's entries split into absolute and relative ones (POSIX and Windows)", () => {
  const posix = (PATH: string | undefined) =>
    pathEntries(PATH === undefined ? {} : { PATH }, false);
  assert.deepEqual(posix(undefined), { absolute: [], relative: [] });
  // Set but empty: sh and bash look in the current folder.
  assert.deepEqual(posix(""), { absolute: [], relative: [""] });
  assert.deepEqual(posix("/bin:.:bin::~/bin:/usr/bin:"), {
    absolute: ["/bin", "/usr/bin"],
    relative: [".", "bin", "", "~/bin", ""],
  });
  assert.deepEqual(
    pathEntries(
      {
        Path:
          'C:\\Windows;.;bin;\\\\server\\share;C:tools;D:/x;"C:\\Program Files\\x";',
      },
      true,
    ),
    {
      absolute: [
        "C:\\Windows",
        "\\\\server\\share",
        "D:/x",
        "C:\\Program Files\\x",
      ],
      relative: [".", "bin", "C:tools", ""],
    },
  );
});

Deno.test("doctor: fixes with paths a shell would act on are quoted: pasted as printed, they fix those paths and run nothing else", async () => {
  await using s = await setUp();
  const dir = s.home.dir;
  const cache = `${dir}/${HOSTILE}`;
  await Deno.rename(s.home.cache, cache);
  const entry = `${cache}/${sha256HexSync(DEMO_SESSION)}.json`;
  await Deno.chmod(cache, 0o755);
  await Deno.chmod(entry, 0o644);
  const temp = `${cache}/.${
    sha256HexSync(DEMO_SESSION)
  }.json.aws-signin-0123abcd.tmp`;
  await Deno.writeTextFile(temp, "{}");
  await Deno.utime(temp, new Date(0), new Date(0));
  const link = `${cache}/planted.json`;
  await Deno.symlink(`${dir}/elsewhere`, link);
  const credentials = `${dir}/${HOSTILE} credentials`;
  await Deno.writeTextFile(credentials, "", { mode: 0o644 });
  await Deno.chmod(credentials, 0o644);
  const env = {
    ...s.env,
    AWS_LOGIN_CACHE_DIRECTORY: cache,
    AWS_SHARED_CREDENTIALS_FILE: credentials,
  };
  const { checks } = await doctor(["--profile", "dev", "--offline"], env);
  const fixes = [
    "files.login-cache",
    "files.login-cache-mode",
    "files.login-cache-temp",
    "files.login-cache-links",
    "files.credentials-mode",
  ].map((id) => {
    const c = one(checks, id);
    assert.notEqual(c.level, "ok", `${id}: ${c.message}`);
    return c.fix!.replace(/^Remove them: /, "");
  });
  for (const fix of fixes) {
    const pasted = await paste(fix, dir, "/usr/bin:/bin");
    assert.equal(pasted.code, 0, `${fix}\n${pasted.stderr}`);
  }
  assert.deepEqual(await pwned(dir), []);
  assert.equal((await Deno.stat(cache)).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(entry)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(credentials)).mode! & 0o777, 0o600);
  await assert.rejects(Deno.lstat(temp));
  await assert.rejects(Deno.lstat(link));
  const after = await doctor(["--profile", "dev", "--offline"], env);
  for (const id of ["files.login-cache", "files.credentials-mode"]) {
    assert.equal(one(after.checks, id).level, "ok", id);
  }
});

Deno.test("doctor: a region from the cache entry a shell would act on is quoted in the fix", async () => {
  await using s = await setUp();
  const region = "eu-west-1$(: >PWNED1);: >PWNED2";
  const raw = JSON.parse(await Deno.readTextFile(s.entry));
  raw.signInRegion = region;
  await Deno.writeTextFile(s.entry, JSON.stringify(raw));
  let { checks } = await doctor(["--profile", "dev", "--offline"], s.env);
  let c = one(checks, "session.region");
  assert.equal(c.level, "warning");
  const path = await recordingAwsSignin(s.home.dir);
  const pasted = await paste(c.fix!, s.home.dir, path);
  assert.equal(pasted.code, 0, `${c.fix}\n${pasted.stderr}`);
  assert.deepEqual(await pwned(s.home.dir), []);
  assert.deepEqual(
    (await Deno.readTextFile(`${s.home.dir}/argv`)).split("\n"),
    ["configure", "set", "region", region, "--profile", "dev", ""],
  );
  ({ checks } = await doctor(["--profile", "dev", "--offline"], {
    ...s.env,
    AWS_REGION: "us-east-1",
  }));
  c = one(checks, "session.region");
  assert.ok(
    c.fix!.includes(
      "export AWS_REGION='eu-west-1$(: >PWNED1);: >PWNED2' while",
    ),
    c.fix!,
  );
});

Deno.test("doctor: the credential_process profile for Terraform: pasted as printed for a dotted name; never a line for a name a shell would act on; Terraform's 60 s said", async () => {
  await using s = await setUp();
  await script(s.bin, "terraform", "exit 0");
  await script(
    s.bin,
    "aws",
    'echo "aws-cli/2.31.4 Python/3.13.7 Linux/6.8.0 exe/x86_64.ubuntu.24"',
  );
  const original = await Deno.readTextFile(s.home.config);
  await Deno.writeTextFile(
    s.home.config,
    original.replace("[profile dev]", "[profile dev.x]"),
  );
  let { checks } = await doctor(["--profile", "dev.x", "--offline"], s.env);
  let c = one(checks, "tools.terraform");
  assert.equal(c.level, "warning");
  assert.match(c.message, /stop a credential_process after 60 s/);
  assert.match(c.message, /at most 50 s/);
  assert.match(
    c.message,
    /kills aws-signin, the sign-in in the browser is lost, and the next call says a sign-in just timed out/,
  );
  const [command, then] = c.fix!.split("   then: ");
  assert.equal(
    command,
    "aws-signin configure set credential_process 'aws-signin configure export-credentials --profile dev.x --auto-login' --profile dev.x-process",
  );
  assert.equal(then, "AWS_PROFILE=dev.x-process terraform plan");
  assert.ok(one(checks, "tools.aws-cli").fix!.includes(command!));
  // Pasted as printed (aws-signin itself on PATH): Terraform is taken care of, and dev.x is untouched.
  const bin = `${s.home.dir}/real-bin`;
  await Deno.mkdir(bin);
  const { cmd, args } = cliCommand([]);
  await script(
    bin,
    "aws-signin",
    `exec ${[cmd, ...args].map((a) => `'${a}'`).join(" ")} "$@"`,
  );
  const pasted = await runProcess("/bin/sh", ["-c", command!], {
    ...baseEnv(),
    ...s.env,
    PATH: `${bin}:/usr/bin:/bin`,
  }, { timeoutMs: 60_000 });
  assert.equal(pasted.code, 0, pasted.stderr);
  const config = await Deno.readTextFile(s.home.config);
  assert.ok(
    config.endsWith(
      "\n[profile dev.x-process]\ncredential_process = aws-signin configure export-credentials --profile dev.x --auto-login\n",
    ),
    config,
  );
  assert.ok(
    config.startsWith(original.replace("[profile dev]", "[profile dev.x]")),
  );
  ({ checks } = await doctor(["--profile", "dev.x", "--offline"], s.env));
  c = one(checks, "tools.terraform");
  assert.equal(c.level, "ok");
  assert.match(c.message, /profile 'dev\.x-process' gives it/);
  assert.match(c.message, /at most 50 s/);

  // A bridge that waits longer than Terraform does: a warning, and the line without the timeout.
  await Deno.writeTextFile(
    s.home.config,
    config.replace("--auto-login\n", "--auto-login --auto-login-timeout 120\n"),
  );
  ({ checks } = await doctor(["--profile", "dev.x", "--offline"], s.env));
  c = one(checks, "tools.terraform");
  assert.equal(c.level, "warning");
  assert.match(c.message, /--auto-login-timeout 120/);
  assert.match(c.message, /60 s/);
  assert.equal(
    c.fix,
    "aws-signin configure set credential_process 'aws-signin configure export-credentials --profile dev.x --auto-login' --profile dev.x-process",
  );

  // Names a shell would act on (sh, or cmd.exe where the SDKs use it): no line, a rename.
  for (const name of ["dev&&id", "dev x", "dev%PATH%", "dev!x", "dev^x"]) {
    await Deno.writeTextFile(
      s.home.config,
      original.replace(
        "[profile dev]",
        `[profile ${name.includes(" ") ? `'${name}'` : name}]`,
      ),
    );
    ({ checks } = await doctor(["--profile", name, "--offline"], s.env));
    for (const id of ["tools.terraform", "tools.aws-cli"]) {
      c = one(checks, id);
      assert.equal(c.level, "warning", `${name} ${id}: ${c.message}`);
      assert.ok(!c.fix!.includes("credential_process ="), c.fix!);
      assert.ok(!c.fix!.includes(name), `${name}: ${c.fix}`);
      assert.ok(!c.fix!.includes("AWS_PROFILE="), c.fix!);
      assert.match(c.fix!, /[Rr]ename/);
    }
  }
  // A bridge whose line names such a profile: Terraform's shell would run more than aws-signin.
  await Deno.writeTextFile(
    s.home.config,
    original.replace("[profile dev]", "[profile dev&x]") +
      "\n[profile p]\ncredential_process = aws-signin configure export-credentials --profile dev&x --auto-login\n",
  );
  ({ checks } = await doctor(["--profile", "dev&x", "--offline"], s.env));
  c = one(checks, "tools.terraform");
  assert.equal(c.level, "warning");
  assert.match(c.message, /runs the line through a shell/);
  assert.match(c.fix!, /^Rename/);
});

Deno.test("doctor: an STS endpoint for another region than the one requests are signed for is named with the region's source, and the fix sets the region (not a login)", async () => {
  await using s = await setUp(); // the emulator's STS answers for us-east-1
  // The region from AWS_REGION.
  let { checks } = await doctor(["--profile", "dev"], {
    ...s.env,
    AWS_REGION: "eu-west-1",
  });
  let c = one(checks, "identity.caller");
  assert.equal(c.level, "error");
  assert.match(c.message, /signed for eu-west-1 \(from AWS_REGION\)/);
  assert.match(c.message, /from AWS_ENDPOINT_URL_STS/);
  assert.match(c.message, /scoped to a valid region, not 'eu-west-1'/);
  assert.match(c.fix!, /^export AWS_REGION=REGION {3}\(REGION: /);
  assert.ok(!/aws-signin login/.test(c.fix!), c.fix!);

  // The region that issued the session (the profile has none).
  await Deno.writeTextFile(
    s.home.config,
    (await Deno.readTextFile(s.home.config)).replace(
      "region = us-east-1\n",
      "",
    ),
  );
  const raw = JSON.parse(await Deno.readTextFile(s.entry));
  raw.signInRegion = "eu-west-1";
  await Deno.writeTextFile(s.entry, JSON.stringify(raw));
  ({ checks } = await doctor(["--profile", "dev"], s.env));
  c = one(checks, "identity.caller");
  assert.equal(c.level, "error");
  assert.match(
    c.message,
    /signed for eu-west-1 \(from the region that issued the session\)/,
  );
  assert.match(
    c.fix!,
    /^aws-signin configure set region REGION --profile dev {3}\(REGION: /,
  );

  // The region it expects, where the endpoint is AWS's own: named.
  const { stsRegionOf } = await import("../../lib/doctor/online.ts");
  assert.equal(
    stsRegionOf("https://sts.eu-central-1.amazonaws.com"),
    "eu-central-1",
  );
  assert.equal(
    stsRegionOf("https://sts-fips.us-east-2.amazonaws.com"),
    "us-east-2",
  );
  assert.equal(
    stsRegionOf("https://sts.cn-north-1.amazonaws.com.cn"),
    "cn-north-1",
  );
  assert.equal(stsRegionOf("https://sts.amazonaws.com"), "us-east-1");
  assert.equal(stsRegionOf("http://127.0.0.1:4566"), undefined);
});
