/**
 * Resolves credentials with the AWS JS SDK's default chain
 * (`defaultProvider` of credential-provider-node, what every JS SDK client
 * uses), for the profile given as the first argument or the environment's,
 * and prints the access key id as JSON (or the error and exit 1).
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";

try {
  const profile = Deno.args[0];
  const creds = await defaultProvider(profile ? { profile } : {})();
  Deno.stdout.writeSync(
    new TextEncoder().encode(
      JSON.stringify({ accessKeyId: creds.accessKeyId }),
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
