/** Black-box tests of the command line itself: help, version, usage errors, exit codes. */
import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { sourceLoader } from "../main.ts";
import { commandTable } from "../lib/program.ts";

const COMMANDS = commandTable(sourceLoader);
import { runCliProcess, runInProcess, tempHome } from "./helpers.ts";

Deno.test("--version prints the version from deno.json", async () => {
  await using home = await tempHome();
  const result = await runCliProcess(["--version"], home.env);
  assert.deepEqual(result, {
    code: 0,
    stdout: `aws-signin ${denoJson.version}\n`,
    stderr: "",
  });
});

Deno.test("--help lists every command", async () => {
  const result = await runInProcess(["--help"]);
  assert.equal(result.code, 0);
  for (const name of Object.keys(COMMANDS)) {
    assert.ok(result.stdout.includes(`  ${name}`), name);
  }
});

Deno.test("every command has real --help (and `help` works as in the AWS CLI)", async () => {
  for (const name of Object.keys(COMMANDS)) {
    const words = name.split(" ");
    for (
      const argv of [[...words, "--help"], [...words, "help"], [
        "help",
        ...words,
      ]]
    ) {
      const result = await runInProcess(argv);
      assert.equal(result.code, 0, `${argv.join(" ")}: ${result.stderr}`);
      assert.ok(result.stdout.includes(`aws-signin ${name}`), argv.join(" "));
      assert.ok(result.stdout.includes("Options:"), argv.join(" "));
    }
  }
});

Deno.test("no command is a usage error", async () => {
  const result = await runInProcess([]);
  assert.equal(result.code, 252);
  assert.match(
    result.stderr,
    /aws-signin: \[ERROR\]: An error occurred \(ParamValidation\): No command given\.\nRun "aws-signin --help" to see the commands\.\n$/,
  );
});

Deno.test("an unknown command is a usage error with a hint", async () => {
  const result = await runInProcess(["confgure", "get", "region"]);
  assert.equal(result.code, 252);
  assert.equal(
    result.stderr,
    'aws-signin: [ERROR]: An error occurred (ParamValidation): Unknown command "confgure".\nDid you mean "configure"? Run "aws-signin --help" to see the commands.\n',
  );
});

Deno.test("an unknown flag is a usage error, never ignored", async () => {
  await using home = await tempHome();
  const result = await runCliProcess([
    "configure",
    "get",
    "region",
    "--regoin",
    "x",
  ], home.env);
  assert.equal(result.code, 252);
  assert.equal(
    result.stderr,
    'aws-signin: [ERROR]: Unknown option "--regoin" for "aws-signin configure get".\n' +
      'Run "aws-signin configure get --help" to see what it takes.\n',
  );
});

Deno.test("a missing argument is a usage error", async () => {
  const result = await runInProcess(["configure", "set", "region"]);
  assert.equal(result.code, 252);
  assert.match(result.stderr, /"aws-signin configure set" needs VALUE\./);
});

Deno.test("a flag missing its value is a usage error", async () => {
  const result = await runInProcess(
    ["configure", "get", "region", "--profile"],
  );
  assert.equal(result.code, 252);
  assert.match(result.stderr, /Option "--profile" needs a value \(PROFILE\)\./);
});

Deno.test("a group without a subcommand lists its subcommands", async () => {
  const result = await runInProcess(["configure"]);
  assert.equal(result.code, 252);
  assert.match(result.stderr, /configure get/);
  assert.match(result.stderr, /"aws-signin configure" needs a subcommand\./);
});

Deno.test("global options may come before the command", async () => {
  await using home = await tempHome();
  await runInProcess([
    "--profile",
    "dev",
    "configure",
    "set",
    "region",
    "eu-west-1",
  ], { env: home.env });
  assert.equal(
    await Deno.readTextFile(home.config),
    "[profile dev]\nregion = eu-west-1\n",
  );
});
