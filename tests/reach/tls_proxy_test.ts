/**
 * Corporate networks: the emulator over TLS with a throwaway CA; login,
 * refresh and `sts get-caller-identity` trust it through `AWS_CA_BUNDLE` or
 * the profile's `ca_bundle`, fail clearly (and write nothing) without it;
 * and `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` are followed, proven with a
 * proxy on 127.0.0.1 that counts what goes through it.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { sha256HexSync } from "../helpers.ts";
import { makeTestCa, PROXIED_HOST, startTestProxy } from "../_net.ts";
import {
  ageEntry,
  DEMO_SESSION,
  listDir,
  readOrNull,
  runCliProcess,
  standInBrowser,
  type TempHome,
  tempHome,
} from "../helpers.ts";

const ENTRY = `${sha256HexSync(DEMO_SESSION)}.json`;

async function login(
  home: TempHome,
  emulatorUrl: string,
  caFile: string,
  env: Record<string, string>,
) {
  return await runCliProcess(
    ["login", "--profile", "dev", "--region", "us-east-1"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: emulatorUrl,
      BROWSER: standInBrowser("approve", { trustCa: caFile }),
      ...env,
    },
  );
}

Deno.test("login, refresh and sts against a TLS emulator trust AWS_CA_BUNDLE, or ca_bundle in the profile", async () => {
  await using ca = await makeTestCa();
  await using server = await startEmulator({
    autoApprove: true,
    tls: { cert: ca.cert, key: ca.key },
  });
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  for (const how of ["AWS_CA_BUNDLE", "ca_bundle"] as const) {
    await using home = await tempHome();
    const env: Record<string, string> = how === "AWS_CA_BUNDLE"
      ? { AWS_CA_BUNDLE: ca.caFile }
      : {};
    if (how === "ca_bundle") {
      await Deno.mkdir(`${home.dir}/.aws`);
      await Deno.writeTextFile(
        home.config,
        `[profile dev]\nca_bundle = ${ca.caFile}\n`,
      );
    }
    const loggedIn = await login(home, server.url, ca.caFile, env);
    assert.equal(loggedIn.code, 0, `${how}: ${loggedIn.stderr}`);
    const file = `${home.cache}/${ENTRY}`;
    const old = JSON.parse(await ageEntry(file, 60));
    const refreshed = await runCliProcess(
      ["configure", "export-credentials", "--profile", "dev"],
      { ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url, ...env },
    );
    assert.equal(refreshed.code, 0, `${how}: ${refreshed.stderr}`);
    assert.notEqual(
      JSON.parse(refreshed.stdout).AccessKeyId,
      old.accessToken.accessKeyId,
    );
    const sts = await runCliProcess(
      ["sts", "get-caller-identity", "--profile", "dev", "--query", "Arn"],
      {
        ...home.env,
        AWS_ENDPOINT_URL_STS: server.url,
        AWS_REGION: "us-east-1",
        ...env,
      },
    );
    assert.equal(sts.code, 0, `${how}: ${sts.stderr}`);
    assert.equal(sts.stdout, `"${DEMO_SESSION}"\n`);
  }
  const grants = server.emulator.requests.filter((r) =>
    r.operation === "CreateOAuth2Token"
  ).map((r) => r.grantType);
  assert.deepEqual(grants, [
    "authorization_code",
    "refresh_token",
    "authorization_code",
    "refresh_token",
  ]);
});

Deno.test("without the CA bundle: one clear line that points at AWS_CA_BUNDLE, and nothing written", async () => {
  await using ca = await makeTestCa();
  await using server = await startEmulator({
    autoApprove: true,
    tls: { cert: ca.cert, key: ca.key },
  });
  await using home = await tempHome();
  const loggedIn = await login(home, server.url, ca.caFile, {});
  assert.equal(loggedIn.code, 255);
  assert.match(
    loggedIn.stderr,
    /^aws-signin: \[ERROR\]: Could not connect to the endpoint URL: "https:\/\/127\.0\.0\.1:\d+\/v1\/token": its TLS certificate could not be verified \(.*UnknownIssuer.*\)\. If your network inspects TLS \(a corporate proxy\), set AWS_CA_BUNDLE, or ca_bundle in the profile, to a PEM file with your company's CA certificates\.\n$/,
  );
  assert.equal(await readOrNull(home.config), null);
  assert.deepEqual(await listDir(home.cache), []);
  const sts = await runCliProcess(["sts", "get-caller-identity"], {
    ...home.env,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_STS: server.url,
  });
  assert.equal(sts.code, 255);
  assert.match(sts.stderr, /its TLS certificate could not be verified/);
  assert.equal(sts.stderr.split("\n").length, 2, "one line");
});

Deno.test("a CA bundle that is missing or holds no certificate is a configuration error naming it and its setting", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  const missing = `${home.dir}/nope.pem`;
  const empty = `${home.dir}/empty.pem`;
  await Deno.writeTextFile(empty, "not a certificate\n");
  await Deno.writeTextFile(
    home.config,
    `[profile dev]\nregion = us-east-1\nca_bundle = ${missing}\n`,
  );
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: "https://127.0.0.1:9",
    BROWSER: standInBrowser("fail"),
  };
  const fromProfile = await runCliProcess(["login", "--profile", "dev"], env);
  assert.equal(fromProfile.code, 253);
  assert.ok(
    fromProfile.stderr.startsWith(
      `aws-signin: [ERROR]: An error occurred (Configuration): Cannot read the CA bundle "${missing}" (from ca_bundle in the profile): `,
    ),
    fromProfile.stderr,
  );
  assert.equal(fromProfile.stdout, "", "before the browser step");
  const fromEnv = await runCliProcess(
    ["sts", "get-caller-identity"],
    {
      ...env,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "us-east-1",
      AWS_CA_BUNDLE: empty,
    },
  );
  assert.equal(fromEnv.code, 253, fromEnv.stderr);
  assert.equal(
    fromEnv.stderr,
    `aws-signin: [ERROR]: An error occurred (Configuration): The CA bundle "${empty}" (from AWS_CA_BUNDLE) holds no PEM certificate ` +
      '("-----BEGIN CERTIFICATE-----"). Point AWS_CA_BUNDLE at a PEM file of CA certificates.\n',
  );
});

/** The emulator's URL under the name only the test proxy resolves. */
function proxied(url: string): string {
  const u = new URL(url);
  u.hostname = PROXIED_HOST;
  return u.origin;
}

Deno.test("HTTPS_PROXY carries login, refresh and STS to the TLS emulator (still verified); NO_PROXY bypasses it", async () => {
  await using ca = await makeTestCa();
  await using server = await startEmulator({
    autoApprove: true,
    tls: { cert: ca.cert, key: ca.key },
  });
  await using proxy = startTestProxy();
  await using home = await tempHome();
  const port = new URL(server.url).port;
  const endpoint = proxied(server.url);
  const viaProxy = {
    AWS_CA_BUNDLE: ca.caFile,
    HTTPS_PROXY: proxy.url,
    NO_PROXY: "",
    no_proxy: "",
  };
  const loggedIn = await login(home, endpoint, ca.caFile, viaProxy);
  assert.equal(loggedIn.code, 0, loggedIn.stderr);
  assert.deepEqual(proxy.seen, [`CONNECT ${PROXIED_HOST}:${port}`]);
  await ageEntry(`${home.cache}/${ENTRY}`, 60);
  const refreshed = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    { ...home.env, AWS_ENDPOINT_URL_SIGNIN: endpoint, ...viaProxy },
  );
  assert.equal(refreshed.code, 0, refreshed.stderr);
  const sts = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "dev"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_REGION: "us-east-1",
      ...viaProxy,
    },
  );
  assert.equal(sts.code, 0, sts.stderr);
  assert.equal(proxy.seen.length, 3, proxy.seen.join("; "));
  // The proxy does not vouch for the server: without the CA bundle, still refused.
  const { AWS_CA_BUNDLE: _, ...noBundle } = viaProxy;
  const untrusted = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "dev"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_REGION: "us-east-1",
      ...noBundle,
    },
  );
  assert.equal(untrusted.code, 255);
  assert.match(untrusted.stderr, /TLS certificate could not be verified/);
  // NO_PROXY: straight to a name only the proxy knows, so the call fails and the proxy saw nothing.
  const seenBefore = proxy.seen.length;
  const direct = await runCliProcess(
    ["sts", "get-caller-identity", "--profile", "dev"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_REGION: "us-east-1",
      ...viaProxy,
      NO_PROXY: PROXIED_HOST,
    },
  );
  assert.equal(direct.code, 255, direct.stderr);
  assert.match(direct.stderr, /Could not connect to the endpoint URL/);
  assert.equal(
    proxy.seen.length,
    seenBefore,
    "NO_PROXY: not through the proxy",
  );
});

Deno.test("HTTP_PROXY carries calls to an http:// endpoint", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using proxy = startTestProxy();
  await using home = await tempHome();
  const endpoint = proxied(server.url);
  const result = await runCliProcess(
    ["login", "--profile", "dev", "--region", "us-east-1"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: endpoint,
      BROWSER: standInBrowser("approve"),
      HTTP_PROXY: proxy.url,
      NO_PROXY: "",
      no_proxy: "",
    },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(proxy.seen, [`POST ${endpoint}/v1/token`]);
});

Deno.test("an endpoint on this computer is never sent to a proxy (plain http or https, 127.0.0.1 or localhost)", async () => {
  await using ca = await makeTestCa();
  await using plain = await startEmulator({ autoApprove: true });
  await using tls = await startEmulator({
    autoApprove: true,
    tls: { cert: ca.cert, key: ca.key },
  });
  await using proxy = startTestProxy();
  const proxies = {
    HTTP_PROXY: proxy.url,
    HTTPS_PROXY: proxy.url,
    http_proxy: proxy.url,
    https_proxy: proxy.url,
    NO_PROXY: "",
    no_proxy: "",
  };
  // Signed in at 127.0.0.1; then refreshed and called at each name of this computer.
  const cases: [string, string, Record<string, string>][] = [
    [plain.url, plain.url, {}],
    [plain.url, plain.url.replace("127.0.0.1", "localhost"), {}],
    [tls.url, tls.url, { AWS_CA_BUNDLE: ca.caFile }],
  ];
  for (const [loginAt, endpoint, extra] of cases) {
    await using home = await tempHome();
    const loggedIn = await login(home, loginAt, ca.caFile, {
      ...proxies,
      ...extra,
    });
    assert.equal(loggedIn.code, 0, `${endpoint}: ${loggedIn.stderr}`);
    await ageEntry(`${home.cache}/${ENTRY}`, 60);
    const refreshed = await runCliProcess(
      ["configure", "export-credentials", "--profile", "dev"],
      { ...home.env, AWS_ENDPOINT_URL_SIGNIN: endpoint, ...proxies, ...extra },
    );
    assert.equal(refreshed.code, 0, refreshed.stderr);
    const sts = await runCliProcess(
      ["sts", "get-caller-identity", "--profile", "dev"],
      {
        ...home.env,
        AWS_ENDPOINT_URL_STS: endpoint,
        AWS_REGION: "us-east-1",
        ...proxies,
        ...extra,
      },
    );
    assert.equal(sts.code, 0, sts.stderr);
  }
  assert.deepEqual(proxy.seen, [], "the proxy saw nothing");
});

Deno.test("an https:// proxy whose certificate the company CA signed works with the same AWS_CA_BUNDLE", async () => {
  await using ca = await makeTestCa();
  await using server = await startEmulator({
    autoApprove: true,
    tls: { cert: ca.cert, key: ca.key },
  });
  await using proxy = startTestProxy({ tls: { cert: ca.cert, key: ca.key } });
  const result = await runCliProcess(["sts", "get-caller-identity"], {
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_STS: proxied(server.url),
    AWS_CA_BUNDLE: ca.caFile,
    HTTPS_PROXY: proxy.url,
    NO_PROXY: "",
    no_proxy: "",
    HOME: ca.dir,
  });
  // The emulator does not know these keys: its answer shows the call went through.
  assert.equal(result.code, 254, result.stderr);
  assert.match(result.stderr, /InvalidClientTokenId/);
  assert.deepEqual(proxy.seen, [
    `CONNECT ${PROXIED_HOST}:${new URL(server.url).port}`,
  ]);
});

Deno.test("--no-verify-ssl goes through HTTPS_PROXY (http:// or https:// proxy, with its credentials), and NO_PROXY still bypasses it", async () => {
  await using ca = await makeTestCa();
  await using server = await startEmulator({
    tls: { cert: ca.cert, key: ca.key },
  });
  await using plainProxy = startTestProxy();
  await using tlsProxy = startTestProxy({
    tls: { cert: ca.cert, key: ca.key },
  });
  await using home = await tempHome();
  const port = new URL(server.url).port;
  const sts = (env: Record<string, string>) =>
    runCliProcess(["sts", "get-caller-identity", "--no-verify-ssl"], {
      ...home.env,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "us-east-1",
      // A name only the proxy resolves, with a certificate nobody trusts.
      AWS_ENDPOINT_URL_STS: proxied(server.url),
      NO_PROXY: "",
      no_proxy: "",
      ...env,
    });
  for (const proxy of [plainProxy, tlsProxy]) {
    const url = new URL(proxy.url);
    url.username = "me";
    url.password = "p@ss word";
    const result = await sts({ HTTPS_PROXY: url.href });
    // The emulator does not know these keys: its answer shows the call went through.
    assert.equal(result.code, 254, `${proxy.url}: ${result.stderr}`);
    assert.match(result.stderr, /InvalidClientTokenId/);
    assert.match(result.stderr, /Certificate verification is off/);
    assert.deepEqual(proxy.seen, [`CONNECT ${PROXIED_HOST}:${port}`]);
    // The proxy's credentials on the CONNECT (a retry under load may send them twice: never anything else).
    assert.ok(proxy.authorizations.length >= 1, JSON.stringify(proxy));
    for (const auth of proxy.authorizations) {
      assert.equal(auth, `Basic ${btoa("me:p@ss word")}`);
    }
    assert.doesNotMatch(result.stderr, /p@ss|ss%20word/);
  }
  const direct = await sts({
    HTTPS_PROXY: plainProxy.url,
    NO_PROXY: PROXIED_HOST,
  });
  assert.equal(direct.code, 255, direct.stderr);
  assert.match(direct.stderr, /Could not connect to the endpoint URL/);
  assert.equal(plainProxy.seen.length, 1, "NO_PROXY: not through the proxy");
  // A SOCKS proxy: refused, with what to do instead.
  const socks = await sts({ ALL_PROXY: "socks5://127.0.0.1:9" });
  assert.equal(socks.code, 253, socks.stderr);
  assert.match(
    socks.stderr,
    /--no-verify-ssl cannot go through the socks5 proxy in ALL_PROXY: give --ca-bundle with the CA certificates of the endpoint instead, or an http:\/\/ or https:\/\/ proxy\./,
  );
  // A proxy that refuses the tunnel: said, not hidden.
  const refused = await sts({
    HTTPS_PROXY: plainProxy.url,
    AWS_ENDPOINT_URL_STS: `https://elsewhere.example:${port}`,
  });
  assert.equal(refused.code, 255, refused.stderr);
  assert.match(
    refused.stderr,
    /Could not connect to the endpoint URL: "https:\/\/elsewhere\.example:\d+\/" \(the proxy http:\/\/127\.0\.0\.1:\d+ refused the tunnel: HTTP\/1\.1 403 Forbidden\)/,
  );
});

Deno.test("--no-verify-ssl with HTTP_PROXY: an http:// endpoint goes through the proxy", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using proxy = startTestProxy();
  await using home = await tempHome();
  const result = await runCliProcess(
    ["sts", "get-caller-identity", "--no-verify-ssl"],
    {
      ...home.env,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_STS: proxied(server.url),
      HTTP_PROXY: proxy.url,
      NO_PROXY: "",
      no_proxy: "",
    },
  );
  assert.equal(result.code, 254, result.stderr);
  assert.deepEqual(proxy.seen, [`POST ${proxied(server.url)}/`]);
});
