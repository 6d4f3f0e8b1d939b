/**
 * Hardening II, 1: inside `exec --server`, every SDK's default chain gets
 * the server's credentials, whatever `[default]` holds (botocore and the AWS
 * JS SDK, each kind of credentials `[default]` can have), while a profile the
 * command names itself is still that profile; what the command is given is
 * private, holds no secret, and is gone when exec ends (also on SIGTERM;
 * after SIGKILL, see exec_server_files_test.ts).
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import {
  eventually,
  hasBotocoreLogin,
  mapLimit,
  readOrNull,
  ROOT,
  runCliProcess,
} from "../helpers.ts";
import { needs } from "../_platform.ts";
import { roleEmulator, roleHome } from "../roles/_setup.ts";

const DEFAULT_KEY = "AKIADEFAULTDEFAULT01";
const OTHER_KEY = "AKIAOTHEROTHEROTHER1";

/** What `[default]` holds in each case: config text and credentials text. */
function defaults(marker: string): Record<string, [string, string]> {
  const keys =
    `aws_access_key_id = ${DEFAULT_KEY}\naws_secret_access_key = default-secret\n`;
  return {
    "keys in the credentials file": ["", `[default]\n${keys}`],
    "keys in the config file": [`[default]\n${keys}`, ""],
    "a login_session": [
      "[default]\nlogin_session = arn:aws:iam::999999999999:user/someone-else\n",
      "",
    ],
    "a credential_process": [
      `[default]\ncredential_process = sh -c 'touch ${marker}; echo {}'\n`,
      "",
    ],
    "a role_arn": [
      "[default]\nrole_arn = arn:aws:iam::444455556666:role/Admin\nsource_profile = other\n",
      "",
    ],
    "sso_* settings": [
      "[default]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n" +
      "sso_account_id = 123456789012\nsso_role_name = Admin\n",
      "",
    ],
    "a web_identity_token_file": [
      `[default]\nrole_arn = arn:aws:iam::444455556666:role/Admin\nweb_identity_token_file = ${marker}.token\n`,
      "",
    ],
  };
}

/** The child: botocore's and the JS SDK's default chains, each as one JSON line (or its error). */
function chains(profile?: string): string[] {
  const arg = profile ? ` ${profile}` : "";
  return [
    "sh",
    "-c",
    `${
      hasBotocoreLogin
        ? `python3 tests/interop/_botocore_default_chain.py${arg} || echo '{"error": "botocore"}'; `
        : ""
    }"$0" run -A --quiet tests/interop/_sdk_default_chain.ts${arg} || echo '{"error": "js"}'`,
    Deno.execPath(),
  ];
}

Deno.test("inside exec --server, botocore's and the JS SDK's default chains get the server's credentials, whatever [default] holds", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const dev = JSON.parse(
    (await runCliProcess(
      ["configure", "export-credentials", "--profile", "dev"],
      home.env,
    )).stdout,
  ).AccessKeyId;
  const base = await Deno.readTextFile(home.config);
  const marker = `${home.dir}/process-ran`;
  const cases = Object.entries(defaults(marker));
  // Each case in its own home folder, so they can run side by side.
  const results = await mapLimit(cases, 3, async ([name, [config, creds]]) => {
    const dir = await Deno.makeTempDir({ dir: home.dir });
    await Deno.writeTextFile(`${dir}/config`, `${config}\n${base}`);
    await Deno.writeTextFile(
      `${dir}/credentials`,
      `${creds}\n[other]\naws_access_key_id = ${OTHER_KEY}\naws_secret_access_key = other-secret\n`,
    );
    const result = await runCliProcess(
      ["exec", "--profile", "dev", "--server", "--", ...chains()],
      {
        ...home.env,
        AWS_CONFIG_FILE: `${dir}/config`,
        AWS_SHARED_CREDENTIALS_FILE: `${dir}/credentials`,
      },
      { cwd: ROOT },
    );
    return { name, result };
  });
  for (const { name, result } of results) {
    assert.equal(result.code, 0, `${name}: ${result.stderr}`);
    const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, hasBotocoreLogin ? 2 : 1, name);
    for (const line of lines) {
      assert.equal(line.accessKeyId, dev, `${name}: ${JSON.stringify(line)}`);
      if (line.method) assert.equal(line.method, "container-role", name);
    }
  }
  assert.equal(
    await readOrNull(marker),
    null,
    "the credential_process never ran",
  );
});

Deno.test("a command that names a profile itself still gets that profile inside exec --server", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  await Deno.writeTextFile(
    home.credentials,
    `[default]\naws_access_key_id = ${DEFAULT_KEY}\naws_secret_access_key = d\n\n` +
      `[other]\naws_access_key_id = ${OTHER_KEY}\naws_secret_access_key = o\n`,
  );
  for (const profile of ["other", "default"]) {
    const result = await runCliProcess(
      ["exec", "--profile", "dev", "--server", "--", ...chains(profile)],
      home.env,
      { cwd: ROOT },
    );
    assert.equal(result.code, 0, result.stderr);
    const want = profile === "other" ? OTHER_KEY : DEFAULT_KEY;
    for (const line of result.stdout.trim().split("\n")) {
      assert.equal(JSON.parse(line).accessKeyId, want, `${profile}: ${line}`);
    }
  }
});

Deno.test(
  needs(
    "fileModes",
    "exec --server gives the command a private config copy that holds no secret, removed at the end and on SIGTERM",
  ),
  async () => {
    await using server = await roleEmulator();
    await using home = await roleHome(server, "");
    const dev = await Deno.readTextFile(home.config);
    await Deno.writeTextFile(
      home.config,
      `[default]\nregion = eu-west-1\noutput = text\naws_access_key_id = ${DEFAULT_KEY}\n` +
        `s3 =\n  max_concurrent_requests = 4\n\n${dev}`,
    );
    const info = `${home.dir}/info`;
    const result = await runCliProcess([
      "exec",
      "--profile",
      "dev",
      "--server",
      "--",
      "sh",
      "-c",
      `{ echo "$AWS_PROFILE"; echo "$AWS_CONFIG_FILE"; stat -c %a "$AWS_CONFIG_FILE" "$(dirname "$AWS_CONFIG_FILE")"; ` +
      `grep -c -F "$AWS_CONTAINER_AUTHORIZATION_TOKEN" "$AWS_CONFIG_FILE"; } > "$0"; cat "$AWS_CONFIG_FILE"`,
      info,
    ], home.env);
    assert.equal(result.code, 0, result.stderr);
    const [profile, config, fileMode, dirMode, tokenLines] =
      (await Deno.readTextFile(info)).trim().split("\n");
    assert.equal(profile, "aws-signin-exec");
    assert.deepEqual([fileMode, dirMode, tokenLines], ["600", "700", "0"]);
    // [default] holds a key: left out; its other settings are the added profile's.
    assert.equal(
      result.stdout,
      `${dev}\n[profile aws-signin-exec]\nregion = eu-west-1\noutput = text\ns3 =\n  max_concurrent_requests = 4\n`,
    );
    assert.equal(await readOrNull(config!), null, "removed when exec ended");
    // SIGTERM: passed on, then the copy is removed all the same.
    const proc = spawnCli([
      "exec",
      "--profile",
      "dev",
      "--server",
      "--",
      "sh",
      "-c",
      `echo "$AWS_CONFIG_FILE" > "$0.tmp" && mv "$0.tmp" "$0" && exec sleep 30`,
      `${home.dir}/path`,
    ], home.env);
    assert.ok(
      await eventually(async () =>
        (await readOrNull(`${home.dir}/path`)) !== null
      ),
    );
    const copy = (await Deno.readTextFile(`${home.dir}/path`)).trim();
    assert.notEqual(await readOrNull(copy), null);
    proc.kill("SIGTERM");
    const ended = await proc.finish(10_000);
    assert.equal(ended.code, 143, ended.stderr);
    assert.equal(await readOrNull(copy), null, "removed after SIGTERM");
  },
);
