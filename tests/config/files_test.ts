import assert from "node:assert/strict";
import { writeFileAtomic } from "../../lib/util/files.ts";
import {
  baseEnv,
  ROOT,
  runCliProcess,
  runProcess,
  tempHome,
} from "../helpers.ts";
import { FEATURES, needs } from "../_platform.ts";

const mode = async (p: string) => (await Deno.stat(p)).mode! & 0o777;

Deno.test("a new file is 0600 from the start, in new 0700 folders", async () => {
  await using home = await tempHome();
  const path = `${home.dir}/a/b/config`;
  const modes = FEATURES.fileModes.has;
  await writeFileAtomic(path, "[default]\n", {
    beforeRename: async (temp) => {
      if (modes) assert.equal(await mode(temp), 0o600);
    },
  });
  assert.equal(await Deno.readTextFile(path), "[default]\n");
  if (modes) {
    assert.equal(await mode(path), 0o600);
    assert.equal(await mode(`${home.dir}/a`), 0o700);
  }
});

Deno.test({
  ...needs("fileModes", "an existing file keeps its mode"),
  fn: async () => {
    await using home = await tempHome();
    const path = `${home.dir}/config`;
    await Deno.writeTextFile(path, "old");
    await Deno.chmod(path, 0o640);
    await writeFileAtomic(path, "new");
    assert.equal(await mode(path), 0o640);
    assert.equal(await Deno.readTextFile(path), "new");
  },
});

Deno.test("a failure before the rename leaves the original and no temporary file", async () => {
  await using home = await tempHome();
  const path = `${home.dir}/config`;
  await Deno.writeTextFile(path, "original\n");
  await assert.rejects(
    writeFileAtomic(path, "replacement\n", {
      beforeRename: () => {
        throw new Error("disk on fire");
      },
    }),
    /disk on fire/,
  );
  assert.equal(await Deno.readTextFile(path), "original\n");
  assert.deepEqual([...Deno.readDirSync(home.dir)].map((e) => e.name), [
    "config",
  ]);
});

Deno.test("a process killed after the temporary file is written but before the rename leaves the original", async () => {
  await using home = await tempHome();
  const path = `${home.dir}/config`;
  await Deno.writeTextFile(path, "[default]\nregion = us-east-1\n");
  const script = `
    import { writeFileAtomic } from "${ROOT}/lib/util/files.ts";
    await writeFileAtomic(${
    JSON.stringify(path)
  }, "[default]\\nregion = eu-west-1\\n", {
      // Dies on the spot (Windows has no SIGKILL for Deno.kill; exit is as abrupt).
      beforeRename: () =>
        Deno.build.os === "windows" ? Deno.exit(137) : Deno.kill(Deno.pid, "SIGKILL"),
    });
  `;
  const result = await runProcess(Deno.execPath(), ["eval", script], {
    ...baseEnv(),
    HOME: Deno.env.get("HOME") ?? "",
  });
  assert.notEqual(result.code, 0);
  assert.equal(
    await Deno.readTextFile(path),
    "[default]\nregion = us-east-1\n",
  );
  // The temporary file was complete when the process died; the target never saw it.
  const leftovers = [...Deno.readDirSync(home.dir)].map((e) => e.name).filter((
    n,
  ) => n !== "config");
  assert.equal(leftovers.length, 1);
  assert.match(leftovers[0]!, /^\.config\.aws-signin-[0-9a-f]{8}\.tmp$/);
});

Deno.test({
  ...needs(
    "symlinks",
    "a symlinked config file stays a symlink and its target is updated",
  ),
  fn: async () => {
    await using home = await tempHome();
    await Deno.mkdir(`${home.dir}/dotfiles`);
    await Deno.mkdir(`${home.dir}/.aws`);
    await Deno.writeTextFile(
      `${home.dir}/dotfiles/aws-config`,
      "[default]\nregion = us-east-1\n",
    );
    await Deno.chmod(`${home.dir}/dotfiles/aws-config`, 0o644);
    await Deno.symlink("../dotfiles/aws-config", home.config);
    const result = await runCliProcess([
      "configure",
      "set",
      "region",
      "eu-west-1",
    ], home.env);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await Deno.lstat(home.config)).isSymlink);
    assert.equal(await Deno.readLink(home.config), "../dotfiles/aws-config");
    assert.equal(
      await Deno.readTextFile(`${home.dir}/dotfiles/aws-config`),
      "[default]\nregion = eu-west-1\n",
    );
    assert.equal(await mode(`${home.dir}/dotfiles/aws-config`), 0o644);
  },
});

Deno.test("a file that does not parse is never written to", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  const broken = "[default]\nregion = a\n[default]\n";
  await Deno.writeTextFile(home.config, broken);
  const result = await runCliProcess(
    ["configure", "set", "output", "json"],
    home.env,
  );
  assert.equal(result.code, 253);
  assert.equal(
    result.stderr,
    `aws-signin: [ERROR]: An error occurred (Configuration): Cannot parse config file "${home.config}" at line 3: section [default] already appears at line 1. ` +
      "AWS tools refuse a file that repeats a section: merge the two and run the command again.\n",
  );
  assert.equal(result.stdout, "");
  assert.equal(await Deno.readTextFile(home.config), broken);
});
