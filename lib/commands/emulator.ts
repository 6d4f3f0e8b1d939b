/**
 * `aws-signin emulator`: a local AWS Sign-In, STS and IAM Identity Center
 * emulator for tests, demos and CI pipelines. Prints its base URL on one
 * line (and, at a terminal, how to point the tools at it on stderr), then
 * serves until SIGINT or SIGTERM.
 *
 * @example
 * ```sh
 * aws-signin emulator --auto-approve --port 8099 &
 * AWS_ENDPOINT_URL_SIGNIN=http://127.0.0.1:8099 aws-signin login --region us-east-1
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { CommandSpec, ParsedArgs } from "../cli/flags.ts";
import { ConfigurationError, UsageError } from "../errors.ts";
import { DEFAULT_PRINCIPAL } from "../emulator/handler.ts";
import { startEmulator } from "../emulator/server.ts";
import { isLoopbackHost } from "../endpoints/resolve.ts";
import { pasteHint, SSO_FLAGS, ssoOptions } from "./_emulator_sso.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "emulator",
  summary:
    "Run a local AWS Sign-In, STS and IAM Identity Center emulator (tests, demos, CI).",
  description:
    "Serves the AWS Sign-In endpoints that login and refresh use (/v1/authorize, a console-session picker page, " +
    "/v1/sessions/confirmation for --remote, and CreateOAuth2Token at /v1/token with DPoP) and STS " +
    "GetCallerIdentity and AssumeRole (POST /, SigV4-verified) and AssumeRoleWithWebIdentity (unsigned, for the tokens it hands out), as strictly as AWS does; and IAM Identity Center: " +
    "sso-oidc (/client/register, /device_authorization, /token, the device approval page /device, /authorize with " +
    "a consent page) and the access portal (/federation/credentials, /assignment/accounts, /assignment/roles, " +
    "/logout). No AWS account and no network are needed. When it is ready it prints one line to stdout, its base " +
    "URL, and serves until SIGINT or SIGTERM; at a terminal it also prints, on stderr, the variables and a config " +
    "to paste.\n\n" +
    "Point the tools at it with --endpoint-url URL (login), AWS_ENDPOINT_URL_SIGNIN=URL (login and refresh), " +
    "AWS_ENDPOINT_URL_STS=URL (sts get-caller-identity), and AWS_ENDPOINT_URL_SSO_OIDC=URL and " +
    "AWS_ENDPOINT_URL_SSO=URL (IAM Identity Center: sso login and SSO profiles; the AWS CLI, botocore and the JS " +
    "SDK read them too). It keeps everything in memory; it is a test tool, so bind it to loopback only.",
  flags: {
    host: {
      type: "string",
      placeholder: "HOST",
      help: "Address to listen on. Default 127.0.0.1.",
    },
    port: {
      type: "string",
      placeholder: "PORT",
      help: "Port to listen on; 0 picks a free one. Default 0.",
    },
    region: {
      type: "string",
      placeholder: "REGION",
      help: "The region STS requests must be signed for. Default us-east-1.",
    },
    principal: {
      type: "string",
      placeholder: "ARN",
      multiple: true,
      help:
        `An IAM identity whose console session it grants (repeat for several; the picker lists each). ` +
        `Default ${DEFAULT_PRINCIPAL}.`,
    },
    role: {
      type: "string",
      placeholder: "ARN",
      multiple: true,
      help:
        "A role (arn:aws:iam::ACCOUNT:role/NAME) that any emulator principal may assume with STS AssumeRole " +
        "(repeat for several).",
    },
    "role-external-id": {
      type: "string",
      placeholder: "ARN=ID",
      multiple: true,
      help: "Require this external id to assume the role ARN.",
    },
    "role-mfa": {
      type: "string",
      placeholder: "ARN",
      multiple: true,
      help: "Require MFA (SerialNumber and TokenCode) to assume the role ARN.",
    },
    "mfa-code": {
      type: "string",
      placeholder: "CODE",
      help: "The one MFA code the emulator accepts. Default 123456.",
    },
    "skew-answer": {
      type: "string",
      placeholder: "ANSWER",
      choices: ["invalid-request", "token-expired"],
      help:
        "How CreateOAuth2Token answers a DPoP proof from a clock more than five minutes off: invalid-request " +
        "(400 ValidationException, the default) or token-expired (401 AccessDeniedException TOKEN_EXPIRED, as " +
        "seen from skewed VMs).",
    },
    "web-identity-tokens": {
      type: "string",
      placeholder: "WHICH",
      choices: ["issued", "any"],
      help:
        "Which tokens AssumeRoleWithWebIdentity takes for the --role roles: issued (default: only those " +
        "POST /_emulator/web-identity-token handed out) or any (any well-formed JWT that has not expired).",
    },
    "auto-approve": {
      type: "boolean",
      help:
        "Skip the pages: /v1/authorize redirects at once, for the first principal; IAM Identity Center's " +
        "/authorize redirects at once, and opening a device link (/device?user_code=) approves it.",
    },
    "tls-cert": {
      type: "string",
      placeholder: "FILE",
      help:
        "Serve HTTPS with this PEM certificate (with --tls-key); the printed URL then starts with https://. " +
        "For testing AWS_CA_BUNDLE, ca_bundle and proxies.",
    },
    "tls-key": {
      type: "string",
      placeholder: "FILE",
      help: "The PEM private key of --tls-cert.",
    },
    "request-log": {
      type: "string",
      placeholder: "FILE",
      help:
        "Append one JSON object per request to FILE (time, method, path, operation, grant type, status, " +
        "error code). It never contains secrets, tokens or codes.",
    },
    "access-ttl": {
      type: "string",
      placeholder: "SECONDS",
      help: "Lifetime of issued credentials, at most 900. Default 900.",
    },
    "session-ttl": {
      type: "string",
      placeholder: "SECONDS",
      help:
        "How long refreshes keep working after a login (then TOKEN_EXPIRED). Default 43200.",
    },
    "code-ttl": {
      type: "string",
      placeholder: "SECONDS",
      help:
        "Lifetime of an authorization code, Sign-In's and IAM Identity Center's (then AUTHCODE_EXPIRED or " +
        "InvalidGrantException). Default 300.",
    },
    ...SSO_FLAGS,
  },
  positionals: [],
  extra: [
    [
      "Control API (for tests)",
      "  Only a client on this computer may use it: its connection must come from a loopback address, and\n" +
      "  requests must name a loopback host, carry no other origin's Origin header, and POST with\n" +
      "  Content-Type: application/json.\n\n" +
      "  GET  /_emulator/requests  the request log as a JSON array\n" +
      '  POST /_emulator/faults    {"operation": "CreateOAuth2Token" | "GetCallerIdentity" | "AssumeRole" |\n' +
      '                            "RegisterClient" | "StartDeviceAuthorization" | "CreateToken" |\n' +
      '                            "GetRoleCredentials" | "ListAccounts" | "ListAccountRoles" | "Logout" |\n' +
      '                            "AssumeRoleWithWebIdentity",\n' +
      '                            "count": N,\n' +
      '                            "error": "TOKEN_EXPIRED" | ... | "InvalidGrantException" | "TooManyRequestsException",\n' +
      '                            "status": 500, "message": "...", "delayMs": 2000}: the next N calls fail\n' +
      "                            (or are delayed)\n" +
      '  POST /_emulator/clock     {"advanceSeconds": N}: move the emulator\'s clock forward\n' +
      '  POST /_emulator/skew      {"answer": "invalid-request" | "token-expired"}: how a skewed DPoP proof\n' +
      "                            is answered (as --skew-answer)\n" +
      '  POST /_emulator/revoke    {"principal": ARN} (or {} for all): end sessions; their refresh tokens\n' +
      "                            then get TOKEN_EXPIRED\n\n" +
      "  IAM Identity Center (the answers say how many were changed):\n" +
      '  POST /_emulator/sso/device               {"userCode": "BCDF-GHJK", "decision": "approve" | "deny"}:\n' +
      "                                           decide a pending device code (without userCode: all of them)\n" +
      '  POST /_emulator/sso/settings             {"sessionTtl", "accessTokenTtl", "legacyTokenTtl",\n' +
      '                                           "registrationTtl", "roleTtl", "deviceCodeTtl", "deviceInterval",\n' +
      '                                           "pageSize", "rotation": "strict" | "none"}: change any (as the\n' +
      "                                           --sso-* options); answers all of them ({} reads them)\n" +
      '  POST /_emulator/sso/end-sessions         {"accessToken": T} (or {} for all): end sessions; refreshes\n' +
      "                                           get InvalidGrantException, issued access tokens run out\n" +
      '  POST /_emulator/sso/revoke-sessions      {"accessToken": T} (or {} for all): as Logout, every token\n' +
      "                                           of the sessions stops at once\n" +
      '  POST /_emulator/sso/expire-registrations {"clientId": ID} (or {} for all): their OIDC calls get\n' +
      "                                           InvalidClientException\n" +
      '  POST /_emulator/web-identity-token  {"subject": "...", "audience": "sts.amazonaws.com",\n' +
      '                            "ttlSeconds": 3600} (all optional): {"token": JWT, "expiresAt"} for\n' +
      "                            AssumeRoleWithWebIdentity (write it to the web_identity_token_file)",
    ],
  ],
  examples: [
    "aws-signin emulator --auto-approve                  # prints http://127.0.0.1:<port>",
    "aws-signin emulator --port 8099 --principal arn:aws:iam::111122223333:user/alice \\",
    "    --principal arn:aws:sts::111122223333:assumed-role/Admin/alice",
    "aws-signin emulator --auto-approve --role arn:aws:iam::444455556666:role/Admin \\",
    "    --role-mfa arn:aws:iam::444455556666:role/Admin --mfa-code 654321",
    "aws-signin emulator --sso-account 123456789012:Sandbox --sso-role 123456789012:Dev --sso-page-size 1",
  ],
};

function seconds(
  args: ParsedArgs,
  name: string,
  max?: number,
): number | undefined {
  const raw = args.string(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || (max !== undefined && n > max)) {
    throw new UsageError(
      `Invalid value "${raw}" for "--${name}": expected whole seconds from 1${
        max ? ` to ${max}` : ""
      }.`,
    );
  }
  return n;
}

/** The certificate and key of `--tls-cert` and `--tls-key`, read. */
function readTls(
  args: ParsedArgs,
): { cert: string; key: string } | undefined {
  const certFile = args.string("tls-cert");
  const keyFile = args.string("tls-key");
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw new UsageError(
      '"--tls-cert" and "--tls-key" go together: give both, or neither for plain HTTP.',
    );
  }
  const read = (file: string, flag: string) => {
    try {
      return Deno.readTextFileSync(file);
    } catch (error) {
      throw new ConfigurationError(
        `Cannot read "${file}" (${flag}): ${(error as Error).message}.`,
      );
    }
  };
  return {
    cert: read(certFile, "--tls-cert"),
    key: read(keyFile, "--tls-key"),
  };
}

/** Runs the emulator until interrupted. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const signal = ctx.signal; // installs the SIGINT/SIGTERM handlers now, before the URL line
  const rawPort = args.string("port") ?? "0";
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    throw new UsageError(
      `Invalid value "${rawPort}" for "--port": expected 0 to 65535.`,
    );
  }
  const principals = args.list("principal");
  for (const p of principals) {
    if (!/^arn:[\w-]+:(iam|sts)::\d{12}:.+/.test(p)) {
      throw new UsageError(
        `Invalid value "${p}" for "--principal": expected an IAM user or role session ARN such as ${DEFAULT_PRINCIPAL}.`,
      );
    }
  }
  const roles = args.list("role");
  const roleArn = /^arn:[\w-]+:iam::\d{12}:role\/.+$/;
  for (const r of [...roles, ...args.list("role-mfa")]) {
    if (!roleArn.test(r)) {
      throw new UsageError(
        `Invalid role "${r}": expected a role ARN such as arn:aws:iam::444455556666:role/Admin.`,
      );
    }
  }
  const roleExternalIds: Record<string, string> = {};
  for (const pair of args.list("role-external-id")) {
    const eq = pair.indexOf("=");
    if (eq < 0 || !roleArn.test(pair.slice(0, eq)) || eq === pair.length - 1) {
      throw new UsageError(
        `Invalid value "${pair}" for "--role-external-id": expected ROLE_ARN=EXTERNAL_ID.`,
      );
    }
    roleExternalIds[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const logFile = args.string("request-log");
  if (logFile) {
    try {
      await Deno.writeTextFile(logFile, "", { append: true });
    } catch (error) {
      throw new ConfigurationError(
        `Cannot write the request log "${logFile}": ${
          (error as Error).message
        }.`,
      );
    }
  }
  const host = args.string("host") ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    ctx.warn(
      `The emulator listens on ${host}, which is not a loopback address: anyone who can reach it can sign in ` +
        "as its principals and drive its control API.",
    );
  }
  const tls = readTls(args);
  const accessTtl = seconds(args, "access-ttl", 900);
  const sessionTtl = seconds(args, "session-ttl");
  const codeTtl = seconds(args, "code-ttl");
  const sso = ssoOptions(args);
  const region = args.string("region") ?? "us-east-1";
  let server;
  try {
    server = await startEmulator({
      host,
      port,
      ...(tls ? { tls } : {}),
      region,
      principals,
      autoApprove: args.bool("auto-approve"),
      roles: [
        ...new Set([
          ...roles,
          ...args.list("role-mfa"),
          ...Object.keys(roleExternalIds),
        ]),
      ],
      roleExternalIds,
      roleMfa: args.list("role-mfa"),
      ...(args.has("mfa-code") ? { mfaCode: args.string("mfa-code")! } : {}),
      ...(args.has("skew-answer")
        ? {
          skewAnswer: args.string("skew-answer") as
            | "invalid-request"
            | "token-expired",
        }
        : {}),
      ...(args.has("web-identity-tokens")
        ? {
          webIdentityTokens: args.string("web-identity-tokens") as
            | "issued"
            | "any",
        }
        : {}),
      ...(accessTtl ? { accessTtl } : {}),
      ...(sessionTtl ? { sessionTtl } : {}),
      ...(codeTtl ? { codeTtl } : {}),
      sso,
      ...(logFile
        ? {
          onRequestLog: (e) =>
            Deno.writeTextFileSync(logFile, `${JSON.stringify(e)}\n`, {
              append: true,
            }),
        }
        : {}),
    });
  } catch (error) {
    throw new ConfigurationError(
      `Cannot listen on ${host}:${port}: ${(error as Error).message}. ` +
        `Choose another --port, or 0 for any free port.`,
    );
  }
  await ctx.io.out(`${server.url}\n`);
  // Scripts read the one URL line; a person at a terminal gets what to paste.
  if (ctx.io.stderrIsTerminal) {
    await ctx.io.err(pasteHint(server.url, sso, region));
  }
  ctx.debug(
    `serving; principals: ${
      (principals.length ? principals : [DEFAULT_PRINCIPAL]).join(", ")
    }`,
  );
  if (!signal.aborted) {
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true })
    );
  }
  await server.close();
  return 0;
}
