/**
 * The main job, end to end, with no AWS account and no network: starts
 * `aws-signin emulator` on a free loopback port and, in a temporary HOME
 * (never your ~/.aws), runs the commands a user runs, printing each command
 * and its output. The demo plays the browser itself.
 *
 *   deno task demo
 */
import { cookieJar } from "../dev/cookie_jar.ts";
import {
  baseEnv,
  cliCommand,
  codeFromConfirmationPage,
} from "../dev/process.ts";
import { spawnCli } from "../dev/interactive.ts";

const started = performance.now();
const bold = (
  s: string,
) => (Deno.env.get("NO_COLOR") || !Deno.stdout.isTerminal()
  ? s
  : `\x1b[1m${s}\x1b[0m`);
const dim = (
  s: string,
) => (Deno.env.get("NO_COLOR") || !Deno.stdout.isTerminal()
  ? s
  : `\x1b[2m${s}\x1b[0m`);
const write = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s));
const indent = (text: string) =>
  text.replace(/\n$/, "").split("\n").map((l) => `    ${l}`).join("\n") + "\n";

const home = await Deno.makeTempDir({ prefix: "aws-signin-demo-" });
let steps = 0;

function fail(message: string): never {
  write(`\ndemo failed: ${message}\n`);
  Deno.exit(1);
}

async function main() {
  write(
    bold(
      "aws-signin demo: sign-in, credentials and refresh against the built-in emulator\n",
    ),
  );
  write(
    dim(`HOME=${home} (a temporary folder; your ~/.aws is not touched)\n\n`),
  );

  // 1. The emulator, as `aws-signin emulator` prints it.
  const { cmd, args } = cliCommand(["emulator", "--auto-approve"]);
  const emulator = new Deno.Command(cmd, {
    args,
    env: { ...baseEnv(), HOME: home },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = emulator.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const first = await Promise.race([
    reader.read(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("the emulator did not start")),
        15_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  const emu = (first.value ?? "").trim();
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(emu)) {
    fail(`unexpected emulator output ${JSON.stringify(first.value)}`);
  }
  step("aws-signin emulator --auto-approve &", `${emu}\n`);

  const env: Record<string, string> = {
    HOME: home,
    AWS_CONFIG_FILE: `${home}/.aws/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/.aws/credentials`,
    AWS_LOGIN_CACHE_DIRECTORY: `${home}/.aws/login/cache`,
    AWS_ENDPOINT_URL_SIGNIN: emu,
    AWS_ENDPOINT_URL_STS: emu,
    AWS_ENDPOINT_URL_SSO_OIDC: emu,
    AWS_ENDPOINT_URL_SSO: emu,
    AWS_REGION: "us-east-1",
  };
  write(
    dim(
      `export AWS_ENDPOINT_URL_SIGNIN=${emu} AWS_ENDPOINT_URL_STS=${emu} AWS_ENDPOINT_URL_SSO_OIDC=${emu} ` +
        `AWS_ENDPOINT_URL_SSO=${emu} AWS_REGION=us-east-1\n\n`,
    ),
  );

  try {
    // 2. Same-device login: the demo follows the URL as the browser would.
    const login = spawnCli(["login", "--profile", "demo", "--no-browser"], env);
    const [url] = await login.waitForStdout(
      /http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]+/,
    );
    await followToCallback(url);
    const loggedIn = await login.finish();
    if (loggedIn.code !== 0) {
      fail(`login exited ${loggedIn.code}: ${loggedIn.stderr}`);
    }
    step(
      "aws-signin login --profile demo --no-browser",
      loggedIn.stdout,
      "(the demo opened the URL, as your browser would)",
    );

    step("cat ~/.aws/config", await Deno.readTextFile(env.AWS_CONFIG_FILE!));
    const cacheFiles = [...Deno.readDirSync(env.AWS_LOGIN_CACHE_DIRECTORY!)]
      .map((e) => e.name).sort();
    step(
      "ls -l ~/.aws/login/cache",
      cacheFiles.map((n) => {
        const mode =
          (Deno.statSync(`${env.AWS_LOGIN_CACHE_DIRECTORY}/${n}`).mode! & 0o777)
            .toString(8);
        return `${mode}  ${n}\n`;
      }).join(""),
    );

    // 3. Who am I? STS through the emulator, signed with the new credentials.
    step(
      "aws-signin sts get-caller-identity --profile demo",
      (await run(["sts", "get-caller-identity", "--profile", "demo"], env))
        .stdout,
    );

    // 4. The credentials for other tools, in two formats.
    step(
      "aws-signin configure export-credentials --profile demo",
      (await run(["configure", "export-credentials", "--profile", "demo"], env))
        .stdout,
    );
    step(
      "aws-signin configure export-credentials --profile demo --format env",
      (await run([
        "configure",
        "export-credentials",
        "--profile",
        "demo",
        "--format",
        "env",
      ], env)).stdout,
    );

    // 5. A forced refresh: fifteen minutes pass for the emulator, and the cached
    //    credentials are now inside the five-minute refresh window.
    const cacheFile = `${env.AWS_LOGIN_CACHE_DIRECTORY}/${
      cacheFiles.find((n) => n.endsWith(".json"))
    }`;
    await (await fetch(`${emu}/_emulator/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"advanceSeconds": 900}',
    })).body?.cancel();
    const soon = new Date(Date.now() + 60_000).toISOString().replace(
      /\.\d{3}Z$/,
      "Z",
    );
    await Deno.writeTextFile(
      cacheFile,
      (await Deno.readTextFile(cacheFile)).replace(
        /"expiresAt": "[^"]+"/,
        `"expiresAt": "${soon}"`,
      ),
    );
    const refreshed = await run([
      "configure",
      "export-credentials",
      "--profile",
      "demo",
      "--format",
      "env-no-export",
    ], env);
    const after =
      JSON.parse(await Deno.readTextFile(cacheFile)).accessToken.expiresAt;
    step(
      "aws-signin configure export-credentials --profile demo --format env-no-export",
      refreshed.stdout,
      `(15 minutes later: expiring at ${soon}, so refreshed with DPoP; now expires ${after})`,
    );

    // 6. Headless: --remote, the code pasted from the browser on another device.
    const remote = spawnCli(["login", "--remote", "--profile", "remote"], env);
    const [remoteUrl] = await remote.waitForStdout(
      /http:\/\/127\.0\.0\.1:\d+\/v1\/authorize\?\S+/,
    );
    await remote.waitForStdout(
      /Enter the authorization code displayed in your browser: $/,
    );
    const code = await codeFromConfirmationPage(remoteUrl);
    await remote.write(`${code}\n`);
    const remoteResult = await remote.finish();
    if (remoteResult.code !== 0) {
      fail(
        `login --remote exited ${remoteResult.code}: ${remoteResult.stderr}`,
      );
    }
    step(
      "aws-signin login --remote --profile remote",
      remoteResult.stdout.replace(/(: )$/m, `$1${code}`),
      "(the demo opened the URL elsewhere and pasted the code)",
    );

    // 7. IAM Identity Center: a session and a profile on it, sso login, the role's credentials.
    await Deno.writeTextFile(
      env.AWS_CONFIG_FILE!,
      `${await Deno.readTextFile(env.AWS_CONFIG_FILE!)}\n[profile team]\n` +
        "sso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\n" +
        "[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n" +
        "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n",
    );
    const sso = spawnCli(
      [
        "sso",
        "login",
        "--profile",
        "team",
        "--use-device-code",
        "--no-browser",
      ],
      env,
    );
    const [, autofill] = await sso.waitForStdout(
      /autofill the code upon loading:\n(http:\S+)\n/,
    );
    // The person confirms the code in a browser (the emulator approves it as the page opens).
    await (await fetch(autofill!)).body?.cancel();
    const ssoResult = await sso.finish();
    if (ssoResult.code !== 0) {
      fail(`sso login exited ${ssoResult.code}: ${ssoResult.stderr}`);
    }
    step(
      "aws-signin sso login --profile team --use-device-code --no-browser",
      ssoResult.stdout,
      "(IAM Identity Center: the demo confirmed the code as the browser would)",
    );
    step(
      "aws-signin sts get-caller-identity --profile team --query Arn --output text",
      (await run([
        "sts",
        "get-caller-identity",
        "--profile",
        "team",
        "--query",
        "Arn",
        "--output",
        "text",
      ], env)).stdout,
    );

    // 8. What is in effect, and from where.
    step(
      "aws-signin configure list --profile demo",
      (await run(["configure", "list", "--profile", "demo"], env)).stdout,
    );

    // 9. Log out everywhere.
    const logout = await run(["logout", "--all"], env);
    step("aws-signin logout --all", logout.stdout);
    const ssoLogout = await run(["sso", "logout"], env);
    step("aws-signin sso logout", ssoLogout.stderr);
  } finally {
    emulator.kill("SIGTERM");
    await emulator.status;
    await reader.cancel().catch(() => {});
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  write(
    bold(
      `Demo finished: ${steps} steps, 2 logins, 1 IAM Identity Center sign-in, 1 refresh and 2 STS calls against the local emulator in ${seconds} s, no AWS account, no network.\n`,
    ),
  );
}

function step(command: string, output: string, note?: string) {
  steps++;
  write(
    `${bold(`$ ${command}`)}${note ? `  ${dim(`# ${note}`)}` : ""}\n${
      output ? indent(output) : ""
    }\n`,
  );
}

async function run(argv: string[], env: Record<string, string>) {
  const proc = spawnCli(argv, env);
  const result = await proc.finish();
  if (result.code !== 0) {
    fail(
      `aws-signin ${argv.join(" ")} exited ${result.code}: ${result.stderr}`,
    );
  }
  return result;
}

/** Plays the browser: follows redirects from the one-time link to the loopback callback, keeping its cookie. */
async function followToCallback(start: string): Promise<void> {
  const jar = cookieJar();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      redirect: "manual",
      headers: jar.headers(url),
    });
    jar.take(res);
    await res.body?.cancel();
    const location = res.headers.get("location");
    if (!location) fail(`no redirect from ${url}`);
    url = new URL(location, url).toString();
    if (new URL(url).pathname === "/oauth/callback") {
      await (await fetch(url, { headers: jar.headers(url) })).text();
      return;
    }
  }
  fail("too many redirects");
}

try {
  await main();
} finally {
  await Deno.remove(home, { recursive: true }).catch(() => {});
}
