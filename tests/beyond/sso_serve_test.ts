/**
 * `exec`, `exec --server` and `serve` on IAM Identity Center profiles and on
 * role profiles built on one: the command (or the SDK that asks the server)
 * gets the SSO role's credentials, or the role's assumed with them; and a
 * server that refuses because nobody signed in (a lasting refusal, with the
 * `sso login` command to run) serves at once after `aws-signin sso login`,
 * because it watches the token and role files those credentials come from.
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import { ROOT, runCliProcess } from "../helpers.ts";
import { ssoCalls, ssoLogin, ssoSetUp } from "./_sso.ts";

const EXPORTS =
  /^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(http:\/\/127\.0\.0\.1:\d+\/)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=([A-Za-z0-9_-]{43})\n$/;

async function exported(env: Record<string, string>, profile: string) {
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", profile],
    env,
  );
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

Deno.test("exec gives the command an SSO profile's credentials, and those of a role built on one (legacy too)", async () => {
  await using s = await ssoSetUp();
  await ssoLogin(s.env);
  await ssoLogin(s.env, ["--profile", "legacy"]);
  for (const profile of ["dev", "legacy", "chain"]) {
    const result = await runCliProcess(
      [
        "exec",
        "--profile",
        profile,
        "--",
        "sh",
        "-c",
        'echo "$AWS_ACCESS_KEY_ID $AWS_SESSION_TOKEN $AWS_CREDENTIAL_EXPIRATION $AWS_REGION"',
      ],
      s.env,
    );
    assert.equal(result.code, 0, result.stderr);
    const creds = await exported(s.env, profile);
    assert.equal(
      result.stdout,
      `${creds.AccessKeyId} ${creds.SessionToken} ${creds.Expiration} us-east-1\n`,
      profile,
    );
  }
  // The role was assumed once with the SSO role's credentials; each SSO role fetched once.
  assert.deepEqual(ssoCalls(s.server, ["GetRoleCredentials", "AssumeRole"]), [
    "GetRoleCredentials/200",
    "GetRoleCredentials/200",
    "AssumeRole/200",
  ]);
});

Deno.test("exec --server: the JS SDK's container provider in the command gets the role built on the SSO profile", async () => {
  await using s = await ssoSetUp();
  await ssoLogin(s.env);
  const result = await runCliProcess(
    [
      "exec",
      "--profile",
      "chain",
      "--server",
      "--",
      Deno.execPath(),
      "run",
      "-A",
      "--quiet",
      `${ROOT}/tests/interop/_sdk_http_credentials.ts`,
    ],
    s.env,
    { cwd: ROOT },
  );
  assert.equal(result.code, 0, result.stderr);
  const served = JSON.parse(result.stdout);
  const creds = await exported(s.env, "chain");
  assert.equal(served.accessKeyId, creds.AccessKeyId);
  assert.equal(served.sessionToken, creds.SessionToken);
});

Deno.test("serve refuses while nobody has signed in to IAM Identity Center, says to run sso login, and serves at once after it", async () => {
  await using s = await ssoSetUp();
  const servers = ["dev", "chain"].map((profile) => {
    const proc = spawnCli(["serve", "--profile", profile], s.env);
    return { profile, proc };
  });
  try {
    const ask = async (url: string, token: string) => {
      const res = await fetch(url, { headers: { authorization: token } });
      return { status: res.status, body: await res.json() };
    };
    const running = [];
    for (const { profile, proc } of servers) {
      const [, url, token] = await proc.waitForStdout(EXPORTS);
      running.push({ profile, proc, url: url!, token: token! });
    }
    for (const r of running) {
      const refused = await ask(r.url, r.token);
      assert.equal(refused.status, 500, JSON.stringify(refused.body));
      assert.match(
        JSON.stringify(refused.body),
        /Token for my-sso does not exist/,
      );
      // Told once, with the command that cures it (not "aws-signin login").
      await r.proc.waitForStderr(
        /Clients get an error until then: run "aws-signin sso login --sso-session my-sso"/,
      );
      // Remembered: asked again, the same answer without a new lookup.
      assert.equal((await ask(r.url, r.token)).status, 500);
    }
    await ssoLogin(s.env);
    const dev = await ask(running[0]!.url, running[0]!.token);
    assert.equal(dev.status, 200, JSON.stringify(dev.body));
    assert.equal(dev.body.AccountId, "111122223333");
    const chain = await ask(running[1]!.url, running[1]!.token);
    assert.equal(chain.status, 200, JSON.stringify(chain.body));
    assert.equal(chain.body.AccountId, "444455556666");
    assert.equal(
      chain.body.AccessKeyId,
      (await exported(s.env, "chain")).AccessKeyId,
    );
  } finally {
    for (const { proc } of servers) proc.kill("SIGTERM");
    for (const { proc } of servers) await proc.finish();
  }
});
