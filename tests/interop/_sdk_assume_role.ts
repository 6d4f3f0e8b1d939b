/**
 * Calls STS AssumeRole with the AWS JS SDK and prints what it parsed as
 * JSON. Credentials and endpoint come from the environment the test gives
 * it: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * SDK_TEST_STS_ENDPOINT; the role from the first argument.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

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
try {
  const out = await client.send(
    new AssumeRoleCommand({
      RoleArn: Deno.args[0]!,
      RoleSessionName: "js-sdk",
      DurationSeconds: 1800,
    }),
  );
  Deno.stdout.writeSync(
    new TextEncoder().encode(
      JSON.stringify({
        AccessKeyId: out.Credentials?.AccessKeyId,
        Expiration: out.Credentials?.Expiration?.toISOString(),
        Arn: out.AssumedRoleUser?.Arn,
        AssumedRoleId: out.AssumedRoleUser?.AssumedRoleId,
      }),
    ),
  );
} catch (error) {
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `${(error as Error).name}: ${(error as Error).message}\n`,
    ),
  );
  Deno.exit(1);
}
