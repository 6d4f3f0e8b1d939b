/**
 * Start URL resolution (protocol-sso.md §2.2, the AWS CLI's resolve.py):
 * AWS-owned hosts used as they are, one redirect followed for a vanity URL
 * (HEAD, then GET on 405/501, never requesting the target), the result
 * normalised and checked, the region taken from the portal host, and every
 * failure a ConfigurationError (253) with the AWS CLI's text. A real HTTPS
 * round trip through the project's fetch with a test CA closes it.
 */
import assert from "node:assert/strict";
import {
  isAwsOwnedHost,
  normalizeResolvedUrl,
  regionFromPortalHost,
  resolveStartUrl,
} from "../../lib/sso/start_url.ts";
import { ConfigurationError } from "../../lib/errors.ts";
import { trustingFetch } from "../../lib/http/tls.ts";
import { makeTestCa } from "../_net.ts";

const VANITY = "https://sso.example.com/start";

/** A fetch that answers from a script and records (method, url, redirect mode). */
function scripted(...answers: (Response | Error)[]) {
  const seen: string[] = [];
  const fake = (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(`${init?.method} ${String(input)} ${init?.redirect}`);
    const next = answers.shift();
    if (next === undefined) throw new Error("unexpected request");
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fetch: fake as typeof fetch, seen };
}
const redirect = (status: number, location?: string) =>
  new Response(null, { status, headers: location ? { location } : {} });

Deno.test("AWS-owned hosts: exact names and suffixes, any case, a trailing dot ignored", () => {
  for (
    const host of [
      "identitycenter.amazonaws.com",
      "identitycenter.us-gov.amazonaws.com",
      "d-1234567890.awsapps.com",
      "D-1234567890.AWSAPPS.COM.",
      "awsapps.com",
      "ssoins-1.portal.eu-west-1.app.aws",
      "x.us-east-1.portal.amazonaws.com",
      "x.cn-north-1.portal.amazonaws.com.cn",
      "x.portal.cn-north-1.app.amazonwebservices.com.cn",
      "x.eusc-de-east-1.portal.amazonaws.eu",
      "x.portal.eusc-de-east-1.api.amazonwebservices.eu",
      "d-1.awsapps.cn",
    ]
  ) assert.equal(isAwsOwnedHost(host), true, host);
  for (
    const host of [
      "sso.example.com",
      "evilawsapps.com",
      "awsapps.com.evil.com",
      "identitycenter.amazonaws.com.evil",
    ]
  ) assert.equal(isAwsOwnedHost(host), false, host);
  assert.equal(
    regionFromPortalHost("ssoins-1.portal.eu-west-1.app.aws"),
    "eu-west-1",
  );
  assert.equal(
    regionFromPortalHost("X.US-EAST-2.portal.amazonaws.com"),
    "us-east-2",
  );
  assert.equal(
    regionFromPortalHost("x.cn-north-1.portal.amazonaws.com.cn"),
    "cn-north-1",
  );
  assert.equal(
    regionFromPortalHost(
      "x.portal.cn-northwest-1.app.amazonwebservices.com.cn",
    ),
    "cn-northwest-1",
  );
  assert.equal(
    regionFromPortalHost("x.eusc-de-east-1.portal.amazonaws.eu"),
    "eusc-de-east-1",
  );
  assert.equal(
    regionFromPortalHost("x.portal.eusc-de-east-1.api.amazonwebservices.eu"),
    "eusc-de-east-1",
  );
  assert.equal(regionFromPortalHost("d-1234567890.awsapps.com"), undefined);
  assert.equal(
    normalizeResolvedUrl(
      "HTTPS://SSOins-1.Portal.eu-west-1.APP.aws:443/start/?a=1#/x",
    ),
    "https://ssoins-1.portal.eu-west-1.app.aws/start",
  );
  assert.equal(
    normalizeResolvedUrl("https://h.app.aws:8443/"),
    "https://h.app.aws:8443",
  );
});

Deno.test("an AWS-owned start URL is used as it is, with the configured region, and nothing is requested", async () => {
  const net = scripted();
  assert.deepEqual(
    await resolveStartUrl("https://d-1234567890.awsapps.com/start#/", {
      configuredRegion: "us-east-1",
      fetch: net.fetch,
    }),
    {
      url: "https://d-1234567890.awsapps.com/start#/",
      region: "us-east-1",
      vanity: false,
    },
  );
  assert.deepEqual(net.seen, []);
  await assert.rejects(
    () =>
      resolveStartUrl("https://d-1234567890.awsapps.com/start", {
        fetch: net.fetch,
      }),
    {
      name: "ConfigurationError",
      message:
        "Missing required configuration: sso_region. Please run 'aws-signin configure sso' to set it.",
    },
  );
});

Deno.test("a vanity URL: one HEAD, the redirect joined and not followed, the region from the portal host", async () => {
  const net = scripted(
    redirect(302, "https://ssoins-72230a1b.portal.eu-west-1.app.aws/start/"),
  );
  assert.deepEqual(
    await resolveStartUrl(VANITY, {
      configuredRegion: "us-east-1",
      fetch: net.fetch,
    }),
    {
      url: "https://ssoins-72230a1b.portal.eu-west-1.app.aws/start",
      region: "eu-west-1",
      vanity: true,
    },
  );
  assert.deepEqual(net.seen, [`HEAD ${VANITY} manual`]);
  // 405 on HEAD: GET (a relative Location is joined to the start URL).
  const get = scripted(
    new Response(null, { status: 405 }),
    redirect(308, "//x.awsapps.com/start"),
  );
  assert.deepEqual(
    await resolveStartUrl(VANITY, {
      configuredRegion: "ap-south-1",
      fetch: get.fetch,
    }),
    {
      url: "https://x.awsapps.com/start",
      region: "ap-south-1",
      vanity: true,
    },
  );
  assert.deepEqual(get.seen, [`HEAD ${VANITY} manual`, `GET ${VANITY} manual`]);
});

Deno.test("a vanity URL's failures: the AWS CLI's texts, each a ConfigurationError", async () => {
  const fails = async (
    answers: (Response | Error)[],
    message: string,
    region?: string,
  ) => {
    const net = scripted(...answers);
    await assert.rejects(
      () =>
        resolveStartUrl(VANITY, {
          ...(region ? { configuredRegion: region } : {}),
          fetch: net.fetch,
        }),
      (e: unknown) =>
        e instanceof ConfigurationError && e.kind === "configuration" &&
        e.message === message,
      message,
    );
  };
  await fails(
    [new Response("ok", { status: 200 })],
    `Could not resolve start URL '${VANITY}' to an AWS-owned endpoint. Final URL: 'https://sso.example.com/start'`,
  );
  await fails(
    [new Response(null, { status: 404 })],
    "Failed to resolve start URL: HTTP 404",
  );
  await fails([
    new Response(null, { status: 501 }),
    new Response(null, { status: 403 }),
  ], "Failed to resolve start URL: HTTP 403");
  await fails(
    [new Response(null, { status: 304 })],
    "Failed to resolve start URL: HTTP 304",
  );
  await fails([redirect(301)], "Redirect response missing Location header.");
  await fails(
    [new Response(null, { status: 405 }), redirect(302)],
    "Redirect response missing Location header.",
  );
  await fails([
    new TypeError("error sending request", {
      cause: new Error("Connection refused (os error 111)"),
    }),
  ], "Failed to resolve start URL: Connection refused (os error 111)");
  await fails(
    [redirect(302, "http://x.awsapps.com/start")],
    "Resolved URL must use https. Got: 'http://x.awsapps.com/start'",
  );
  await fails(
    [redirect(302, "https://d-1.awsapps.com/start")],
    `Cannot determine region from start URL '${VANITY}'. Please provide sso_region in your configuration.`,
  );
  await assert.rejects(
    () =>
      resolveStartUrl("http://d-1.awsapps.com/start", {
        configuredRegion: "us-east-1",
      }),
    {
      message: "The sso_start_url must use the https scheme.",
    },
  );
  await assert.rejects(
    () => resolveStartUrl("https:///start", { configuredRegion: "us-east-1" }),
    {
      message: "Invalid sso_start_url: 'https:///start'",
    },
  );
});

Deno.test("a vanity URL that never answers: the timeout is a 'Failed to resolve' error", async () => {
  const hang =
    ((_: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_, reject) =>
        init?.signal?.addEventListener(
          "abort",
          () => reject(init.signal!.reason),
        )
      )) as typeof fetch;
  await assert.rejects(
    () =>
      resolveStartUrl(VANITY, {
        configuredRegion: "us-east-1",
        fetch: hang,
        timeoutMs: 50,
      }),
    {
      name: "ConfigurationError",
      message: "Failed to resolve start URL: timed out",
    },
  );
});

Deno.test("over real HTTPS with the project's fetch and a CA bundle: a 302 to the portal gives its region", async () => {
  await using ca = await makeTestCa();
  const seen: string[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: ca.cert,
    key: ca.key,
    onListen: () => {},
  }, (request) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}`);
    return request.method === "HEAD"
      ? new Response(null, { status: 405 })
      : new Response(null, {
        status: 302,
        headers: {
          location: "https://ssoins-x.portal.eu-west-1.app.aws/start",
        },
      });
  });
  try {
    const start = `https://127.0.0.1:${
      (server.addr as Deno.NetAddr).port
    }/start`;
    const trusted = trustingFetch(fetch, {
      env: { AWS_CA_BUNDLE: ca.caFile },
      profile: {},
    });
    assert.deepEqual(await resolveStartUrl(start, { fetch: trusted }), {
      url: "https://ssoins-x.portal.eu-west-1.app.aws/start",
      region: "eu-west-1",
      vanity: true,
    });
    assert.deepEqual(seen, ["HEAD /start", "GET /start"]);
    // Without the CA the certificate is refused, and said so.
    await assert.rejects(() => resolveStartUrl(start, { fetch }), {
      name: "ConfigurationError",
      message: /^Failed to resolve start URL: .*(certificate|UnknownIssuer)/i,
    });
  } finally {
    await server.shutdown();
  }
});
