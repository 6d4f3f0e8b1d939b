/**
 * The emulator's sso-oidc CreateToken beyond the device flow: the
 * authorization code with PKCE, refresh rotation, token lifetimes and the
 * settings, expired registrations, faults and the request log.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  authLogin,
  authorizeUrl,
  control,
  DEVICE_GRANT,
  deviceLogin,
  oidc,
  operations,
  pollDevice,
  redirectUri,
  register,
  registerAuthClient,
  startDevice,
} from "./_sso.ts";

const OIDC_NS = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/";

Deno.test("authorization code + PKCE: redirect URI with its port, verifier, single use, scopes", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const base = server.url;
  const { tokens } = await authLogin(base, 45678);
  assert.equal(tokens.expiresIn, 3600);
  assert.equal(typeof tokens.refreshToken, "string");

  const client = await registerAuthClient(base);
  const code = async () => {
    const a = await authorizeUrl(base, client, { port: 40000 });
    const res = await fetch(a.url, { redirect: "manual" });
    await res.body?.cancel();
    assert.equal(res.status, 302);
    return {
      ...a,
      code: new URL(res.headers.get("location")!).searchParams.get("code")!,
    };
  };
  const exchange = (
    c: { code: string; verifier: string },
    overrides: Record<string, unknown> = {},
  ) =>
    oidc(base, "/token", {
      grantType: "authorization_code",
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: redirectUri(40000),
      codeVerifier: c.verifier,
      code: c.code,
      ...overrides,
    });
  const invalidGrant = async (res: Promise<unknown>) => {
    const r = await res as Awaited<ReturnType<typeof oidc>>;
    assert.equal(r.status, 400, r.text);
    assert.equal(r.errorType, `InvalidGrantException:${OIDC_NS}`);
    assert.deepEqual(r.json, {
      error: "invalid_grant",
      error_description: "Invalid grant provided",
    });
  };
  const c1 = await code();
  await invalidGrant(exchange(c1, { redirectUri: redirectUri(40001) }));
  const c2 = await code();
  await invalidGrant(exchange(c2, { codeVerifier: "a".repeat(64) }));
  const c3 = await code();
  assert.equal((await exchange(c3)).status, 200);
  await invalidGrant(exchange(c3));
  const c4 = await code();
  server.emulator.advanceClock(301);
  await invalidGrant(exchange(c4));
  // A device-flow client (no authorization_code grant) cannot redeem codes.
  const device = await register(base);
  const c5 = await code();
  const unauthorized = await exchange(c5, {
    clientId: device.clientId,
    clientSecret: device.clientSecret,
  });
  assert.equal(unauthorized.status, 400);
  assert.match(unauthorized.errorType!, /^UnauthorizedClientException:/);
  // An unknown grant type.
  const grant = await exchange(c5, { grantType: "password" });
  assert.match(grant.errorType!, /^UnsupportedGrantTypeException:/);
});

Deno.test("refresh: strict rotation (default) and none; an ended or revoked session is InvalidGrantException", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const { tokens, client } = await deviceLogin(base);
  const refresh = (refreshToken: string, c = client) =>
    oidc(base, "/token", {
      grantType: "refresh_token",
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      refreshToken,
    });
  const first = await refresh(tokens.refreshToken!);
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.expiresIn, 3600);
  assert.notEqual(first.json.refreshToken, tokens.refreshToken);
  assert.notEqual(first.json.accessToken, tokens.accessToken);
  const reused = await refresh(tokens.refreshToken!);
  assert.match(reused.errorType!, /^InvalidGrantException:/);

  const settings = await control(base, "sso/settings", { rotation: "none" });
  assert.equal(settings.json.rotation, "none");
  const kept = await refresh(first.json.refreshToken);
  assert.equal(kept.status, 200);
  assert.equal(
    kept.json.refreshToken,
    undefined,
    "not rotated: no refreshToken",
  );
  assert.equal((await refresh(first.json.refreshToken)).status, 200);

  // Another client cannot use it.
  const other = await register(base);
  assert.match(
    (await refresh(first.json.refreshToken, other)).errorType!,
    /^InvalidGrantException:/,
  );
  // The session ends after 8 hours (configurable): refresh fails.
  await control(base, "sso/settings", { sessionTtl: 100 });
  server.emulator.advanceClock(100);
  assert.match(
    (await refresh(first.json.refreshToken)).errorType!,
    /^InvalidGrantException:/,
  );
  // Ended and revoked sessions through the control API.
  await control(base, "sso/settings", { sessionTtl: 28800 });
  const two = await deviceLogin(base);
  assert.equal(
    (await control(base, "sso/end-sessions", {
      accessToken: two.tokens.accessToken,
    })).json.ended,
    1,
  );
  assert.match(
    (await refresh(two.tokens.refreshToken!, two.client)).errorType!,
    /^InvalidGrantException:/,
  );
  const three = await deviceLogin(base);
  assert.ok((await control(base, "sso/revoke-sessions")).json.revoked >= 1);
  assert.match(
    (await refresh(three.tokens.refreshToken!, three.client)).errorType!,
    /^InvalidGrantException:/,
  );
});

Deno.test("access tokens never outlive the session; the settings say what they are", async () => {
  await using server = await startEmulator({
    sso: { sessionTtl: 1800, accessTokenTtl: 900, legacyTokenTtl: 7200 },
  });
  const base = server.url;
  const scoped = await deviceLogin(base);
  assert.equal(scoped.tokens.expiresIn, 900);
  const legacy = await deviceLogin(base, {
    clientName: "botocore-client-1",
    clientType: "public",
  });
  assert.equal(legacy.tokens.expiresIn, 1800, "capped at the session's end");
  const s = (await control(base, "sso/settings")).json;
  assert.deepEqual(s, {
    sessionTtl: 1800,
    accessTokenTtl: 900,
    legacyTokenTtl: 7200,
    registrationTtl: 7776000,
    roleTtl: 3600,
    deviceCodeTtl: 600,
    deviceInterval: 1,
    pageSize: 20,
    rotation: "strict",
  });
  const bad = await control(base, "sso/settings", { pageSize: 0 });
  assert.equal(bad.status, 400);
  const badRotation = await control(base, "sso/settings", { rotation: "x" });
  assert.equal(badRotation.status, 400);
});

Deno.test("an expired registration: InvalidClientException for every OIDC call", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const { tokens, client } = await deviceLogin(base);
  const expired = await control(base, "sso/expire-registrations", {
    clientId: client.clientId,
  });
  assert.equal(expired.json.expired, 1);
  const refreshed = await oidc(base, "/token", {
    grantType: "refresh_token",
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    refreshToken: tokens.refreshToken,
  });
  assert.equal(refreshed.status, 401);
  assert.match(refreshed.errorType!, /^InvalidClientException:/);
  assert.equal((await startDevice(base, client)).status, 401);
  // Registrations also expire with time (90 days by default).
  const later = await register(base);
  server.emulator.advanceClock(90 * 86400);
  assert.equal((await startDevice(base, later)).status, 401);
});

Deno.test("faults per operation: error with the shape and status, delay, then normal again; the request log", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const fault = (body: unknown) =>
    fetch(`${base}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  await fault({
    operation: "RegisterClient",
    error: "InternalServerException",
  });
  const failed = await oidc(base, "/client/register", {
    clientName: "x",
    clientType: "public",
  });
  assert.equal(failed.status, 500);
  assert.equal(failed.errorType, `InternalServerException:${OIDC_NS}`);
  assert.equal(failed.json.error, "server_error");
  assert.equal(failed.json.message, undefined);
  const client = await register(base);

  await fault({
    operation: "StartDeviceAuthorization",
    error: "InvalidRequestException",
    status: 400,
  });
  assert.match(
    (await startDevice(base, client)).errorType!,
    /^InvalidRequestException:/,
  );
  const d = (await startDevice(base, client)).json;

  await fault({
    operation: "CreateToken",
    error: "SlowDownException",
    count: 2,
  });
  for (let i = 0; i < 2; i++) {
    const r = await pollDevice(base, client, d.deviceCode);
    assert.equal(r.status, 400);
    assert.equal(r.json.error, "slow_down");
  }
  await fault({ operation: "CreateToken", delayMs: 300 });
  const started = performance.now();
  const r = await oidc(base, "/token", {
    grantType: DEVICE_GRANT,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    deviceCode: d.deviceCode,
  });
  assert.ok(performance.now() - started >= 280);
  assert.match(r.errorType ?? "", /^(AuthorizationPending|SlowDown)Exception:/);

  const bad = await fault({ operation: "Nope", error: "x" });
  assert.match(bad.message, /operation must be/);

  const log = await (await fetch(`${base}/_emulator/requests`)).json();
  const ops = log.filter((e: { operation: string }) =>
    e.operation !== "Control"
  );
  assert.deepEqual(
    ops.map((e: { operation: string; status: number }) =>
      `${e.operation} ${e.status}`
    ),
    [
      "RegisterClient 500",
      "RegisterClient 200",
      "StartDeviceAuthorization 400",
      "StartDeviceAuthorization 200",
      "CreateToken 400",
      "CreateToken 400",
      "CreateToken 400",
    ],
  );
  const tokenEntry = ops.find((e: { operation: string }) =>
    e.operation === "CreateToken"
  );
  assert.equal(tokenEntry.grantType, DEVICE_GRANT);
  assert.equal(tokenEntry.error, "SlowDownException");
  const text = JSON.stringify(log);
  assert.ok(!text.includes(client.clientSecret), "no secret in the log");
  assert.ok(!text.includes(d.deviceCode), "no device code in the log");
  assert.deepEqual(await operations(base, ["RegisterClient"]), [
    "RegisterClient",
    "RegisterClient",
  ]);
});
