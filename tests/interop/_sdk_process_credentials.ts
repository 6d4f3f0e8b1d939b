/**
 * Runs the AWS JS SDK's credential_process provider (`fromProcess`) for a
 * profile, in its own process with the test's environment, and prints the
 * credentials it returns as JSON. Usage: _sdk_process_credentials.ts PROFILE
 */
import { fromProcess } from "@aws-sdk/credential-provider-process";

try {
  const creds = await fromProcess({ profile: Deno.args[0] ?? "default" })();
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify({
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    expiration: creds.expiration?.toISOString(),
  })));
} catch (error) {
  Deno.stderr.writeSync(
    new TextEncoder().encode(
      `${(error as Error).name}: ${(error as Error).message}\n`,
    ),
  );
  Deno.exit(1);
}
