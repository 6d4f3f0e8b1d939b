/**
 * `deno task compile [--target TRIPLE] [--output PATH]`: builds the
 * self-contained aws-signin binary with exactly the permissions it needs
 * baked in (never -A). Where Deno cannot download its compile runtime
 * (`denort`, from dl.deno.land; our build machines cannot reach it), it stops
 * with one line that says so and what to do instead, and exit code 1.
 *
 * @module
 */
import { PERMISSIONS } from "../dev/permissions.ts";
import { pathOfUrl } from "../dev/process.ts";
import { compileEntrySource } from "./build.ts";

const say = (line: string) =>
  Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));

const ROOT = pathOfUrl(new URL("..", import.meta.url)).replace(/\/$/, "");
const args = [...Deno.args];
const take = (flag: string) => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const target = take("--target");
const output = take("--output") ??
  `${ROOT}/dist/aws-signin${
    target?.includes("windows") || (!target && Deno.build.os === "windows")
      ? ".exe"
      : ""
  }`;
if (args.length > 0) {
  say(
    `compile: unknown arguments ${
      args.join(" ")
    }; use [--target TRIPLE] [--output PATH]`,
  );
  Deno.exit(2);
}
await Deno.mkdir(output.replace(/[/\\][^/\\]*$/, "") || ".", {
  recursive: true,
});
// main.ts imports the commands by computed URLs, which deno compile cannot
// follow: build from an entry that names each of them in a literal import().
const entry = `${ROOT}/dist/compile-entry.ts`;
await Deno.mkdir(`${ROOT}/dist`, { recursive: true });
await Deno.writeTextFile(entry, compileEntrySource());
const out = await new Deno.Command(Deno.execPath(), {
  args: [
    "compile",
    ...PERMISSIONS,
    "--no-prompt",
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    entry,
  ],
  cwd: ROOT,
  stdout: "inherit",
  stderr: "piped",
}).output();
const stderr = new TextDecoder().decode(out.stderr);
if (out.success) {
  Deno.stderr.writeSync(out.stderr);
  say(`compile: wrote ${output}`);
  Deno.exit(0);
}
const runtime = /denort|dl\.deno\.land|Setting up base binary/.exec(stderr);
if (runtime) {
  say(
    `compile: deno compile could not download its runtime (denort ${Deno.version.deno}` +
      `${
        target ? ` for ${target}` : ""
      }) from dl.deno.land, which this machine cannot reach; build release binaries ` +
      `with .github/workflows/release.yml, or use "deno task bundle" for a one-file build.`,
  );
} else {
  const first = stderr.split("\n").find((l) => /error/i.test(l))?.replace(
    // deno-lint-ignore no-control-regex -- strips the terminal colours of deno's own error line
    /\x1b\[[0-9;]*m/g,
    "",
  ).trim();
  say(
    `compile: deno compile failed: ${first ?? `exit code ${out.code}`}`,
  );
}
Deno.exit(1);
