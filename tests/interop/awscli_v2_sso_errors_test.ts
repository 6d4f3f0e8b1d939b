/**
 * The error rows of protocol-sso.md §6 (S18), reproduced with the AWS CLI
 * v2 run from source and with aws-signin against the emulator: the AWS
 * CLI's exact stderr and exit code are asserted (they are the record), and
 * aws-signin must give the same exit code and the same message line, read
 * with `aws` as `aws-signin` (a hint line may follow; an "Additional error
 * details" block must be the same). Skipped unless `AWS_SIGNIN_AWSCLI_V2`
 * names a checkout.
 */
import assert from "node:assert/strict";
import {
  cliTest,
  CONFIG,
  sandbox,
  SESSION_TOKEN,
  START_URL,
} from "./_awscli_v2.ts";
import type { BrowserMode, Sandbox } from "./_awscli_v2.ts";

const SESSION = `[sso-session my-sso]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`;
const ROLE = "sso_account_id = 111122223333\nsso_role_name = Admin\n";
const EXPIRED =
  `{"startUrl": "${START_URL}", "region": "us-east-1", "accessToken": "at-x", "expiresAt": "2020-01-01T00:00:00Z"}`;
const LOGIN = ["sso", "login", "--profile", "p"];
const EXPORT = ["configure", "export-credentials", "--profile", "p"];

interface Row {
  readonly name: string;
  readonly args: readonly string[];
  /** The profile `p` (with the session section unless `config` replaces everything). */
  readonly profile?: string;
  readonly config?: string;
  /** Files under ~/.aws before each run. */
  readonly files?: Readonly<Record<string, string>>;
  readonly faults?: readonly Record<string, unknown>[];
  readonly settings?: Record<string, unknown>;
  readonly autoApprove?: boolean;
  readonly browser?: BrowserMode;
  /** Sign `dev` in with aws-signin first (the credential rows that need a token). */
  readonly signedIn?: boolean;
  /** The AWS CLI's exit code and stderr, as it printed them. */
  readonly code: number;
  readonly stderr: string;
  /** What aws-signin adds at the end of the message line (a difference it means). */
  readonly signinAddsToLine?: string;
}

const cfg = (message: string) =>
  `\naws: [ERROR]: An error occurred (Configuration): ${message}\n`;
const plain = (message: string) => `\naws: [ERROR]: ${message}\n`;
const service = (code: string, op: string, message: string, details = "") =>
  `\naws: [ERROR]: An error occurred (${code}) when calling the ${op} operation:${
    message ? ` ${message}` : ""
  }\n${details ? `\nAdditional error details:\n${details}` : ""}`;

const ROWS: readonly Row[] = [
  {
    name: "sso login: sso_session names a missing section",
    args: LOGIN,
    profile: `sso_session = nope\n${ROLE}`,
    code: 253,
    stderr: cfg('The specified sso-session does not exist: "nope"'),
  },
  {
    name: "sso login: the session lacks sso_region",
    args: LOGIN,
    config:
      `[sso-session s]\nsso_start_url = ${START_URL}\n[profile p]\nsso_session = s\n`,
    code: 253,
    stderr: cfg(
      "Missing the following required SSO configuration values: sso_region.",
    ),
  },
  {
    name: "sso login: the session lacks both keys",
    args: LOGIN,
    config:
      "[sso-session s]\nsso_registration_scopes = sso:account:access\n[profile p]\nsso_session = s\n",
    code: 253,
    stderr: cfg(
      "Missing the following required SSO configuration values: sso_start_url, sso_region.",
    ),
  },
  {
    name: "sso login: a legacy profile lacks keys",
    args: LOGIN,
    config: `[profile p]\n${ROLE}`,
    code: 253,
    stderr: cfg(
      "Missing the following required SSO configuration values: sso_start_url, sso_region. To make sure this " +
        "profile is properly configured to use SSO, please run: aws configure sso",
    ),
  },
  {
    name: "sso login: sso_start_url is not https",
    args: LOGIN,
    config:
      "[sso-session s]\nsso_start_url = http://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n" +
      "[profile p]\nsso_session = s\n",
    code: 253,
    stderr: cfg("The sso_start_url must use the https scheme."),
  },
  {
    name: "sso login: the profile does not exist",
    args: ["sso", "login", "--profile", "zzz"],
    code: 255,
    stderr: plain("The config profile (zzz) could not be found"),
    signinAddsToLine:
      '. Check --profile and AWS_PROFILE, or create it with "aws-signin configure sso --profile zzz".',
  },
  {
    name: "sso login: the browser comes back with error=access_denied",
    args: LOGIN,
    profile: `sso_session = my-sso\n${ROLE}`,
    autoApprove: false,
    browser: "deny",
    code: 255,
    stderr: plain(
      "Error loading authorization code: Failed to retrieve an authorization code.",
    ),
  },
  {
    name: "sso login: the device code expires (ExpiredTokenException)",
    args: [...LOGIN, "--use-device-code"],
    profile: `sso_session = my-sso\n${ROLE}`,
    settings: { deviceCodeTtl: 2 },
    browser: "none",
    code: 255,
    stderr: plain(
      "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO " +
        "token must be restarted.",
    ),
  },
  {
    name: "sso login: the device code is denied",
    args: [...LOGIN, "--use-device-code"],
    profile: `sso_session = my-sso\n${ROLE}`,
    autoApprove: false,
    browser: "deny",
    code: 254,
    stderr: service(
      "AccessDeniedException",
      "CreateToken",
      "",
      "error: access_denied\nerror_description: Access denied\n",
    ),
  },
  {
    name:
      "sso login: an unknown start URL (InvalidRequestException, no message)",
    args: LOGIN,
    config:
      "[profile p]\nsso_start_url = https://d-9999999999.awsapps.com/start\nsso_region = us-east-1\n",
    browser: "none",
    code: 254,
    stderr: service(
      "InvalidRequestException",
      "StartDeviceAuthorization",
      "",
      "error: invalid_request\nerror_description: \n",
    ),
  },
  {
    name: "sso login: CreateToken answers InvalidGrantException",
    args: LOGIN,
    profile: `sso_session = my-sso\n${ROLE}`,
    faults: [{
      operation: "CreateToken",
      error: "InvalidGrantException",
      message: "Invalid grant provided",
    }],
    code: 254,
    stderr: service(
      "InvalidGrantException",
      "CreateToken",
      "",
      "error: invalid_grant\nerror_description: Invalid grant provided\n",
    ),
  },
  {
    name: "credentials: the session's token file is missing",
    args: EXPORT,
    profile: `sso_session = my-sso\n${ROLE}`,
    code: 255,
    stderr: plain("Error loading SSO Token: Token for my-sso does not exist"),
  },
  {
    name: "credentials: the legacy token file is missing",
    args: EXPORT,
    config:
      `[profile p]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n${ROLE}`,
    code: 255,
    stderr: plain(
      `Error loading SSO Token: Token for ${START_URL} does not exist`,
    ),
  },
  {
    name: "credentials: the token file has no accessToken",
    args: EXPORT,
    profile: `sso_session = my-sso\n${ROLE}`,
    files: {
      [`sso/cache/${SESSION_TOKEN}`]:
        '{"startUrl": "x", "expiresAt": "2030-01-01T00:00:00Z"}',
    },
    code: 255,
    stderr: plain(`Error loading SSO Token: Token for ${START_URL} is invalid`),
  },
  {
    name: "credentials: the session's token expired and cannot be refreshed",
    args: EXPORT,
    profile: `sso_session = my-sso\n${ROLE}`,
    files: { [`sso/cache/${SESSION_TOKEN}`]: EXPIRED },
    code: 255,
    stderr: plain(
      "Error when retrieving token from sso: Token has expired and refresh failed",
    ),
  },
  {
    name: "credentials: GetRoleCredentials answers 401",
    args: ["configure", "export-credentials", "--profile", "dev"],
    config: CONFIG,
    signedIn: true,
    faults: [{
      operation: "GetRoleCredentials",
      error: "UnauthorizedException",
      message: "Session token not found or invalid",
    }],
    code: 255,
    stderr: plain(
      "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this " +
        "SSO session run aws sso login with the corresponding profile.",
    ),
  },
  {
    name: "credentials: the role is not assigned (403 ForbiddenException)",
    args: ["configure", "export-credentials", "--profile", "unassigned"],
    config: CONFIG,
    signedIn: true,
    code: 254,
    stderr: service("ForbiddenException", "GetRoleCredentials", "No access"),
  },
  {
    name: "credentials: the profile lacks sso_role_name",
    args: EXPORT,
    profile: "sso_session = my-sso\nsso_account_id = 111122223333\n",
    code: 253,
    stderr: cfg(
      'Unable to retrieve credentials: The profile "p" is configured to use SSO but is missing required ' +
        "configuration: sso_role_name",
    ),
  },
  {
    name: "credentials: the profile and the session disagree on sso_region",
    args: EXPORT,
    profile: `sso_session = my-sso\n${ROLE}sso_region = us-west-2\n`,
    code: 253,
    stderr: cfg(
      "Unable to retrieve credentials: The value for sso_region is inconsistent between profile (us-west-2) " +
        "and sso-session (us-east-1).",
    ),
  },
];

/** The AWS CLI's text as aws-signin words it: its own name in the commands it suggests. */
function asSignin(text: string): string {
  return text
    .replace(/^\naws: /, "aws-signin: ")
    .replace("run aws sso login", "run aws-signin sso login")
    .replace(
      "please run: aws configure sso",
      "please run: aws-signin configure sso",
    );
}

async function prepare(box: Sandbox, row: Row): Promise<void> {
  await Deno.remove(`${box.dir}/.aws/sso`, { recursive: true }).catch(() => {});
  await Deno.remove(`${box.dir}/.aws/cli`, { recursive: true }).catch(() => {});
  if (row.signedIn) {
    const r = await box.signin(["sso", "login", "--profile", "dev"]);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const [path, text] of Object.entries(row.files ?? {})) {
    await Deno.mkdir(`${box.dir}/.aws/${path.replace(/\/[^/]+$/, "")}`, {
      recursive: true,
    });
    await Deno.writeTextFile(`${box.dir}/.aws/${path}`, text);
  }
  if (row.settings) await box.control("sso/settings", row.settings);
  for (const fault of row.faults ?? []) await box.control("faults", fault);
}

Deno.test(cliTest(
  "S18: the §6 error rows: the AWS CLI's exact stderr and exit code, and aws-signin's same code and message",
  async (t) => {
    for (const row of ROWS) {
      await t.step(row.name, async () => {
        await using box = await sandbox({
          autoApprove: row.autoApprove ?? true,
          config: row.config ?? `${SESSION}\n[profile p]\n${row.profile ?? ""}`,
        });
        const browser = { browser: row.browser ?? "approve" } as const;
        await prepare(box, row);
        const theirs = await box.aws(row.args, browser);
        assert.deepEqual(
          [theirs.code, theirs.stderr],
          [row.code, row.stderr],
          "the AWS CLI",
        );
        await prepare(box, row);
        const ours = await box.signin(row.args, browser);
        const expected = asSignin(row.stderr).replace(
          /\n/,
          `${row.signinAddsToLine ?? ""}\n`,
        );
        const [line, details = ""] = expected.split(
          /(?=\nAdditional error details:\n)/,
        );
        assert.equal(ours.code, row.code, ours.stderr);
        assert.ok(
          ours.stderr.startsWith(line!),
          `aws-signin's message line:\n${
            JSON.stringify(ours.stderr)
          }\nexpected to start with\n${JSON.stringify(line)}`,
        );
        assert.ok(ours.stderr.endsWith(details), ours.stderr);
        // Same stdout too (what was printed before the failure).
        assert.equal(
          ours.stdout.replace(/http:\/\/\S+|[A-Z]{4}-[A-Z]{4}/g, "X"),
          theirs.stdout.replace(/http:\/\/\S+|[A-Z]{4}-[A-Z]{4}/g, "X"),
        );
      });
    }
  },
));
