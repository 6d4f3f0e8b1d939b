/**
 * `status` and `doctor` say where the credentials of the default chain come
 * from right now: which link answers, and why each link before it does not
 * (from the environment and the files alone: no network, no cache read).
 */
import assert from "node:assert/strict";
import { runInProcess, tempHome } from "../helpers.ts";
import { doctor, one } from "./_doctor.ts";

const noNetwork = {
  fetch: () => Promise.reject(new Error("no network call expected")),
};

Deno.test("status shows the chain link by link: the link that answers, and why the ones before it do not", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    "[profile keys]\nregion = us-east-1\n\n[profile dev]\nlogin_session = arn:aws:iam::111122223333:user/dev\n",
  );
  const run = (args: string[], env: Record<string, string> = {}) =>
    runInProcess(["status", ...args], {
      env: { ...home.env, ...env },
      world: noNetwork,
    });
  const none = await run(["--profile", "keys"]);
  assert.equal(none.code, 1);
  assert.equal(
    none.stdout,
    `profile keys (other)
  credentials      none
  note             it has no login_session and assumes no role: run "aws-signin login --profile keys" to sign it in

credential chain for profile keys (the AWS CLI's order: the first link that answers is used)
  environment keys       skipped: --profile names the profile
  assume role            no role_arn
  web identity           no web_identity_token_file or AWS_WEB_IDENTITY_TOKEN_FILE
  IAM Identity Center    no sso_account_id or sso_role_name
  credentials file       no keys for [keys] in ${home.credentials}
  login_session          no login_session
  credential_process     no credential_process
  config file            no keys in the profile's section of ${home.config}
  container endpoint     AWS_CONTAINER_CREDENTIALS_FULL_URI and _RELATIVE_URI are not set
  EC2 instance metadata  not asked: aws-signin does not use it (the AWS CLI would ask it now, and wait where there is none)
  answers                none
`,
  );
  // The container endpoint answers for a named profile without credentials.
  const container = await run(["--profile", "keys", "--output", "json"], {
    AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds",
  });
  assert.equal(container.code, 0);
  const parsed = JSON.parse(container.stdout);
  assert.equal(parsed.chain.answeredBy, "container");
  assert.deepEqual(parsed.chain.links.at(-1), {
    link: "container",
    answers: true,
    why: "AWS_CONTAINER_CREDENTIALS_FULL_URI http://127.0.0.1:9/creds",
  });
  assert.equal(parsed.profiles[0].usable, true);
  assert.match(parsed.profiles[0].note, /container endpoint link/);
  // AWS_PROFILE=dev with keys in the environment: the keys answer, not the login session.
  const shadowed = await run(["--output", "json"], {
    AWS_PROFILE: "dev",
    AWS_ACCESS_KEY_ID: "AKIAENVIRONMENT00001",
    AWS_SECRET_ACCESS_KEY: "secret",
  });
  const chain = JSON.parse(shadowed.stdout).chain;
  assert.deepEqual(chain, {
    profile: "dev",
    answeredBy: "environment",
    links: [{
      link: "environment",
      answers: true,
      why: "AWS_ACCESS_KEY_ID is set",
    }],
  });
  assert.ok(!shadowed.stdout.includes("secret"));
  // Web identity from the environment comes before a login_session, unless --profile names the profile.
  const web = {
    AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
    AWS_ROLE_ARN: "arn:aws:iam::444455556666:role/Ci",
  };
  const env = JSON.parse(
    (await run(["--output", "json"], { ...web, AWS_PROFILE: "dev" })).stdout,
  ).chain;
  assert.equal(env.answeredBy, "web-identity");
  assert.equal(
    env.links.at(-1).why,
    "AWS_WEB_IDENTITY_TOKEN_FILE /var/run/token, role arn:aws:iam::444455556666:role/Ci",
  );
  const flag = JSON.parse(
    (await run(["--profile", "dev", "--output", "json"], web)).stdout,
  ).chain;
  assert.equal(flag.answeredBy, "login");
  assert.match(
    flag.links[2].why,
    /AWS_WEB_IDENTITY_TOKEN_FILE is skipped: --profile names the profile/,
  );
  // --all lists sessions, not the chain.
  assert.equal(
    JSON.parse((await run(["--all", "--output", "json"])).stdout).chain,
    undefined,
  );
});

Deno.test("doctor's selection.chain names the link that answers and the links before it", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    "[profile keys]\nregion = us-east-1\n\n[profile web]\nrole_arn = arn:aws:iam::444455556666:role/Ci\n" +
      "web_identity_token_file = /var/run/token\nregion = us-east-1\n",
  );
  let { checks } = await doctor(["--profile", "web", "--offline"], home.env);
  let c = one(checks, "selection.chain");
  assert.equal(c.level, "ok");
  assert.equal(
    c.message,
    "The credential chain for profile 'web' answers with web identity (web_identity_token_file " +
      "/var/run/token, role arn:aws:iam::444455556666:role/Ci); before it: environment keys (skipped: --profile " +
      "names the profile), assume role (role_arn with web_identity_token_file: web identity's).",
  );
  // The web identity profile is not "a profile without credentials".
  assert.notEqual(one(checks, "session.credentials", "web").level, "error");
  ({ checks } = await doctor(["--profile", "keys", "--offline"], {
    ...home.env,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds",
  }));
  c = one(checks, "selection.chain");
  assert.equal(c.level, "ok");
  assert.match(
    c.message,
    /answers with container endpoint \(AWS_CONTAINER_CREDENTIALS_FULL_URI/,
  );
  assert.notEqual(one(checks, "session.credentials", "keys").level, "error");
  ({ checks } = await doctor(["--profile", "keys", "--offline"], home.env));
  c = one(checks, "selection.chain");
  assert.equal(c.level, "warning");
  assert.match(
    c.message,
    /^No link of the credential chain answers for profile 'keys' \(environment keys: skipped.*\); aws-signin does not use the EC2 instance metadata service/,
  );
  assert.equal(c.fix, "aws-signin login --profile keys");
});
