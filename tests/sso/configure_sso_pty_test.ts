/**
 * `configure sso` on a real terminal (a pty): aws-signin's prompts as a
 * person sees them, and the AWS CLI v2 (Debian's 2.9.19, prompt_toolkit
 * menus driven with arrow keys) against the same emulator: the same config
 * bytes for the session form with several accounts across pages and the
 * legacy form (S15), and the AWS CLI using a profile that `--all` wrote
 * (it ignores the `sso_auto_populated` marker). Skipped without `script`
 * or the AWS CLI.
 */
import assert from "node:assert/strict";
import { hasPty, plainScreen, spawnInTerminal } from "../../dev/pty.ts";
import {
  AWS_CLI,
  baseEnv,
  cliCommand,
  hasAwsCli,
  readOrNull,
  ROOT,
  runAwsCli,
  type TempHome,
} from "../helpers.ts";
import {
  ONE_ACCOUNT,
  pointModelsAt,
  SESSION_CONFIG,
  ssoEmulator,
  ssoHome,
  START_URL,
  withoutTerminal,
} from "./_configure.ts";

/** Runs aws-signin on a pty, answering each prompt (a text on the screen) with a line. */
async function ourTerminal(
  argv: readonly string[],
  env: Record<string, string>,
  steps: readonly (readonly [string, string])[],
): Promise<{ code: number; screen: string }> {
  const { cmd, args } = cliCommand(argv);
  const term = spawnInTerminal(cmd, args, { ...baseEnv(), ...env });
  for (const [prompt, answer] of steps) {
    await term.waitFor(prompt);
    await term.write(`${answer}\r`);
  }
  return await term.finish();
}

/** Runs the AWS CLI on a pty with the emulator's endpoints; `keys` are typed after each text appears. */
async function awsTerminal(
  home: TempHome,
  argv: readonly string[],
  steps: readonly (readonly [string | RegExp, string])[],
): Promise<{ code: number; screen: string }> {
  const term = spawnInTerminal(AWS_CLI, argv, {
    PATH: "/usr/bin:/bin",
    LC_ALL: "C.UTF-8",
    HOME: home.dir,
    AWS_CONFIG_FILE: home.config,
    AWS_SHARED_CREDENTIALS_FILE: home.credentials,
    AWS_EC2_METADATA_DISABLED: "true",
    BROWSER:
      `${Deno.execPath()} run -A --quiet ${ROOT}/tests/emulator/_sso_browser.ts approve %s`,
    DENO_DIR: baseEnv().DENO_DIR!,
  }, { answerCursorQueries: true });
  for (const [text, keys] of steps) {
    await term.waitFor(text, 60_000);
    // prompt_toolkit takes keys once it has drawn its prompt.
    await new Promise((r) => setTimeout(r, 300));
    await term.write(keys);
  }
  return await term.finish(90_000);
}

const DOWN = "\x1b[B";

Deno.test({
  name:
    "configure sso on a terminal (pty): the prompts as a person sees them, the config bytes",
  ignore: !hasPty,
  async fn() {
    await using server = await ssoEmulator();
    await using home = await ssoHome(server.url);
    const { code, screen } = await ourTerminal(["configure", "sso"], home.env, [
      ["SSO session name (Recommended): ", "my-sso"],
      ["SSO start URL [None]: ", START_URL],
      ["SSO region [None]: ", "us-east-1"],
      ["SSO registration scopes [sso:account:access]: ", ""],
      ["Account (number or ID) [1]: ", ""],
      ["Role (number or name) [1]: ", "ReadOnly"],
      ["Default client Region [None]: ", "us-west-2"],
      ["CLI default output format (json if not specified) [None]: ", "json"],
      ["Profile name [ReadOnly-111122223333]: ", ""],
    ]);
    assert.equal(code, 0, plainScreen(screen));
    const plain = plainScreen(screen);
    assert.match(
      plain,
      /SSO session name \(Recommended\): my-sso\nSSO start URL \[None\]: https:/,
    );
    assert.match(
      plain,
      /There are 4 AWS accounts available to you\.\n {2}1\) Development, dev@example\.com \(111122223333\)\n/,
    );
    assert.match(
      plain,
      /aws-signin sts get-caller-identity --profile ReadOnly-111122223333\n$/,
    );
    assert.equal(await readOrNull(home.config), SESSION_CONFIG);
  },
});

Deno.test({
  name:
    "S15: the AWS CLI's configure sso (pty) and aws-signin's write the same config bytes: session form, 4 accounts one per page",
  ignore: !hasPty || !hasAwsCli,
  async fn() {
    await using server = await ssoEmulator();
    await using theirs = await ssoHome(server.url);
    await pointModelsAt(theirs, server.url);
    // 2.9.19 lists accounts in the portal's order (no sorting before 2.34.24): Development is the 4th.
    const aws = await awsTerminal(theirs, ["configure", "sso"], [
      ["(Recommended):", "my-sso\r"],
      ["SSO start URL", `${START_URL}\r`],
      ["SSO region", "us-east-1\r"],
      ["SSO registration scopes", "\r"],
      ["accounts available to you", `${DOWN}${DOWN}${DOWN}\r`],
      ["roles available to you", "\r"],
      [/client Region/, "us-west-2\r"],
      [/output format/, "json\r"],
      [/profile name/i, "\r"],
    ]);
    assert.equal(aws.code, 0, plainScreen(aws.screen));
    await using ours = await ssoHome(server.url);
    const mine = await withoutTerminal([
      "configure",
      "sso",
      "--sso-session",
      "my-sso",
      "--sso-start-url",
      START_URL,
      "--sso-region",
      "us-east-1",
      "--account-id",
      "111122223333",
      "--role-name",
      "ReadOnly",
      "--region",
      "us-west-2",
      "--output",
      "json",
    ], ours.env);
    assert.equal(mine.code, 0, mine.stderr);
    assert.equal(await readOrNull(theirs.config), SESSION_CONFIG);
    assert.equal(
      await readOrNull(ours.config),
      await readOrNull(theirs.config),
    );
    assert.equal((await Deno.stat(theirs.config)).mode! & 0o777, 0o600);
  },
});

Deno.test({
  name:
    "S15: the AWS CLI's configure sso (pty) and aws-signin's write the same bytes: legacy form, one account, a [default] region",
  ignore: !hasPty || !hasAwsCli,
  async fn() {
    await using server = await ssoEmulator(ONE_ACCOUNT);
    const start = "[default]\nregion = eu-west-1\n";
    await using theirs = await ssoHome(server.url, start);
    await pointModelsAt(theirs, server.url);
    const aws = await awsTerminal(theirs, ["configure", "sso"], [
      ["(Recommended):", "\r"],
      ["SSO start URL", `${START_URL}\r`],
      ["SSO region", "us-east-1\r"],
      [/client Region/, "\r"],
      [/output format/, "\r"],
      [/profile name/i, "legacy\r"],
    ]);
    assert.equal(aws.code, 0, plainScreen(aws.screen));
    assert.match(
      plainScreen(aws.screen),
      /The only AWS account available to you is: 111122223333/,
    );
    await using ours = await ssoHome(server.url, start);
    const mine = await ourTerminal(["configure", "sso"], ours.env, [
      ["SSO session name (Recommended): ", ""],
      ["SSO start URL [None]: ", START_URL],
      ["SSO region [None]: ", "us-east-1"],
      ["Default client Region [eu-west-1]: ", ""],
      ["CLI default output format (json if not specified) [None]: ", ""],
      ["Profile name [Admin-111122223333]: ", "legacy"],
    ]);
    assert.equal(mine.code, 0, plainScreen(mine.screen));
    assert.equal(
      await readOrNull(theirs.config),
      "[default]\nregion = eu-west-1\n[profile legacy]\n" +
        `sso_start_url = ${START_URL}\nsso_region = us-east-1\nsso_account_id = 111122223333\n` +
        "sso_role_name = Admin\nregion = eu-west-1\n",
    );
    assert.equal(
      await readOrNull(ours.config),
      await readOrNull(theirs.config),
    );
  },
});

Deno.test({
  name:
    "the AWS CLI uses a profile that configure sso --all wrote (it ignores sso_auto_populated) with aws-signin's token",
  ignore: !hasAwsCli,
  async fn() {
    await using server = await ssoEmulator();
    await using home = await ssoHome(server.url);
    await pointModelsAt(home, server.url);
    const all = await withoutTerminal([
      "configure",
      "sso",
      "--all",
      "--sso-session",
      "my-sso",
      "--sso-start-url",
      START_URL,
      "--sso-region",
      "us-east-1",
      "--region",
      "us-east-1",
    ], home.env);
    assert.equal(all.code, 0, all.stderr);
    assert.match(
      await readOrNull(home.config) ?? "",
      /\[profile Development-Billing\]\n[^[]*sso_auto_populated = true\n/,
    );
    const env = {
      HOME: home.dir,
      AWS_CONFIG_FILE: home.config,
      AWS_EC2_METADATA_DISABLED: "true",
    };
    const who = await runAwsCli([
      "sts",
      "get-caller-identity",
      "--profile",
      "Development-Billing",
    ], env);
    assert.equal(who.code, 0, who.stderr);
    assert.match(
      JSON.parse(who.stdout).Arn,
      /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Billing_[0-9a-f]{16}\/demo$/,
    );
    const listed = await runAwsCli(["configure", "list-profiles"], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^Development-Billing$/m);
  },
});
