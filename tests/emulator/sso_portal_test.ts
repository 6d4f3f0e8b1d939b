/**
 * The emulator's access portal on the wire (GetRoleCredentials,
 * ListAccounts, ListAccountRoles, Logout): bearer-token checks including the
 * scopes rule, assignments, pagination, keys that the emulator's STS knows
 * as the `AWSReservedSSO_…` role, logout and revocation, faults.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { assumeRole, getCallerIdentity } from "../../lib/sts/client.ts";
import {
  authLogin,
  control,
  deviceLogin,
  oidc,
  operations,
  pollDevice,
  portal,
  register,
  startDevice,
} from "./_sso.ts";

const PORTAL_NS =
  "http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/";
const creds = (account: string, role: string) =>
  `/federation/credentials?role_name=${role}&account_id=${account}`;

Deno.test("GetRoleCredentials: keys in epoch milliseconds that STS knows as the AWSReservedSSO role", async () => {
  await using server = await startEmulator({
    roles: ["arn:aws:iam::444455556666:role/Deploy"],
  });
  const base = server.url;
  const { tokens } = await deviceLogin(base);
  const res = await portal(
    base,
    "GET",
    creds("111122223333", "Admin"),
    tokens.accessToken,
  );
  assert.equal(res.status, 200, res.text);
  assert.equal(res.contentType, "application/json");
  assert.match(res.requestId ?? "", /^[0-9a-f-]{36}$/);
  const rc = res.json.roleCredentials;
  assert.deepEqual(Object.keys(rc).sort(), [
    "accessKeyId",
    "expiration",
    "secretAccessKey",
    "sessionToken",
  ]);
  assert.match(rc.accessKeyId, /^ASIA/);
  const expected = server.emulator.now() + 3600_000;
  assert.ok(
    Number.isInteger(rc.expiration) && rc.expiration <= expected &&
      rc.expiration > expected - 5000,
    `expiration ${rc.expiration}: epoch milliseconds, an hour from now`,
  );
  const call = {
    endpoint: base,
    region: "us-east-1",
    credentials: rc,
    sleep: () => Promise.resolve(),
  };
  const identity = await getCallerIdentity(call);
  assert.match(
    identity.Arn,
    /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Admin_[0-9a-f]{16}\/demo$/,
  );
  assert.equal(identity.Account, "111122223333");
  assert.match(identity.UserId, /^AROA[A-Z2-7]{17}:demo$/);
  // The suffix is the permission set's: the same for every session.
  const again = await portal(
    base,
    "GET",
    creds("111122223333", "Admin"),
    tokens.accessToken,
  );
  const second = await getCallerIdentity({
    ...call,
    credentials: again.json.roleCredentials,
  });
  assert.equal(second.Arn, identity.Arn);
  // role_arn + source_profile on an SSO profile: AssumeRole with those keys.
  const assumed = await assumeRole(call, {
    RoleArn: "arn:aws:iam::444455556666:role/Deploy",
    RoleSessionName: "chained",
  });
  assert.equal(
    assumed.Arn,
    "arn:aws:sts::444455556666:assumed-role/Deploy/chained",
  );
});

Deno.test("GetRoleCredentials: 401 for a missing, unknown, expired or foreign-scoped token; 403 No access; 400 without parameters", async () => {
  await using server = await startEmulator({ sso: { user: "alice" } });
  const base = server.url;
  const unauthorized = async (token: string | undefined) => {
    const res = await portal(
      base,
      "GET",
      creds("111122223333", "Admin"),
      token,
    );
    assert.equal(res.status, 401, res.text);
    assert.equal(res.errorType, `UnauthorizedException:${PORTAL_NS}`);
    assert.deepEqual(res.json, {
      message: "Session token not found or invalid",
    });
  };
  await unauthorized(undefined);
  await unauthorized("nope");
  // The console's federation endpoint beside it is another route.
  const federation = await portal(base, "GET", "/federation", undefined);
  assert.equal(federation.status, 400);
  assert.equal(federation.errorType, null);
  assert.match(
    federation.json.message,
    /^Action must be getSigninToken or login/,
  );
  // An IDE's token: its client registered with other scopes only.
  const ide = await deviceLogin(base, {
    clientName: "AWS IDE Extensions for VSCode",
    clientType: "public",
    scopes: ["codewhisperer:completions", "codewhisperer:analysis"],
  });
  await unauthorized(ide.tokens.accessToken);
  // A legacy token (no scopes) works.
  const legacy = await deviceLogin(base, {
    clientName: "botocore-client-1",
    clientType: "public",
  });
  const ok = await portal(
    base,
    "GET",
    creds("444455556666", "ReadOnly"),
    legacy.tokens.accessToken,
  );
  assert.equal(ok.status, 200, ok.text);
  const forbidden = async (path: string) => {
    const res = await portal(base, "GET", path, legacy.tokens.accessToken);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.errorType, `ForbiddenException:${PORTAL_NS}`);
    assert.deepEqual(res.json, { message: "No access" });
  };
  await forbidden(creds("111122223333", "Nope"));
  await forbidden(creds("999999999999", "Admin"));
  const missing = await portal(
    base,
    "GET",
    "/federation/credentials?account_id=111122223333",
    legacy.tokens.accessToken,
  );
  assert.equal(missing.status, 400);
  assert.match(missing.errorType!, /^InvalidRequestException:/);
  assert.equal(typeof missing.json.message, "string");
  // The token expires after expiresIn.
  server.emulator.advanceClock(28800);
  await unauthorized(legacy.tokens.accessToken);
  // The user name is the configured one.
  const fresh = await deviceLogin(base);
  const keys = (await portal(
    base,
    "GET",
    creds("111122223333", "Admin"),
    fresh.tokens.accessToken,
  )).json.roleCredentials;
  const who = await getCallerIdentity({
    endpoint: base,
    region: "us-east-1",
    credentials: keys,
    sleep: () => Promise.resolve(),
  });
  assert.match(who.Arn, /\/alice$/);
});

Deno.test("ListAccounts and ListAccountRoles: the default assignments, pagination with nextToken and max_result", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const base = server.url;
  const { tokens } = await authLogin(base);
  const accounts = await portal(
    base,
    "GET",
    "/assignment/accounts",
    tokens.accessToken,
  );
  assert.equal(accounts.status, 200, accounts.text);
  assert.deepEqual(accounts.json, {
    accountList: [
      {
        accountId: "111122223333",
        accountName: "Development",
        emailAddress: "dev@example.com",
      },
      {
        accountId: "444455556666",
        accountName: "Production",
        emailAddress: "prod@example.com",
      },
    ],
  });
  const roles = await portal(
    base,
    "GET",
    "/assignment/roles?account_id=444455556666",
    tokens.accessToken,
  );
  assert.deepEqual(roles.json, {
    roleList: [
      { roleName: "Admin", accountId: "444455556666" },
      { roleName: "ReadOnly", accountId: "444455556666" },
    ],
  });
  // max_result=1: one page per account, then no nextToken.
  const page1 = await portal(
    base,
    "GET",
    "/assignment/accounts?max_result=1",
    tokens.accessToken,
  );
  assert.equal(page1.json.accountList.length, 1);
  assert.equal(typeof page1.json.nextToken, "string");
  const page2 = await portal(
    base,
    "GET",
    `/assignment/accounts?max_result=1&next_token=${
      encodeURIComponent(page1.json.nextToken)
    }`,
    tokens.accessToken,
  );
  assert.deepEqual(
    page2.json.accountList.map((a: { accountId: string }) => a.accountId),
    ["444455556666"],
  );
  assert.equal(page2.json.nextToken, undefined);
  // A page size set on the emulator (the AWS CLI sends no max_result).
  await control(base, "sso/settings", { pageSize: 1 });
  const r1 = await portal(
    base,
    "GET",
    "/assignment/roles?account_id=111122223333",
    tokens.accessToken,
  );
  assert.deepEqual(r1.json.roleList, [{
    roleName: "Admin",
    accountId: "111122223333",
  }]);
  const r2 = await portal(
    base,
    "GET",
    `/assignment/roles?account_id=111122223333&next_token=${
      encodeURIComponent(r1.json.nextToken)
    }`,
    tokens.accessToken,
  );
  assert.deepEqual(r2.json, {
    roleList: [{ roleName: "ReadOnly", accountId: "111122223333" }],
  });
  // Bad input.
  for (
    const path of [
      "/assignment/accounts?max_result=0",
      "/assignment/accounts?max_result=101",
      "/assignment/accounts?next_token=garbage",
      "/assignment/roles",
    ]
  ) {
    const res = await portal(base, "GET", path, tokens.accessToken);
    assert.equal(res.status, 400, `${path}: ${res.text}`);
    assert.match(res.errorType!, /^InvalidRequestException:/);
  }
  assert.equal(
    (await portal(base, "GET", "/assignment/accounts", "nope")).status,
    401,
  );
});

Deno.test("configured accounts: one account with one role, an account without a name, an account without roles", async () => {
  await using server = await startEmulator({
    sso: {
      accounts: [
        {
          accountId: "123456789012",
          accountName: "Only",
          emailAddress: "only@example.com",
          roles: ["Dev"],
        },
        { accountId: "210987654321", roles: [] },
      ],
      startUrls: ["https://my-portal.awsapps.com/start"],
    },
  });
  const base = server.url;
  const client = await register(base);
  const wrongUrl = await startDevice(base, client);
  assert.equal(wrongUrl.status, 400, "only the configured start URL is known");
  const s = await startDevice(
    base,
    client,
    "https://my-portal.awsapps.com/start",
  );
  assert.equal(s.status, 200, s.text);
  await control(base, "sso/device", { userCode: s.json.userCode });
  const token = await pollDevice(base, client, s.json.deviceCode);
  const at = token.json.accessToken;
  const accounts = await portal(base, "GET", "/assignment/accounts", at);
  assert.deepEqual(accounts.json.accountList, [
    {
      accountId: "123456789012",
      accountName: "Only",
      emailAddress: "only@example.com",
    },
    { accountId: "210987654321" },
  ]);
  const none = await portal(
    base,
    "GET",
    "/assignment/roles?account_id=210987654321",
    at,
  );
  assert.deepEqual(none.json, { roleList: [] });
  assert.equal(
    (await portal(base, "GET", creds("123456789012", "Dev"), at)).status,
    200,
  );
});

Deno.test("Logout: 200 with an empty body, then every token of that session is gone; other sessions stay", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const mine = await deviceLogin(base);
  const theirs = await deviceLogin(base);
  const out = await portal(base, "POST", "/logout", mine.tokens.accessToken);
  assert.equal(out.status, 200);
  assert.equal(out.text, "");
  assert.equal(out.contentType, "application/json");
  assert.equal(
    (await portal(
      base,
      "GET",
      creds("111122223333", "Admin"),
      mine.tokens.accessToken,
    )).status,
    401,
  );
  const refreshed = await oidc(base, "/token", {
    grantType: "refresh_token",
    clientId: mine.client.clientId,
    clientSecret: mine.client.clientSecret,
    refreshToken: mine.tokens.refreshToken,
  });
  assert.match(refreshed.errorType!, /^InvalidGrantException:/);
  assert.equal(
    (await portal(
      base,
      "GET",
      creds("111122223333", "Admin"),
      theirs.tokens.accessToken,
    )).status,
    200,
  );
  // A second logout with the same token: 401.
  const twice = await portal(base, "POST", "/logout", mine.tokens.accessToken);
  assert.equal(twice.status, 401);
  assert.match(twice.errorType!, /^UnauthorizedException:/);
  // Revoking through the control API: access tokens stop at once; ending only stops refreshes.
  const ended = await deviceLogin(base);
  await control(base, "sso/end-sessions", {
    accessToken: ended.tokens.accessToken,
  });
  assert.equal(
    (await portal(
      base,
      "GET",
      creds("111122223333", "Admin"),
      ended.tokens.accessToken,
    )).status,
    200,
  );
  await control(base, "sso/revoke-sessions", {
    accessToken: ended.tokens.accessToken,
  });
  assert.equal(
    (await portal(
      base,
      "GET",
      creds("111122223333", "Admin"),
      ended.tokens.accessToken,
    )).status,
    401,
  );
  assert.deepEqual(
    await operations(base, ["Logout"]),
    ["Logout", "Logout"],
  );
});

Deno.test("portal faults: the error's shape and status per operation, and the log", async () => {
  await using server = await startEmulator();
  const base = server.url;
  const { tokens } = await deviceLogin(base);
  const fault = (body: unknown) =>
    fetch(`${base}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const cases: [string, string, string, number][] = [
    ["GetRoleCredentials", "GET", creds("111122223333", "Admin"), 429],
    ["ListAccounts", "GET", "/assignment/accounts", 429],
    [
      "ListAccountRoles",
      "GET",
      "/assignment/roles?account_id=111122223333",
      429,
    ],
    ["Logout", "POST", "/logout", 429],
  ];
  for (const [operation, method, path, status] of cases) {
    await fault({
      operation,
      error: "TooManyRequestsException",
      message: "Slow down",
    });
    const res = await portal(base, method as "GET", path, tokens.accessToken);
    assert.equal(res.status, status, operation);
    assert.equal(res.errorType, `TooManyRequestsException:${PORTAL_NS}`);
    assert.deepEqual(res.json, { message: "Slow down" });
  }
  await fault({
    operation: "GetRoleCredentials",
    error: "UnauthorizedException",
  });
  const res = await portal(
    base,
    "GET",
    creds("111122223333", "Admin"),
    tokens.accessToken,
  );
  assert.equal(res.status, 401);
  assert.deepEqual(
    await operations(base, [
      "GetRoleCredentials",
      "ListAccounts",
      "ListAccountRoles",
      "Logout",
    ]),
    [
      "GetRoleCredentials",
      "ListAccounts",
      "ListAccountRoles",
      "Logout",
      "GetRoleCredentials",
    ],
  );
  const log = await (await fetch(`${base}/_emulator/requests`)).json();
  assert.ok(
    !JSON.stringify(log).includes(tokens.accessToken),
    "no token in the log",
  );
});
