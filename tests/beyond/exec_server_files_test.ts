/**
 * Hardening III: the config copy `exec --server` gives its command holds
 * only what the command needs (no keys, no credential_process, no comments),
 * and a copy left behind by an exec that was killed (SIGKILL, out of memory)
 * is removed by the next `exec --server`: only folders of ours whose owner
 * has ended, never through a link, never another user's.
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import { eventually, readOrNull, runCliProcess } from "../helpers.ts";
import { needs } from "../_platform.ts";
import { roleEmulator, roleHome } from "../roles/_setup.ts";

const SECRETS = [
  "AKIACOMMENTSECRET001",
  "AKIADEFAULTDEFAULT01",
  "default-secret",
  "AKIAKEYSKEYSKEYS0001",
  "keys-secret",
  "keys-token",
  "proc-secret",
  "comment-secret",
  "credential_process",
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
];

/** The user's config after the setup's `[profile dev]`: secrets in comments, keys, a credential_process. */
const MORE_CONFIG = "# old keys: AKIACOMMENTSECRET001\n" +
  "[default]\nregion = eu-west-1\noutput = text\naws_access_key_id = AKIADEFAULTDEFAULT01\n" +
  "aws_secret_access_key = default-secret\ns3 =\n  max_concurrent_requests = 4\n\n" +
  "[profile keys]\nregion = us-west-2\naws_access_key_id = AKIAKEYSKEYSKEYS0001\n" +
  "aws_secret_access_key = keys-secret\naws_session_token = keys-token\n\n" +
  "[profile proc]\ncredential_process = /usr/bin/env TOKEN=proc-secret my-tool\n\n" +
  "[profile admin]\nregion = ap-south-1\n; comment-secret\nrole_arn = arn:aws:iam::444455556666:role/Admin\n" +
  "source_profile = dev\n\n" +
  "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n";

Deno.test("exec --server's config copy holds no keys, no credential_process and no comments: what the command needs", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const dev = await Deno.readTextFile(home.config);
  await Deno.writeTextFile(home.config, `${dev}${MORE_CONFIG}`);
  const result = await runCliProcess(
    [
      "exec",
      "--profile",
      "dev",
      "--server",
      "--debug",
      "--",
      "sh",
      "-c",
      'cat "$AWS_CONFIG_FILE"',
    ],
    home.env,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `${dev}` +
      "[profile admin]\nregion = ap-south-1\nrole_arn = arn:aws:iam::444455556666:role/Admin\n" +
      "source_profile = dev\n\n" +
      "[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n\n" +
      "[profile aws-signin-exec]\nregion = eu-west-1\noutput = text\ns3 =\n  max_concurrent_requests = 4\n",
  );
  for (const secret of SECRETS) {
    assert.ok(!result.stdout.includes(secret), secret);
  }
  assert.match(
    result.stderr,
    /left out \[default\], \[profile keys\], \[profile proc\] \(they hold credentials\)/,
  );
});

Deno.test(
  needs(
    "signals",
    "a copy left by an exec --server killed with SIGKILL is removed by the next one; live, linked and foreign ones stay",
  ),
  async () => {
    await using server = await roleEmulator();
    await using home = await roleHome(server, "");
    await Deno.writeTextFile(
      home.config,
      `${await Deno.readTextFile(home.config)}${MORE_CONFIG}`,
    );
    const tmp = `${home.dir}/tmp`;
    await Deno.mkdir(tmp);
    const env = { ...home.env, TMPDIR: tmp };
    /** Starts `exec --server` whose command writes its config path (and its pid) then sleeps. */
    const start = async (name: string) => {
      const path = `${home.dir}/${name}`;
      const proc = spawnCli([
        "exec",
        "--profile",
        "dev",
        "--server",
        "--",
        "sh",
        "-c",
        `echo $$ > "$0.pid" && echo "$AWS_CONFIG_FILE" > "$0.tmp" && mv "$0.tmp" "$0" && exec sleep 60`,
        path,
      ], env);
      assert.ok(
        await eventually(async () => (await readOrNull(path)) !== null),
      );
      const child = Number(await Deno.readTextFile(`${path}.pid`));
      return {
        proc,
        child,
        copy: (await Deno.readTextFile(path)).trim(),
      };
    };
    const killed = await start("killed");
    const live = await start("live");
    try {
      killed.proc.kill("SIGKILL");
      // Its command holds the output pipes open: end it too (it is no longer exec's to end).
      Deno.kill(killed.child, "SIGKILL");
      await killed.proc.finish(10_000);
      const leftover = killed.copy.slice(0, killed.copy.lastIndexOf("/"));
      assert.match(
        leftover,
        new RegExp(`/aws-signin-exec-${killed.proc.pid}-[0-9a-z]+$`),
      );
      const bytes = await Deno.readTextFile(killed.copy);
      for (const secret of SECRETS) {
        assert.ok(!bytes.includes(secret), `the leftover holds ${secret}`);
      }
      // Look-alikes that are not a dead run's folder of ours.
      const dead = killed.proc.pid;
      await Deno.mkdir(`${home.dir}/target`);
      await Deno.writeTextFile(`${home.dir}/target/keep`, "x");
      const decoys = [
        `${tmp}/aws-signin-exec-${dead}-link`,
        `${tmp}/aws-signin-exec-${dead}-file`,
        `${tmp}/aws-signin-exec-${Deno.pid}-alive`,
        `${tmp}/aws-signin-exec-x${dead}-name`,
        ...(Deno.uid() === 0 ? [`${tmp}/aws-signin-exec-${dead}-foreign`] : []),
      ];
      await Deno.symlink(`${home.dir}/target`, decoys[0]!);
      await Deno.writeTextFile(decoys[1]!, "x");
      for (const dir of decoys.slice(2)) {
        await Deno.mkdir(dir);
        await Deno.writeTextFile(`${dir}/config`, "x");
      }
      if (Deno.uid() === 0) await Deno.chown(decoys[4]!, 65534, 65534);
      // The next run sweeps the dead one's folder, and nothing else.
      const next = await runCliProcess(
        ["exec", "--profile", "dev", "--server", "--", "true"],
        env,
      );
      assert.equal(next.code, 0, next.stderr);
      assert.equal(await readOrNull(killed.copy), null, "swept");
      assert.equal(await Deno.lstat(leftover).catch(() => null), null);
      assert.notEqual(await readOrNull(live.copy), null, "a live one stays");
      for (const decoy of decoys) {
        assert.notEqual(await Deno.lstat(decoy).catch(() => null), null, decoy);
      }
      assert.equal(await readOrNull(`${home.dir}/target/keep`), "x");
    } finally {
      try {
        Deno.kill(killed.child, "SIGKILL");
      } catch { /* gone */ }
      live.proc.kill("SIGTERM");
      await live.proc.finish(10_000);
    }
    assert.equal(await readOrNull(live.copy), null, "removed when it ended");
  },
);
