/**
 * Calls STS GetCallerIdentity with the AWS JS SDK (its own SigV4 signer) and
 * prints the answer as JSON. Credentials and endpoint come from the
 * environment the test gives it: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, SDK_TEST_STS_ENDPOINT.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

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
  const out = await client.send(new GetCallerIdentityCommand({}));
  Deno.stdout.writeSync(
    new TextEncoder().encode(
      JSON.stringify({
        Account: out.Account,
        Arn: out.Arn,
        UserId: out.UserId,
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
