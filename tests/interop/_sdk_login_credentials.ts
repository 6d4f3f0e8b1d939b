/**
 * Runs the AWS JS SDK's login credential provider (`fromLoginCredentials`) in
 * its own process, with the environment the test gives it (AWS_CONFIG_FILE,
 * AWS_LOGIN_CACHE_DIRECTORY, AWS_ENDPOINT_URL_SIGNIN, ...), and prints the
 * credentials it returns as JSON. Usage: _sdk_login_credentials.ts PROFILE
 */
import { fromLoginCredentials } from "@aws-sdk/credential-provider-login";

const profile = Deno.args[0] ?? "default";
const endpoint = Deno.env.get("SDK_TEST_SIGNIN_ENDPOINT");
try {
  const creds = await fromLoginCredentials({
    profile,
    ...(endpoint ? { clientConfig: { endpoint } } : {}),
  })();
  Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify({
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    accountId: creds.accountId,
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
