/**
 * Structured error output (AWS CLI 2.36): `--cli-error-format`,
 * `AWS_CLI_ERROR_FORMAT` and `cli_error_format`, with the AWS CLI's
 * precedence, and each format's exact bytes (taken from the AWS CLI 2.36.7
 * run from source against the emulator, with `aws:` read as `aws-signin:`)
 * for a service error with and without modeled fields, a configuration
 * error, a parameter error and an unknown option. Exit codes do not change.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  emulatorFault,
  runCliProcess,
  standInBrowser,
  tempHome,
} from "../helpers.ts";

const SIGNIN_ERROR: Record<string, string> = {
  enhanced:
    "aws-signin: [ERROR]: An error occurred (AccessDeniedException) when calling the CreateOAuth2Token operation: " +
    "The refresh token has expired.\n\nAdditional error details:\nerror: TOKEN_EXPIRED\n",
  legacy:
    "aws-signin: [ERROR]: An error occurred (AccessDeniedException) when calling the CreateOAuth2Token operation: " +
    "The refresh token has expired.\n",
  json:
    '{\n    "Message": "The refresh token has expired.",\n    "Code": "AccessDeniedException",\n' +
    '    "error": "TOKEN_EXPIRED",\n    "message": "The refresh token has expired."\n}\n',
  yaml:
    "Code: AccessDeniedException\nMessage: The refresh token has expired.\nerror: TOKEN_EXPIRED\n" +
    "message: The refresh token has expired.\n",
  text:
    "AccessDeniedException\tThe refresh token has expired.\tTOKEN_EXPIRED\tThe refresh token has expired.\n",
  table: "-----------------------------------------------\n" +
    "|                    error                    |\n" +
    "+---------+-----------------------------------+\n" +
    "|  Code   |  AccessDeniedException            |\n" +
    "|  Message|  The refresh token has expired.   |\n" +
    "|  error  |  TOKEN_EXPIRED                    |\n" +
    "|  message|  The refresh token has expired.   |\n" +
    "+---------+-----------------------------------+\n",
};

const STS_ERROR: Record<string, string> = {
  enhanced:
    "aws-signin: [ERROR]: An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: " +
    "The security token included in the request is invalid.\n",
  json:
    '{\n    "Code": "InvalidClientTokenId",\n    "Message": "The security token included in the request is invalid."\n}\n',
  yaml:
    "Code: InvalidClientTokenId\nMessage: The security token included in the request is invalid.\n",
  text:
    "InvalidClientTokenId\tThe security token included in the request is invalid.\n",
  table:
    "-----------------------------------------------------------------------\n" +
    "|                                error                                |\n" +
    "+---------+-----------------------------------------------------------+\n" +
    "|  Code   |  InvalidClientTokenId                                     |\n" +
    "|  Message|  The security token included in the request is invalid.   |\n" +
    "+---------+-----------------------------------------------------------+\n",
};

const NO_CREDENTIALS =
  'Unable to retrieve credentials: no credentials found. Run "aws-signin login --profile nokeys" to sign in.';

const CONFIGURATION_ERROR: Record<string, string> = {
  enhanced:
    `aws-signin: [ERROR]: An error occurred (Configuration): ${NO_CREDENTIALS}\n`,
  legacy: `aws-signin: [ERROR]: ${NO_CREDENTIALS}\n`,
  json: `{\n    "Code": "Configuration",\n    "Message": ${
    JSON.stringify(NO_CREDENTIALS)
  }\n}\n`,
  yaml:
    "Code: Configuration\nMessage: 'Unable to retrieve credentials: no credentials found. Run \"aws-signin login\n" +
    "  --profile nokeys\" to sign in.'\n",
  text: `Configuration\t${NO_CREDENTIALS}\n`,
};

Deno.test("a Sign-In error with a modeled field, in every format (login's code exchange, exit 254)", async () => {
  await using server = await startEmulator({ autoApprove: true });
  for (const [format, expected] of Object.entries(SIGNIN_ERROR)) {
    await using home = await tempHome();
    await emulatorFault(server.url, {
      operation: "CreateOAuth2Token",
      count: 1,
      error: "TOKEN_EXPIRED",
      message: "The refresh token has expired.",
      status: 401,
    });
    const result = await runCliProcess([
      "login",
      "--region",
      "us-east-1",
      "--cli-error-format",
      format,
    ], {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      BROWSER: standInBrowser("approve"),
    });
    assert.equal(result.code, 254, format);
    assert.ok(
      result.stderr.endsWith(expected),
      `${format}:\n${result.stderr}`,
    );
  }
});

Deno.test("an STS error without extra fields, and the variable and the setting that choose the format", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    "[profile json]\ncli_error_format = JSON\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n\n" +
      "[profile bogus]\ncli_error_format = bogus\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = s\n",
  );
  const sts = (args: string[], env: Record<string, string> = {}) =>
    runCliProcess(["sts", "get-caller-identity", ...args], {
      ...home.env,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_STS: server.url,
      ...env,
    });
  for (const [format, expected] of Object.entries(STS_ERROR)) {
    const result = await sts(["--cli-error-format", format]);
    assert.deepEqual(
      result,
      { code: 254, stdout: "", stderr: expected },
      format,
    );
  }
  // The flag beats the variable, which beats the profile's setting (any case); unknown values are enhanced.
  const cases: [string[], Record<string, string>, string][] = [
    [[], {}, STS_ERROR.enhanced!],
    [[], { AWS_CLI_ERROR_FORMAT: "yaml" }, STS_ERROR.yaml!],
    [
      ["--cli-error-format", "text"],
      { AWS_CLI_ERROR_FORMAT: "yaml" },
      STS_ERROR.text!,
    ],
    [["--profile", "json"], {}, STS_ERROR.json!],
    [
      ["--profile", "json"],
      { AWS_CLI_ERROR_FORMAT: "table" },
      STS_ERROR.table!,
    ],
    [["--profile", "json"], { AWS_CLI_ERROR_FORMAT: "" }, STS_ERROR.enhanced!],
    [["--profile", "bogus"], {}, STS_ERROR.enhanced!],
    [[], { AWS_CLI_ERROR_FORMAT: "nonsense" }, STS_ERROR.enhanced!],
  ];
  for (const [args, env, expected] of cases) {
    const result = await sts(args, env);
    assert.equal(result.stderr, expected, `${args} ${JSON.stringify(env)}`);
    assert.equal(result.code, 254);
  }
});

Deno.test("a configuration error in every format (exit 253)", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    "[profile nokeys]\nregion = us-east-1\n",
  );
  for (const [format, expected] of Object.entries(CONFIGURATION_ERROR)) {
    const result = await runCliProcess([
      "configure",
      "export-credentials",
      "--profile",
      "nokeys",
      "--cli-error-format",
      format,
      // Without it, enhanced and legacy add a line saying aws-signin does not ask IMDS (export_test.ts).
    ], { ...home.env, AWS_EC2_METADATA_DISABLED: "true" });
    assert.deepEqual(
      result,
      { code: 253, stdout: "", stderr: expected },
      format,
    );
  }
});

Deno.test("usage errors: a bad value is ParamValidation (the flag's own bad value too); an unknown option is never structured", async () => {
  await using home = await tempHome();
  const run = (args: string[], env: Record<string, string> = {}) =>
    runCliProcess(args, { ...home.env, ...env });
  const badOutput = await run(
    ["sts", "get-caller-identity", "--output", "bogus"],
    { AWS_CLI_ERROR_FORMAT: "json" },
  );
  assert.deepEqual(badOutput, {
    code: 252,
    stdout: "",
    stderr:
      '{\n    "Code": "ParamValidation",\n    "Message": "Invalid value \\"bogus\\" for \\"--output\\": choose one of ' +
      'json, text."\n}\n',
  });
  const badFormat = await run([
    "sts",
    "get-caller-identity",
    "--cli-error-format",
    "bogus",
  ]);
  assert.equal(badFormat.code, 252);
  assert.equal(
    badFormat.stderr,
    'aws-signin: [ERROR]: An error occurred (ParamValidation): Invalid value "bogus" for "--cli-error-format": ' +
      "choose one of legacy, json, yaml, text, table, enhanced.\n" +
      'Run "aws-signin sts get-caller-identity --help" to see what it takes.\n',
  );
  for (const format of ["json", "enhanced", "legacy"]) {
    const unknown = await run(
      ["sts", "get-caller-identity", "--bogus-flag"],
      { AWS_CLI_ERROR_FORMAT: format },
    );
    assert.deepEqual(unknown, {
      code: 252,
      stdout: "",
      stderr:
        'aws-signin: [ERROR]: Unknown option "--bogus-flag" for "aws-signin sts get-caller-identity".\n' +
        'Run "aws-signin sts get-caller-identity --help" to see what it takes.\n',
    }, format);
  }
});

Deno.test("the AWS CLI's global options that mean nothing here are accepted", async () => {
  await using home = await tempHome();
  const result = await runCliProcess([
    "--no-cli-pager",
    "configure",
    "list-profiles",
    "--no-paginate",
    "--color",
    "off",
    "--cli-binary-format",
    "raw-in-base64-out",
    "--no-cli-auto-prompt",
  ], home.env);
  assert.deepEqual(result, { code: 0, stdout: "", stderr: "" });
});

Deno.test("the error line is stripped as the AWS CLI strips it: a service error without a message ends at the colon", async () => {
  const { formatError } = await import("../../lib/error_format.ts");
  const { ServiceError } = await import("../../lib/errors.ts");
  const error = new ServiceError({
    code: "InvalidGrantException",
    message: "",
    status: 400,
    operation: "CreateToken",
    details: {
      Code: "InvalidGrantException",
      Message: "",
      error: "invalid_grant",
      error_description: "Invalid grant provided",
    },
  });
  assert.equal(
    formatError(error),
    "aws-signin: [ERROR]: An error occurred (InvalidGrantException) when calling the CreateToken operation:\n" +
      "\nAdditional error details:\nerror: invalid_grant\nerror_description: Invalid grant provided\n",
  );
  assert.equal(
    formatError(error, { format: "legacy" }),
    "aws-signin: [ERROR]: An error occurred (InvalidGrantException) when calling the CreateToken operation:\n",
  );
});
