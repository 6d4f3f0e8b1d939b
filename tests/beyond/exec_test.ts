/**
 * `aws-signin exec`: the child's environment (exactly the documented
 * variables, no AWS_PROFILE), its exit code and signals, `--server`, nesting,
 * and commands that cannot run.
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import {
  baseEnv,
  cliCommand,
  hasScript,
  listDir,
  mapLimit,
  readOrNull,
  runCliProcess,
  runProcess,
  tempHome,
} from "../helpers.ts";
import { commandLine, needs } from "../_platform.ts";
import { signalExitCode } from "../../lib/util/signals.ts";
import {
  ADMIN,
  calls,
  MFA_SERIAL,
  roleEmulator,
  roleHome,
  SECURE,
} from "../roles/_setup.ts";

/** The AWS_* variables a child saw, from `env` output. */
function awsVars(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (line.startsWith("AWS_") && eq > 0) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

Deno.test("the child sees exactly the documented variables, and not AWS_PROFILE or stale keys", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(
    server,
    `[profile admin]\nrole_arn = ${ADMIN}\nsource_profile = dev\n`,
  );
  for (const profile of ["dev", "admin"]) {
    const result = await runCliProcess(["exec", "--", "env"], {
      ...home.env,
      AWS_PROFILE: profile,
      AWS_DEFAULT_PROFILE: "other",
      AWS_ACCESS_KEY_ID: "AKIASTALE",
      AWS_SECRET_ACCESS_KEY: "stale",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:1/",
    });
    assert.equal(result.code, 0, result.stderr);
    const exported = JSON.parse(
      (await runCliProcess(
        ["configure", "export-credentials", "--profile", profile],
        home.env,
      )).stdout,
    );
    const region = profile === "admin" ? undefined : "us-east-1";
    assert.deepEqual(awsVars(result.stdout), {
      AWS_ACCESS_KEY_ID: exported.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: exported.SecretAccessKey,
      AWS_SESSION_TOKEN: exported.SessionToken,
      AWS_CREDENTIAL_EXPIRATION: exported.Expiration,
      ...(region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {}),
      AWS_SIGNIN_PROFILE: profile,
      // What the test itself set, passed through unchanged:
      AWS_CONFIG_FILE: home.config,
      AWS_SHARED_CREDENTIALS_FILE: home.credentials,
      AWS_LOGIN_CACHE_DIRECTORY: home.cache,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      AWS_ENDPOINT_URL_STS: server.url,
    }, profile);
  }
});

Deno.test("the region: --region, then the environment, then the profile, then where the session was issued", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  // The setup wrote region = us-east-1 into [profile dev]; without it the session's region is used.
  await Deno.writeTextFile(
    home.config,
    (await Deno.readTextFile(home.config)).replace("region = us-east-1\n", ""),
  );
  const region = async (args: string[], env: Record<string, string> = {}) =>
    awsVars(
      (await runCliProcess(["exec", "--profile", "dev", ...args, "--", "env"], {
        ...home.env,
        ...env,
      })).stdout,
    ).AWS_REGION;
  assert.equal(await region([]), "us-east-1", "the session's (signInRegion)");
  assert.equal(
    await region([], { AWS_DEFAULT_REGION: "ca-central-1" }),
    "ca-central-1",
  );
  assert.equal(
    await region(["--region", "sa-east-1"], { AWS_REGION: "ap-south-1" }),
    "sa-east-1",
  );
});

Deno.test("exit codes and signals are the command's", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const code = await runCliProcess(
    ["exec", "--profile", "dev", "sh", "-c", "exit 7"],
    home.env,
  );
  assert.equal(code.code, 7);
  const killed = await runCliProcess(
    ["exec", "--profile", "dev", "--", "sh", "-c", "kill -TERM $$"],
    home.env,
  );
  assert.equal(killed.code, 143, "128 + SIGTERM");
  for (const [signal, exit] of [["SIGTERM", 42], ["SIGINT", 43]] as const) {
    const proc = spawnCli([
      "exec",
      "--profile",
      "dev",
      "--",
      "sh",
      "-c",
      `trap 'exit ${exit}' ${
        signal.slice(3)
      }; echo ready; while :; do sleep 0.1; done`,
    ], home.env);
    await proc.waitForStdout(/ready/);
    proc.kill(signal);
    const result = await proc.finish(10_000);
    assert.equal(
      result.code,
      exit,
      `${signal} reached the command: ${result.stderr}`,
    );
  }
  // stdin is the command's too.
  const echo = await runCliProcess(
    ["exec", "--profile", "dev", "--", "cat"],
    home.env,
    { stdin: "through\n" },
  );
  assert.equal(echo.stdout, "through\n");
});

Deno.test("--server gives the child a working full URI, gone when the child exits", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const urlFile = `${home.dir}/url.txt`;
  const script =
    `const r = await fetch(Deno.env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"), { headers: { authorization: ` +
    `Deno.env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN") } }); ` +
    `Deno.writeTextFileSync(${
      JSON.stringify(urlFile)
    }, Deno.env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")); ` +
    `console.log(r.status, (await r.json()).AccessKeyId, Deno.env.get("AWS_ACCESS_KEY_ID") ?? "no-keys");`;
  const result = await runCliProcess(
    [
      "exec",
      "--profile",
      "dev",
      "--server",
      "--",
      Deno.execPath(),
      "eval",
      script,
    ],
    home.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^200 ASIA[A-Z2-7]{16} no-keys\n$/);
  const url = await readOrNull(urlFile);
  assert.match(url!, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  await assert.rejects(fetch(url!), "the server is gone");
  assert.deepEqual(calls(server), []);
});

Deno.test("exec does not nest, and a command that cannot run is 127 or 126 with a message", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const nested = await runCliProcess(
    ["exec", "--profile", "dev", "--", "true"],
    { ...home.env, AWS_SIGNIN_PROFILE: "dev" },
  );
  assert.equal(nested.code, 253);
  assert.match(
    nested.stderr,
    /Already inside "aws-signin exec" for profile 'dev'/,
  );
  const missing = await runCliProcess(
    ["exec", "--profile", "dev", "--", "no-such-command-here"],
    home.env,
  );
  assert.deepEqual(missing, {
    code: 127,
    stdout: "",
    stderr:
      'aws-signin: [ERROR]: Cannot run "no-such-command-here": command not found.\n',
  });
  await Deno.writeTextFile(`${home.dir}/not-executable`, "#!/bin/sh\n");
  const denied = await runCliProcess(
    ["exec", "--profile", "dev", "--", `${home.dir}/not-executable`],
    home.env,
  );
  assert.equal(denied.code, 126);
  assert.match(
    denied.stderr,
    /^aws-signin: \[ERROR\]: Cannot run ".*not-executable": /,
  );
});

Deno.test("exec needs a command", async () => {
  await using home = await tempHome();
  const result = await runCliProcess(["exec", "--profile", "dev"], home.env);
  assert.equal(result.code, 252);
  assert.match(
    result.stderr,
    /"aws-signin exec" needs COMMAND \[ARG\.\.\.\]\./,
  );
});

Deno.test({
  name:
    "on a terminal, exec asks for the MFA code of the role's first credentials, as sts does (also with --server)",
  ignore: Deno.build.os !== "linux" || !hasScript,
  async fn() {
    await using server = await roleEmulator();
    await using home = await roleHome(
      server,
      `[profile secure]\nrole_arn = ${SECURE}\nsource_profile = dev\nmfa_serial = ${MFA_SERIAL}\n`,
    );
    for (const server of [[], ["--server"]]) {
      await Deno.remove(`${home.dir}/.aws/cli`, { recursive: true }).catch(
        () => {},
      );
      // script(1) gives exec a terminal; the code typed there answers the prompt.
      const { cmd, args } = cliCommand([
        "exec",
        "--profile",
        "secure",
        ...server,
        "--",
        "sh",
        "-c",
        server.length
          ? 'test -n "$AWS_CONTAINER_CREDENTIALS_FULL_URI" && echo served'
          : 'echo "key=$AWS_ACCESS_KEY_ID"',
      ]);
      const result = await runProcess(
        "script",
        ["-qec", commandLine([cmd, ...args]), "/dev/null"],
        { ...baseEnv(), ...home.env },
        { stdin: "123456\n", timeoutMs: 30_000 },
      );
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`Enter MFA code for ${MFA_SERIAL}: `),
      );
      assert.match(result.stdout, server.length ? /served/ : /key=ASIA/);
      assert.ok(
        (await listDir(`${home.dir}/.aws/cli/cache`)).some((n) =>
          n.endsWith(".json")
        ),
        "the role's credentials were cached",
      );
    }
  },
});

Deno.test(
  needs(
    "signals",
    "a command ended by any signal exits 128 + that signal's number on this system, as a shell says",
  ),
  async () => {
    await using server = await roleEmulator();
    await using home = await roleHome(server, "");
    // Every signal whose default action ends the process (not the ones that stop it or are ignored).
    const names = [
      "HUP",
      "INT",
      "QUIT",
      "ILL",
      "TRAP",
      "ABRT",
      "BUS",
      "FPE",
      "KILL",
      "USR1",
      "SEGV",
      "USR2",
      "PIPE",
      "ALRM",
      "TERM",
      "XCPU",
      "XFSZ",
      "VTALRM",
      "PROF",
      "SYS",
      ...(Deno.build.os === "linux"
        ? ["STKFLT", "IO", "PWR", "RTMIN+1"]
        : ["EMT"]),
    ];
    const results = await mapLimit(names, 6, async (name) => {
      const script = `ulimit -c 0; kill -s ${name} $$`;
      const shell = await runProcess("bash", [
        "-c",
        `bash -c '${script}'; echo $?`,
      ], baseEnv());
      const ours = await runCliProcess(
        ["exec", "--profile", "dev", "--", "bash", "-c", script],
        home.env,
        { cwd: home.dir },
      );
      return { name, shell: Number(shell.stdout.trim()), ours: ours.code };
    });
    // A signal this test process ignores is ignored by its children too: nothing to compare there.
    const ending = results.filter((r) => r.shell > 128);
    for (const must of ["BUS", "SYS", "XCPU", "TERM", "HUP"]) {
      assert.ok(ending.some((r) => r.name === must), must);
    }
    for (const { name, shell, ours } of ending) {
      assert.equal(ours, shell, `SIG${name}`);
    }
  },
);

Deno.test("signal numbers differ by system: the BSDs and macOS, Solaris, Linux", () => {
  assert.equal(signalExitCode("SIGBUS", "linux"), 135);
  assert.equal(signalExitCode("SIGSYS", "linux"), 159);
  assert.equal(signalExitCode("SIGXCPU", "linux"), 152);
  assert.equal(signalExitCode("SIGBUS", "darwin"), 138);
  assert.equal(signalExitCode("SIGUSR1", "darwin"), 158);
  assert.equal(signalExitCode("SIGUSR1", "freebsd"), 158);
  assert.equal(signalExitCode("SIGUSR1", "illumos"), 144);
  assert.equal(signalExitCode("SIGTERM", "windows"), 143);
});
