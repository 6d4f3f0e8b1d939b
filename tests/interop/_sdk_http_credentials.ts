/**
 * Resolves credentials with the AWS JS SDK's HTTP (container) provider,
 * `fromHttp`, reading AWS_CONTAINER_CREDENTIALS_FULL_URI and
 * AWS_CONTAINER_AUTHORIZATION_TOKEN from the environment, and prints them as
 * JSON (or the error and exit 1).
 */
import { fromHttp } from "@aws-sdk/credential-provider-http";

try {
  const creds = await fromHttp({ maxRetries: 0 })();
  Deno.stdout.writeSync(
    new TextEncoder().encode(
      JSON.stringify({
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
        expiration: creds.expiration?.toISOString(),
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
