/**
 * S16, a vanity start URL, with the AWS CLI v2 (run from source) and
 * aws-signin: an https server with a test CA (`AWS_CA_BUNDLE`) redirects
 * the configured start URL to an AWS-owned portal host in eu-west-1; both
 * tools derive the region, send the resolved URL to IAM Identity Center
 * (`issuerUrl`), keep the configured URL in the token file, and write
 * `sso_region = eu-west-1` into the session, saying so. Skipped unless
 * `AWS_SIGNIN_AWSCLI_V2` names a checkout (and openssl is here).
 */
import assert from "node:assert/strict";
import { makeTestCa } from "../_net.ts";
import { cliTest, sandbox, SESSION_TOKEN } from "./_awscli_v2.ts";

const RESOLVED = "https://ssoins-1.portal.eu-west-1.app.aws/start";

Deno.test(cliTest(
  "S16: a vanity start URL: one redirect followed, eu-west-1 derived and written back, the same output and token by both tools",
  async () => {
    await using ca = await makeTestCa();
    const seen: string[] = [];
    const portal = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: ca.cert,
      key: ca.key,
      onListen: () => {},
    }, (req) => {
      seen.push(`${req.method} ${new URL(req.url).pathname}`);
      return new Response(null, {
        status: 302,
        headers: { location: RESOLVED },
      });
    });
    try {
      const vanity = `https://127.0.0.1:${portal.addr.port}/start`;
      const config =
        `[sso-session my-sso]\nsso_start_url = ${vanity}\nsso_region = us-east-1\n` +
        "sso_registration_scopes = sso:account:access\n\n[profile dev]\nsso_session = my-sso\n" +
        "sso_account_id = 111122223333\nsso_role_name = Admin\n";
      const results = [];
      for (const tool of ["aws", "signin"] as const) {
        await using box = await sandbox({
          config,
          sso: { startUrls: [RESOLVED], region: "eu-west-1" },
        });
        const env = { env: { AWS_CA_BUNDLE: ca.caFile } };
        const r = tool === "aws"
          ? await box.aws(["sso", "login", "--profile", "dev"], env)
          : await box.signin(["sso", "login", "--profile", "dev"], env);
        assert.equal(r.code, 0, `${tool}: ${r.stdout}\n${r.stderr}`);
        assert.ok(
          r.stdout.endsWith(
            `\n\nSSO region updated to eu-west-1\nSuccessfully logged into Start URL: ${vanity}\n`,
          ),
          `${tool}: ${r.stdout}`,
        );
        assert.equal(
          await Deno.readTextFile(box.config),
          config.replace("sso_region = us-east-1", "sso_region = eu-west-1"),
          tool,
        );
        const token = JSON.parse(
          await Deno.readTextFile(`${box.ssoCache}/${SESSION_TOKEN}`),
        );
        assert.deepEqual([token.startUrl, token.region], [vanity, "eu-west-1"]);
        results.push(r.stdout.replace(/\n\n\S+\n\n/, "\n\nURL\n\n"));
      }
      assert.equal(results[1], results[0]);
      assert.deepEqual(seen, ["HEAD /start", "HEAD /start"]);
    } finally {
      await portal.shutdown();
    }
  },
));
