/**
 * Calls STS with the AWS JS SDK (its own SigV4 signer and XML parser) and
 * prints what it parsed as JSON: GetCallerIdentity, or with
 * `assume-role ROLE_ARN` AssumeRole. Credentials and endpoint come from the
 * environment the test gives it: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, SDK_TEST_STS_ENDPOINT.
 */
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
} from "@aws-sdk/client-sts";

const client = new STSClient({
  region: Deno.env.get("AWS_REGION") ?? "us-east-1",
  endpoint: Deno.env.get("SDK_TEST_STS_ENDPOINT")!,
  credentials: {
    accessKeyId: Deno.env.get("AWS_ACCESS_KEY_ID")!,
    secretAccessKey: Deno.env.get("AWS_SECRET_ACCESS_KEY")!,
    sessionToken: Deno.env.get("AWS_SESSION_TOKEN")!,
  },
  maxAttempts: 1,
});

async function call(): Promise<Record<string, unknown>> {
  if (Deno.args[0] === "assume-role") {
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: Deno.args[1]!,
        RoleSessionName: "js-sdk",
        DurationSeconds: 1800,
      }),
    );
    return {
      AccessKeyId: out.Credentials?.AccessKeyId,
      Expiration: out.Credentials?.Expiration?.toISOString(),
      Arn: out.AssumedRoleUser?.Arn,
      AssumedRoleId: out.AssumedRoleUser?.AssumedRoleId,
    };
  }
  const out = await client.send(new GetCallerIdentityCommand({}));
  return { Account: out.Account, Arn: out.Arn, UserId: out.UserId };
}

try {
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify(await call())));
} catch (error) {
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `${(error as Error).name}: ${(error as Error).message}\n`,
    ),
  );
  Deno.exit(1);
}
