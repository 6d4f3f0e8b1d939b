/**
 * The emulator's sso-oidc on the wire (RegisterClient,
 * StartDeviceAuthorization, CreateToken with the device code): the bodies,
 * statuses and `x-amzn-ErrorType` headers clients parse, and the device
 * flow's pending, approval, denial, slow-down and expiry. The other grants
 * are in sso_token_test.ts.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  control,
  deviceLogin,
  oidc,
  pollDevice,
  register,
  START_URL,
  startDevice,
} from "./_sso.ts";

const OIDC_NS = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";

Deno.test("RegisterClient: what it answers, and what it refuses", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const ok = await oidc(base, "/client/register", {
    clientName: "botocore-client-my-sso",
    clientType: "public",
    scopes: ["sso:account:access"],
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.contentType, "application/json");
  assert.match(ok.requestId ?? "", /^[0-9a-f-]{36}$/);
  assert.deepEqual(Object.keys(ok.json).sort(), [
    "clientId",
    "clientIdIssuedAt",
    "clientSecret",
    "clientSecretExpiresAt",
  ]);
  const now = Math.floor(server.emulator.now() / 1000);
  assert.ok(Math.abs(ok.json.clientIdIssuedAt - now) <= 1);
  assert.equal(
    ok.json.clientSecretExpiresAt - ok.json.clientIdIssuedAt,
    90 * 86400,
  );

  const refused = async (body: unknown, code: string, oauth: string) => {
    const res = await oidc(base, "/client/register", body);
    assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.text}`);
    assert.equal(res.errorType, `${code}:${OIDC_NS}`);
    assert.equal(res.json.error, oauth);
    assert.equal(typeof res.json.error_description, "string");
    assert.equal(
      res.json.message,
      undefined,
      "sso-oidc errors carry no message",
    );
    assert.match(res.requestId ?? "", /^[0-9a-f-]{36}$/);
  };
  await refused(
    { clientType: "public" },
    "InvalidRequestException",
    "invalid_request",
  );
  await refused(
    { clientName: "x", clientType: "confidential" },
    "InvalidClientMetadataException",
    "invalid_client_metadata",
  );
  await refused(
    { clientName: "x", clientType: "public", grantTypes: ["password"] },
    "InvalidClientMetadataException",
    "invalid_client_metadata",
  );
  const auth = {
    clientName: "x",
    clientType: "public",
    grantTypes: ["authorization_code", "refresh_token"],
    scopes: ["sso:account:access"],
  };
  await refused(
    { ...auth, redirectUris: ["http://127.0.0.1/oauth/callback"] },
    "InvalidRequestException",
    "invalid_request",
  );
  await refused(
    {
      ...auth,
      issuerUrl: "https://d-9999999999.awsapps.com/start",
      redirectUris: ["http://127.0.0.1/oauth/callback"],
    },
    "InvalidRequestException",
    "invalid_request",
  );
  for (
    const uri of [
      "http://localhost/oauth/callback",
      "http://127.0.0.1:8080/callback",
      "https://127.0.0.1/oauth/callback",
    ]
  ) {
    await refused(
      { ...auth, issuerUrl: START_URL, redirectUris: [uri] },
      "InvalidRedirectUriException",
      "invalid_redirect_uri",
    );
  }
  // Not JSON at all.
  const notJson = await fetch(`${base}/client/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{",
  });
  assert.equal(notJson.status, 400);
  assert.match(
    notJson.headers.get("x-amzn-errortype")!,
    /^InvalidRequestException:/,
  );
  await notJson.body?.cancel();
  // The start URL is accepted with a trailing slash or "#/", as users configure it.
  await register(base, {
    ...auth,
    issuerUrl: `${START_URL}/#/`,
    redirectUris: ["http://127.0.0.1:1234/oauth/callback"],
  });
});

Deno.test("device flow: pending, approval, tokens with and without scopes, single use", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const client = await register(base);
  const started = await startDevice(base, client);
  assert.equal(started.status, 200, started.text);
  const d = started.json;
  assert.match(d.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(d.verificationUri, `${base}/device`);
  assert.equal(
    d.verificationUriComplete,
    `${base}/device?user_code=${d.userCode}`,
  );
  assert.equal(d.expiresIn, 600);
  assert.equal(d.interval, 1);
  assert.equal(typeof d.deviceCode, "string");

  const pending = await pollDevice(base, client, d.deviceCode);
  assert.equal(pending.status, 400);
  assert.equal(pending.errorType, `AuthorizationPendingException:${OIDC_NS}`);
  assert.deepEqual(pending.json, {
    error: "authorization_pending",
    error_description: "Authorization is still pending",
  });
  assert.equal(
    (await control(base, "sso/device", { userCode: d.userCode })).json.approved,
    1,
  );
  const token = await pollDevice(base, client, d.deviceCode);
  assert.equal(token.status, 200, token.text);
  assert.equal(token.json.tokenType, "Bearer");
  assert.equal(token.json.expiresIn, 3600);
  assert.equal(typeof token.json.accessToken, "string");
  assert.equal(typeof token.json.refreshToken, "string");
  const again = await pollDevice(base, client, d.deviceCode);
  assert.equal(again.status, 400);
  assert.match(again.errorType!, /^InvalidGrantException:/);

  // A client registered without scopes (the legacy form): 8 hours, no refresh token.
  const legacy = await deviceLogin(base, {
    clientName: "botocore-client-1764800000",
    clientType: "public",
  });
  assert.equal(legacy.tokens.expiresIn, 28800);
  assert.equal(legacy.tokens.refreshToken, undefined);

  // Another client's device code, a wrong secret, an unknown client.
  const other = await register(base);
  const fresh = await startDevice(base, client);
  const stolen = await pollDevice(base, other, fresh.json.deviceCode);
  assert.match(stolen.errorType!, /^InvalidGrantException:/);
  const badSecret = await pollDevice(
    base,
    { clientId: client.clientId, clientSecret: "nope" },
    fresh.json.deviceCode,
  );
  assert.equal(badSecret.status, 401);
  assert.match(badSecret.errorType!, /^InvalidClientException:/);
  assert.equal(badSecret.json.error, "invalid_client");
  const unknown = await startDevice(base, { clientId: "x", clientSecret: "y" });
  assert.equal(unknown.status, 401);
  assert.match(unknown.errorType!, /^InvalidClientException:/);
});

Deno.test("device flow: an unknown start URL is InvalidRequestException with no message", async () => {
  await using server = await startEmulator();
  const client = await register(server.url);
  const res = await startDevice(
    server.url,
    client,
    "https://d-9999999999.awsapps.com/start",
  );
  assert.equal(res.status, 400);
  assert.equal(res.errorType, `InvalidRequestException:${OIDC_NS}`);
  assert.equal(res.json.error, "invalid_request");
  assert.equal(res.json.message, undefined);
});

Deno.test("device flow: denied, slow down (the interval grows by 5), expired after expiresIn", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const client = await register(base);
  const denied = (await startDevice(base, client)).json;
  assert.equal(
    (await control(base, "sso/device", {
      userCode: denied.userCode,
      decision: "deny",
    })).json.denied,
    1,
  );
  const refused = await pollDevice(base, client, denied.deviceCode);
  assert.equal(refused.status, 400);
  assert.match(refused.errorType!, /^AccessDeniedException:/);
  assert.equal(refused.json.error, "access_denied");

  // botocore's first two polls come back to back; a third as fast is too fast.
  const d = (await startDevice(base, client)).json;
  const codes = [];
  for (let i = 0; i < 3; i++) {
    codes.push(
      (await pollDevice(base, client, d.deviceCode)).errorType?.split(":")[0],
    );
  }
  assert.deepEqual(codes, [
    "AuthorizationPendingException",
    "AuthorizationPendingException",
    "SlowDownException",
  ]);
  const slow = await pollDevice(base, client, d.deviceCode);
  assert.deepEqual(slow.json, {
    error: "slow_down",
    error_description: "Client is polling too quickly",
  });
  // Now the interval is 1 + 5 + 5 = 11 s: 10 s later is too fast (16 s from then on); 16 s after that is not.
  server.emulator.advanceClock(10);
  assert.match(
    (await pollDevice(base, client, d.deviceCode)).errorType!,
    /^SlowDownException:/,
  );
  server.emulator.advanceClock(16);
  assert.match(
    (await pollDevice(base, client, d.deviceCode)).errorType!,
    /^AuthorizationPendingException:/,
  );
  // 600 s after it started the code has expired, approved or not.
  await control(base, "sso/device", { userCode: d.userCode });
  server.emulator.advanceClock(600);
  const expired = await pollDevice(base, client, d.deviceCode);
  assert.equal(expired.status, 400);
  assert.equal(expired.errorType, `ExpiredTokenException:${OIDC_NS}`);
  assert.equal(expired.json.error, "expired_token");
});
