/**
 * Endpoints of IAM Identity Center's two services (protocol-sso.md §5): the
 * rule tests of both services from the AWS CLI's repository (80 cases), the
 * overrides in botocore's precedence (`AWS_ENDPOINT_URL_SSO_OIDC` with an
 * underscore for the hyphen, `AWS_ENDPOINT_URL`, `[services]` keys
 * `sso_oidc` / `sso`, the profile's `endpoint_url`,
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`), and FIPS with a custom endpoint
 * succeeding as it does in the AWS CLI.
 */
import assert from "node:assert/strict";
import { resolveEndpoint } from "../../lib/endpoints/resolve.ts";
import {
  ssoOidcEndpoint,
  ssoPortalEndpoint,
} from "../../lib/endpoints/partitions.ts";
import { buildSharedConfig } from "../../lib/config/profiles.ts";
import { ROOT } from "../helpers.ts";

interface RuleCase {
  readonly documentation: string;
  /** Absent in the "Missing region" case. */
  readonly params?: {
    readonly Region?: string;
    readonly UseFIPS?: boolean;
    readonly UseDualStack?: boolean;
    readonly Endpoint?: string;
  };
  readonly expect: {
    readonly endpoint?: { url: string };
    readonly error?: string;
  };
}

async function cases(service: "sso-oidc" | "sso"): Promise<RuleCase[]> {
  const text = await Deno.readTextFile(
    `${ROOT}/tests/fixtures/endpoints/${service}-endpoint-tests-1.json`,
  );
  return (JSON.parse(text) as { testCases: RuleCase[] }).testCases;
}

const ENV_NAME = {
  "sso-oidc": "AWS_ENDPOINT_URL_SSO_OIDC",
  sso: "AWS_ENDPOINT_URL_SSO",
};

for (const service of ["sso-oidc", "sso"] as const) {
  Deno.test(`${service}: the AWS CLI's endpoint rule tests (custom endpoint + FIPS/dual-stack as the AWS CLI does)`, async () => {
    const all = await cases(service);
    assert.equal(all.length, 40);
    for (const c of all) {
      const p = c.params ?? {};
      const env: Record<string, string> = {};
      if (p.Endpoint !== undefined) env[ENV_NAME[service]] = p.Endpoint;
      if (p.UseFIPS) env.AWS_USE_FIPS_ENDPOINT = "true";
      if (p.UseDualStack) env.AWS_USE_DUALSTACK_ENDPOINT = "true";
      const resolve = () =>
        resolveEndpoint(service, { region: p.Region ?? "", env, profile: {} })
          .url;
      if (c.expect.endpoint) {
        assert.equal(resolve(), c.expect.endpoint.url, c.documentation);
      } else if (p.Endpoint !== undefined) {
        // The rules refuse it; the AWS CLI (botocore leaves FIPS and dual-stack out when an endpoint URL is
        // configured) uses the endpoint: so do we.
        assert.match(c.expect.error!, /custom endpoint are not supported/);
        assert.equal(resolve(), p.Endpoint, c.documentation);
      } else {
        assert.throws(resolve, { message: c.expect.error }, c.documentation);
      }
    }
  });
}

Deno.test("FIPS in aws-us-gov is the plain host; partitions.json's dual-stack suffixes", () => {
  assert.equal(
    ssoOidcEndpoint("us-gov-west-1", { fips: true }),
    "https://oidc.us-gov-west-1.amazonaws.com",
  );
  assert.equal(
    ssoPortalEndpoint("us-gov-west-1", { fips: true }),
    "https://portal.sso.us-gov-west-1.amazonaws.com",
  );
  assert.equal(
    ssoOidcEndpoint("us-gov-west-1", { fips: true, dualStack: true }),
    "https://oidc-fips.us-gov-west-1.api.aws",
  );
  assert.equal(
    ssoOidcEndpoint("eusc-de-east-1", { dualStack: true }),
    "https://oidc.eusc-de-east-1.api.amazonwebservices.eu",
  );
  assert.equal(
    ssoPortalEndpoint("eusc-de-east-1"),
    "https://portal.sso.eusc-de-east-1.amazonaws.eu",
  );
  assert.equal(
    ssoPortalEndpoint("us-iso-east-1", { dualStack: true }),
    "https://portal.sso.us-iso-east-1.api.aws.ic.gov",
  );
  assert.equal(
    ssoOidcEndpoint("cn-northwest-1"),
    "https://oidc.cn-northwest-1.amazonaws.com.cn",
  );
  assert.equal(
    ssoOidcEndpoint("xx-unknown-9"),
    "https://oidc.xx-unknown-9.amazonaws.com",
  );
  assert.throws(() => ssoOidcEndpoint(""), {
    message: "Invalid Configuration: Missing Region",
  });
});

Deno.test("overrides in botocore's order; a hyphenated service id maps to an underscore", () => {
  const shared = buildSharedConfig(
    "config",
    "[profile dev]\nservices = corp\nendpoint_url = http://127.0.0.1:4\n\n" +
      "[services corp]\nsso_oidc =\n  endpoint_url = http://127.0.0.1:3\nsso =\n  endpoint_url = http://127.0.0.1:5\n",
    "credentials",
    null,
  );
  const profile = shared.configProfiles.get("dev")!;
  const at = (
    service: "sso-oidc" | "sso",
    env: Record<string, string>,
    p = profile,
  ) =>
    resolveEndpoint(service, { region: "eu-west-1", env, profile: p, shared });
  const all = {
    AWS_ENDPOINT_URL_SSO_OIDC: "http://127.0.0.1:1/",
    AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:6",
    AWS_ENDPOINT_URL: "http://127.0.0.1:2",
  };
  assert.deepEqual(at("sso-oidc", all), {
    url: "http://127.0.0.1:1",
    source: "AWS_ENDPOINT_URL_SSO_OIDC",
  });
  assert.deepEqual(at("sso", all), {
    url: "http://127.0.0.1:6",
    source: "AWS_ENDPOINT_URL_SSO",
  });
  // The hyphenated name is not a variable AWS tools read.
  assert.equal(
    at("sso-oidc", { "AWS_ENDPOINT_URL_SSO-OIDC": "http://127.0.0.1:9" }).url,
    "http://127.0.0.1:3",
  );
  assert.equal(
    at("sso-oidc", { AWS_ENDPOINT_URL: "http://127.0.0.1:2" }).url,
    "http://127.0.0.1:2",
  );
  assert.deepEqual(at("sso-oidc", {}), {
    url: "http://127.0.0.1:3",
    source: "[services corp] sso_oidc.endpoint_url",
  });
  assert.equal(at("sso", {}).url, "http://127.0.0.1:5");
  assert.deepEqual(at("sso-oidc", {}, { endpoint_url: "http://127.0.0.1:4" }), {
    url: "http://127.0.0.1:4",
    source: "endpoint_url",
  });
  // Ignored: the rules, with FIPS from the profile.
  assert.deepEqual(
    at("sso-oidc", { ...all, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }),
    {
      url: "https://oidc.eu-west-1.amazonaws.com",
      source: "partition aws",
    },
  );
  assert.equal(
    at("sso", {}, {
      ...profile,
      ignore_configured_endpoint_urls: "true",
      use_fips_endpoint: "true",
    }).url,
    "https://portal.sso-fips.eu-west-1.amazonaws.com",
  );
  // A custom endpoint wins over FIPS, as in the AWS CLI.
  assert.equal(
    at("sso", {
      AWS_ENDPOINT_URL_SSO: "http://127.0.0.1:6",
      AWS_USE_FIPS_ENDPOINT: "true",
    }).url,
    "http://127.0.0.1:6",
  );
});
