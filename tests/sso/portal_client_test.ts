/**
 * The portal client against a scripted local server (protocol-sso.md
 * §4.6–4.8): the query in botocore's order and encoding, the bearer header,
 * epoch-millisecond expirations, pagination (page size 1), an empty-bodied
 * Logout, and the AWS CLI's texts: 401 → "session ... expired or is
 * otherwise invalid" (255), 403 → the ForbiddenException service error (254).
 */
import assert from "node:assert/strict";
import {
  getRoleCredentials,
  listAccountRoles,
  listAccounts,
  listAllAccountRoles,
  listAllAccounts,
  logout,
} from "../../lib/sso/portal_client.ts";
import { SsoUnauthorizedError } from "../../lib/sso/errors.ts";
import { ServiceError } from "../../lib/errors.ts";
import { formatError } from "../../lib/error_format.ts";
import { startFakeSso } from "./_fake_sso.ts";

Deno.test("GetRoleCredentials: role_name then account_id, the bearer header, no body", async () => {
  const server = startFakeSso();
  try {
    server.reply({
      body: {
        roleCredentials: {
          accessKeyId: "ASIAMOCK3333",
          secretAccessKey: "secret",
          sessionToken: "session-Admin",
          expiration: 1796408848123,
        },
      },
    });
    const creds = await getRoleCredentials({ endpoint: server.url }, {
      accessToken: "at-1",
      roleName: "Admin Role+x",
      accountId: "111122223333",
    });
    assert.deepEqual(creds, {
      accessKeyId: "ASIAMOCK3333",
      secretAccessKey: "secret",
      sessionToken: "session-Admin",
      expirationMs: 1796408848123,
    });
    const [seen] = server.requests;
    assert.equal(seen!.method, "GET");
    assert.equal(seen!.path, "/federation/credentials");
    assert.equal(
      seen!.query,
      "role_name=Admin%20Role%2Bx&account_id=111122223333",
    );
    assert.equal(seen!.headers.get("x-amz-sso_bearer_token"), "at-1");
    assert.equal(seen!.headers.get("content-type"), null);
    assert.equal(seen!.headers.get("authorization"), null);
    assert.equal(seen!.body, "");
  } finally {
    await server.close();
  }
});

Deno.test("GetRoleCredentials errors: 401 is the AWS CLI's expired-session text (255), 403 'No access' a service error (254)", async () => {
  const server = startFakeSso();
  try {
    server.reply(
      {
        status: 401,
        headers: { "x-amzn-ErrorType": "UnauthorizedException" },
        body: { message: "Session token not found or invalid" },
      },
      {
        status: 403,
        headers: { "x-amzn-ErrorType": "ForbiddenException" },
        body: { message: "No access" },
      },
      {
        status: 404,
        headers: { "x-amzn-ErrorType": "ResourceNotFoundException" },
        body: { message: "Nope" },
      },
    );
    const request = { accessToken: "at", roleName: "Admin", accountId: "1" };
    const expired = await getRoleCredentials({ endpoint: server.url }, request)
      .catch((e) => e);
    assert.ok(expired instanceof SsoUnauthorizedError);
    assert.equal(expired.kind, "other");
    assert.equal(
      expired.message,
      "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO " +
        "session run aws-signin sso login with the corresponding profile.",
    );
    const forbidden = await getRoleCredentials(
      { endpoint: server.url },
      request,
    ).catch((e) => e);
    assert.ok(forbidden instanceof ServiceError);
    assert.equal(forbidden.kind, "service");
    assert.equal(
      forbidden.message,
      "An error occurred (ForbiddenException) when calling the GetRoleCredentials operation: No access",
    );
    assert.deepEqual(forbidden.details, {
      Message: "No access",
      Code: "ForbiddenException",
    });
    assert.equal(
      formatError(forbidden),
      "aws-signin: [ERROR]: An error occurred (ForbiddenException) when calling the GetRoleCredentials operation: " +
        "No access\n",
    );
    const missing = await getRoleCredentials({ endpoint: server.url }, request)
      .catch((e) => e);
    assert.deepEqual(missing.details, {
      Message: "Nope",
      Code: "ResourceNotFoundException",
      message: "Nope",
    });
  } finally {
    await server.close();
  }
});

Deno.test("listings: one page with next_token/max_result, and every page (page size 1)", async () => {
  const server = startFakeSso();
  try {
    server.reply(
      {
        body: {
          nextToken: "p2",
          accountList: [{
            accountId: "1",
            accountName: "One",
            emailAddress: "one@x",
          }],
        },
      },
      { body: { accountList: [{ accountId: "2" }, { accountName: "no id" }] } },
      {
        body: {
          nextToken: "r2",
          roleList: [{ roleName: "Admin", accountId: "1" }],
        },
      },
      { body: { roleList: [{ roleName: "ReadOnly", accountId: "1" }] } },
      { body: { nextToken: "same", accountList: [] } },
      { body: { nextToken: "same", accountList: [{ accountId: "3" }] } },
      { body: { accountList: [{ accountId: "9" }] } },
      { body: { roleList: [] } },
    );
    const options = { endpoint: server.url };
    assert.deepEqual(
      await listAllAccounts(options, { accessToken: "at", pageSize: 1 }),
      [
        { accountId: "1", accountName: "One", emailAddress: "one@x" },
        { accountId: "2" },
      ],
    );
    assert.deepEqual(
      await listAllAccountRoles(options, {
        accessToken: "at",
        accountId: "1",
        pageSize: 1,
      }),
      [{ roleName: "Admin", accountId: "1" }, {
        roleName: "ReadOnly",
        accountId: "1",
      }],
    );
    // A server that repeats a token cannot keep us paging.
    assert.deepEqual(await listAllAccounts(options, { accessToken: "at" }), [{
      accountId: "3",
    }]);
    assert.deepEqual(await listAccounts(options, { accessToken: "at" }), {
      items: [{ accountId: "9" }],
    });
    assert.deepEqual(
      await listAccountRoles(options, {
        accessToken: "at",
        accountId: "1",
        nextToken: "a b",
      }),
      {
        items: [],
      },
    );
    assert.deepEqual(server.requests.map((r) => `${r.path}?${r.query}`), [
      "/assignment/accounts?max_result=1",
      "/assignment/accounts?next_token=p2&max_result=1",
      "/assignment/roles?account_id=1&max_result=1",
      "/assignment/roles?account_id=1&next_token=r2&max_result=1",
      "/assignment/accounts?",
      "/assignment/accounts?next_token=same",
      "/assignment/accounts?",
      "/assignment/roles?account_id=1&next_token=a%20b",
    ]);
    assert.ok(
      server.requests.every((r) =>
        r.headers.get("x-amz-sso_bearer_token") === "at"
      ),
    );
  } finally {
    await server.close();
  }
});

Deno.test("Logout: POST with no body (Content-Length 0) and the bearer header; 200 with an empty body", async () => {
  const server = startFakeSso();
  try {
    server.reply({ status: 200 });
    await logout({ endpoint: server.url }, { accessToken: "at-9" });
    const [seen] = server.requests;
    assert.equal(seen!.method, "POST");
    assert.equal(seen!.path, "/logout");
    assert.equal(seen!.body, "");
    assert.equal(seen!.headers.get("content-length"), "0");
    assert.equal(seen!.headers.get("content-type"), null);
    assert.equal(seen!.headers.get("x-amz-sso_bearer_token"), "at-9");
    server.reply({
      status: 401,
      headers: { "x-amzn-ErrorType": "UnauthorizedException" },
      body: { message: "x" },
    });
    const refused = await logout({ endpoint: server.url }, {
      accessToken: "at-9",
    }).catch((e) => e);
    assert.ok(
      refused instanceof ServiceError &&
        refused.code === "UnauthorizedException",
    );
  } finally {
    await server.close();
  }
});
