/**
 * `aws-signin sts get-caller-identity`: who the profile's credentials belong
 * to, printed as the AWS CLI prints it.
 *
 * @example
 * ```sh
 * aws-signin sts get-caller-identity --profile dev
 * aws-signin sts get-caller-identity --output text
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  AUTO_LOGIN_FLAGS,
  type CommandSpec,
  type ParsedArgs,
  PROFILE_FLAG,
} from "../cli/flags.ts";
import { AwsSigninError, ConfigurationError } from "../errors.ts";
import { loadSharedConfig } from "../config/profiles.ts";
import {
  loginCommand,
  resolveProfile,
  selectProfile,
  stringSetting,
} from "../config/selection.ts";
import { resolveRegion } from "../config/region.ts";
import { formatJson, formatText, type JsonValue } from "../util/aws_output.ts";
import {
  autoLoginFor,
  autoLoginSetting,
  credentialsFor,
} from "./_credentials.ts";
import { callerIdentity } from "./_verify.ts";

/** The command's spec. */
export const spec: CommandSpec = {
  name: "sts get-caller-identity",
  summary: "Show the account and identity the profile's credentials belong to.",
  description:
    "Calls AWS STS GetCallerIdentity with the profile's credentials (refreshing a login session when needed), " +
    "signed with Signature Version 4, and prints UserId, Account and Arn as the AWS CLI does. The regional STS " +
    "endpoint is used unless --endpoint-url, AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL says otherwise.",
  flags: {
    profile: PROFILE_FLAG,
    region: {
      type: "string",
      placeholder: "REGION",
      help:
        "The STS region. Default: AWS_REGION, AWS_DEFAULT_REGION, or the profile's region.",
    },
    "endpoint-url": {
      type: "string",
      placeholder: "URL",
      help:
        "The STS endpoint (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, or the region's).",
    },
    output: {
      type: "string",
      placeholder: "FORMAT",
      choices: ["json", "text"],
      help:
        "json (default) or text. Default: AWS_DEFAULT_OUTPUT or the profile's output when json or text.",
    },
    query: {
      type: "string",
      placeholder: "JMESPATH",
      help:
        "A JMESPath expression applied to the result before it is printed, as the AWS CLI's --query: " +
        "Account, Arn, [Account, Arn], {id: Account}.",
    },
    ...AUTO_LOGIN_FLAGS,
  },
  positionals: [],
  examples: [
    "aws-signin sts get-caller-identity --profile dev",
    "aws-signin sts get-caller-identity --query Account --output text   # just the account id",
  ],
};

/** Runs `sts get-caller-identity`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const profile = resolveProfile(
    await loadSharedConfig(ctx.env),
    selectProfile(args.string("profile"), ctx.env),
  );
  const auto = autoLoginSetting(args, ctx.env);
  const credentials = await credentialsFor(ctx, profile, {
    autoLogin: auto && autoLoginFor(ctx, auto),
  });
  if (!credentials) {
    throw new ConfigurationError(
      `Unable to locate credentials. You can configure credentials by running "${
        loginCommand(profile.name)
      }".`,
      { code: "NoCredentials" },
    );
  }
  // A bad --query is a usage error before any call is made.
  const query = args.has("query")
    ? await (await import("../cli/query.ts")).compileQuery(
      args.string("query")!,
    )
    : undefined;
  const resolved = resolveRegion({
    env: ctx.env,
    profile: profile.settings,
    flag: args.string("region"),
  });
  if (!resolved) {
    throw new ConfigurationError(
      'You must specify a region. Pass --region, set AWS_REGION, or run "aws-signin configure set region REGION".',
      { code: "NoRegion" },
    );
  }
  const region = resolved.region;
  const configured = ctx.env.AWS_DEFAULT_OUTPUT ||
    stringSetting(profile.settings, "output");
  const output = args.string("output") ??
    (configured === "text" ? "text" : "json");
  const id = await callerIdentity(ctx, profile, {
    credentials,
    region,
    endpointUrl: args.string("endpoint-url"),
  }).catch((error) => {
    if (error instanceof AwsSigninError) throw error;
    throw new AwsSigninError((error as Error).message);
  });
  // The result in the AWS CLI's member order (the service model's).
  const result: JsonValue = {
    UserId: id.UserId,
    Account: id.Account,
    Arn: id.Arn,
  };
  const shown = query ? query(result) : result;
  await ctx.io.out(
    output === "text" ? formatText(shown) : formatJson(shown),
  );
  return 0;
}
