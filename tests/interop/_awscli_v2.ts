/**
 * What the interop tests with the AWS CLI v2 run from source share (see
 * dev/awscli_v2): a test that skips, saying why, unless
 * `AWS_SIGNIN_AWSCLI_V2` names a checkout; a sandbox home with SSO profiles
 * and an emulator; both tools run with the same environment and a stand-in
 * browser; the request log; the "shape" of a cache file (its bytes with
 * every value replaced), and the AWS CLI's `configure sso` driven through a
 * pseudo-terminal.
 */
import { startEmulator } from "../../lib/emulator/server.ts";
import type { SsoOptions } from "../../lib/emulator/sso_state.ts";
import {
  AWSCLI_V2,
  backgroundBrowser,
  type PtyResult,
  type PtyStep,
  runAwsCliV2,
  runAwsCliV2InPty,
} from "../../dev/awscli_v2/awscli.ts";
import { ROOT, runCliProcess, type RunResult, tempHome } from "../helpers.ts";
import { START_URL } from "../emulator/_sso.ts";

export { AWSCLI_V2, START_URL };

/** `Deno.test` for a test that needs the AWS CLI v2's source: skipped, with the reason in its name, without it. */
export function cliTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
): Deno.TestDefinition {
  return AWSCLI_V2
    ? { name, fn, sanitizeResources: false, sanitizeOps: false }
    : {
      name:
        `${name} (skipped: AWS_SIGNIN_AWSCLI_V2 does not name an AWS CLI v2 source checkout)`,
      ignore: true,
      fn,
    };
}

/** Token files (protocol-sso.md §3.1): sha1("my-sso"), sha1(START_URL). */
export const SESSION_TOKEN = "0ad374308c5a4e22f723adf10145eafad7c4031c.json";
export const LEGACY_TOKEN = "7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json";
/** Registration files (§2.3): the session with scopes, and the legacy form. */
export const SESSION_REGISTRATION =
  "a8343d65418848d0bc13a5f25cbb32508ceec5d1.json";
export const LEGACY_REGISTRATION =
  "365414a68be7c9bfc776c660981dbdbd942acea4.json";
/** Role credential files (§3.4) of `dev` and `legacy`. */
export const DEV_ROLE = "360f093cdc0bddf23eecc38b9cb6222fca5a195a.json";
export const LEGACY_ROLE = "fbab8bacba02ba61431923ebd0f9cdf7da8e9ed0.json";

/** The config every test starts from: a session profile, a legacy one, one with a role not assigned. */
export const CONFIG = `[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Admin
region = us-east-1

[profile legacy]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = ReadOnly
region = us-east-1

[profile unassigned]
sso_session = my-sso
sso_account_id = 999999999999
sso_role_name = Admin
region = us-east-1
`;

/** The stand-in browser for both tools (tests/emulator/_sso_browser.ts): `approve`, `deny`, or `none` (opens nothing). */
export type BrowserMode = "approve" | "deny" | "none";

function browserCommand(mode: BrowserMode): string {
  return mode === "none"
    ? "true %s"
    : `${Deno.execPath()} run -A --quiet ${ROOT}/tests/emulator/_sso_browser.ts ${mode} %s`;
}

/** A sandbox with an emulator, and both tools pointed at it. */
export interface Sandbox extends AsyncDisposable {
  readonly url: string;
  readonly dir: string;
  /** `~/.aws/sso/cache` and `~/.aws/cli/cache`. */
  readonly ssoCache: string;
  readonly roleCache: string;
  readonly config: string;
  /** The AWS CLI v2 (its stand-in browser runs in the background: Python's webbrowser waits for it). */
  aws(
    args: readonly string[],
    init?: { browser?: BrowserMode; env?: Record<string, string> },
  ): Promise<RunResult>;
  /** aws-signin. */
  signin(
    args: readonly string[],
    init?: { browser?: BrowserMode; env?: Record<string, string> },
  ): Promise<RunResult>;
  /** POSTs to the emulator's control API (`/_emulator/PATH`). */
  control(path: string, body?: unknown): Promise<unknown>;
  /** The request log, as `Operation status` lines (with the grant type for CreateToken), optionally only some operations. */
  calls(only?: readonly string[]): Promise<string[]>;
  /** Everything the sandbox's environment holds (for other programs). */
  readonly env: Record<string, string>;
}

/** Starts an emulator (auto-approving unless told) and a home with {@linkcode CONFIG}. */
export async function sandbox(
  init: {
    autoApprove?: boolean;
    sso?: SsoOptions;
    /** The config file's text (default {@linkcode CONFIG}); null: no config file. */
    config?: string | null;
  } = {},
): Promise<Sandbox> {
  const server = await startEmulator({
    autoApprove: init.autoApprove ?? true,
    ...(init.sso ? { sso: init.sso } : {}),
  });
  const home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
  if (init.config !== null) {
    await Deno.writeTextFile(home.config, init.config ?? CONFIG);
  }
  const env: Record<string, string> = {
    ...home.env,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL_SSO_OIDC: server.url,
    AWS_ENDPOINT_URL_SSO: server.url,
    AWS_ENDPOINT_URL_STS: server.url,
  };
  const control = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${server.url}/_emulator/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  return {
    url: server.url,
    dir: home.dir,
    ssoCache: `${home.dir}/.aws/sso/cache`,
    roleCache: `${home.dir}/.aws/cli/cache`,
    config: home.config,
    env,
    aws: (args, o = {}) =>
      runAwsCliV2(args, {
        ...env,
        BROWSER: backgroundBrowser(
          browserCommand(o.browser ?? "approve"),
          `${home.dir}/browser.log`,
        ),
        ...o.env,
      }, { timeoutMs: 60_000 }),
    signin: (args, o = {}) =>
      runCliProcess(args, {
        ...env,
        BROWSER: browserCommand(o.browser ?? "approve"),
        ...o.env,
      }, { timeoutMs: 60_000 }),
    control,
    async calls(only) {
      const log = await (await fetch(`${server.url}/_emulator/requests`))
        .json() as {
          operation: string;
          status: number;
          grantType?: string;
        }[];
      return log.filter((e) => !only || only.includes(e.operation)).map((
        e,
      ) =>
        `${e.operation}${
          e.grantType ? ` ${e.grantType.replace(/^urn:.*:/, "")}` : ""
        } ${e.status}`
      );
    },
    async [Symbol.asyncDispose]() {
      await server.close();
      await home[Symbol.asyncDispose]();
    },
  };
}

/**
 * A cache file's bytes with every value replaced by what kind it is (`T`
 * for a time `YYYY-MM-DDTHH:MM:SSZ`, `S` for another string, `N` for a
 * number), so two files written at different times by different tools can
 * be compared byte for byte: key order, separators, no final newline.
 */
export function shape(text: string): string {
  return text
    .replace(
      /"(?:[^"\\]|\\.)*"(:?)/g,
      (s, colon: string) =>
        colon ? s : /^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/.test(s) ? "T" : "S",
    )
    .replace(/(?<=: )-?\d+(?:\.\d+)?/g, "N");
}

/** The file names in a folder, sorted (none when it does not exist). */
export async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) out.push(e.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out.sort();
}

/** The answers a person gives `aws configure sso` (undefined: press Enter for the default). */
export interface ConfigureSsoAnswers {
  /** Empty: the legacy form (no session). */
  readonly session: string;
  readonly startUrl?: string;
  readonly region?: string;
  readonly scopes?: string;
  /** How many times to press the down arrow in the account menu (when there are several). */
  readonly accountDown?: number;
  readonly roleDown?: number;
  readonly clientRegion?: string;
  readonly output?: string;
  /** Omit when `--profile` is given (no prompt then). */
  readonly profileName?: string;
  /** How many accounts and roles the menus show (1: no menu). */
  readonly accounts: number;
  readonly roles: number;
  /** Whether the session already exists in the config (its values are not asked again). */
  readonly existingSession?: boolean;
}

/**
 * Runs the AWS CLI's `aws configure sso [ARGS]` in a pseudo-terminal in
 * `box`, answering as a person would; resolves with the terminal's text,
 * the exit code and the config file's bytes afterwards.
 */
export async function awsConfigureSso(
  box: Sandbox,
  answers: ConfigureSsoAnswers,
  args: readonly string[] = [],
): Promise<PtyResult & { config: string }> {
  const enter = (v: string | undefined) => `${v ?? ""}\r`;
  const steps: PtyStep[] = [
    { expect: /SSO session name[^\n]*:/, send: enter(answers.session) },
  ];
  if (!answers.existingSession) {
    steps.push({
      expect: /SSO start URL \[[^\]]*\]:/,
      send: enter(answers.startUrl),
    });
    steps.push({
      expect: /SSO region \[[^\]]*\]:/,
      send: enter(answers.region),
    });
    if (answers.session !== "") {
      steps.push({
        expect: /SSO registration scopes \[[^\]]*\]:/,
        send: enter(answers.scopes),
      });
    }
  }
  const menu = (count: number, what: RegExp, down = 0) => {
    if (count > 1) {
      steps.push({ expect: what, send: `${"\x1b[B".repeat(down)}\r` });
    }
  };
  menu(
    answers.accounts,
    /There are \d+ AWS accounts available to you\./,
    answers.accountDown,
  );
  menu(
    answers.roles,
    /There are \d+ roles available to you\./,
    answers.roleDown,
  );
  steps.push({
    expect: /Default client Region \[[^\]]*\]:/,
    send: enter(answers.clientRegion),
  });
  steps.push({
    expect: /CLI default output format \(json if not specified\) \[[^\]]*\]:/,
    send: enter(answers.output),
  });
  if (answers.profileName !== undefined) {
    steps.push({
      expect: /Profile name \[[^\]]*\]:/,
      send: enter(answers.profileName),
    });
  }
  const result = await runAwsCliV2InPty(["configure", "sso", ...args], {
    ...box.env,
    BROWSER: backgroundBrowser(
      browserCommand("approve"),
      `${box.dir}/browser.log`,
    ),
  }, steps);
  let config = "";
  try {
    config = await Deno.readTextFile(box.config);
  } catch { /* none written */ }
  return { ...result, config };
}
