/**
 * The sso-oidc client against a scripted local server (protocol-sso.md
 * §2.3–2.5, §4.1, §6, §8.1): the bodies byte for byte in botocore's key
 * order, the headers, error codes from `x-amzn-ErrorType` (else the body),
 * the modeled `error`/`error_description` shown as the AWS CLI's
 * "Additional error details", the device polling rules, and the AWS CLI's
 * texts and exit kinds.
 */
import assert from "node:assert/strict";
import {
  createToken,
  exchangeAuthorizationCode,
  registerClient,
  registerClientRequest,
  START_URL_OR_REGION_HINT,
  startDeviceAuthorization,
} from "../../lib/sso/oidc_client.ts";
import {
  deviceTokenAttempt,
  pollDeviceToken,
} from "../../lib/sso/device_poll.ts";
import { PendingAuthorizationExpiredError } from "../../lib/sso/errors.ts";
import { EndpointConnectionError, ServiceError } from "../../lib/errors.ts";
import { formatError } from "../../lib/error_format.ts";
import { fakeTime, startFakeSso } from "./_fake_sso.ts";

const START = "https://d-1234567890.awsapps.com/start";
const PENDING = {
  status: 400,
  headers: {
    "x-amzn-ErrorType":
      "AuthorizationPendingException:http://internal.amazon.com/coral/com.amazonaws.sso.oidc/",
  },
  body: {
    error: "authorization_pending",
    error_description: "Authorization is still pending",
  },
};
const errorReply = (code: string, error: string, status = 400) => ({
  status,
  headers: { "x-amzn-ErrorType": code },
  body: { error, error_description: `${error} description` },
});

Deno.test("RegisterClient: botocore's bodies for both flows, unsigned JSON with the SDK headers", async () => {
  const server = startFakeSso();
  try {
    const registered = {
      clientId: "cid-1",
      clientSecret: "csecret-1",
      clientIdIssuedAt: 1796400000,
      clientSecretExpiresAt: 1804181181,
    };
    server.reply({ body: registered }, { body: registered }, {
      body: registered,
    });
    const options = { endpoint: server.url, userAgentExtra: "md/sso#auth" };
    const out = await registerClient(
      options,
      registerClientRequest("authorization_code", {
        sessionName: "my-sso",
        scopes: null,
        issuerUrl: START,
        now: 0,
      }),
    );
    assert.deepEqual(out, registered);
    await registerClient(
      { endpoint: server.url },
      registerClientRequest("device_code", {
        sessionName: "my-sso",
        scopes: ["sso:account:access"],
        now: 0,
      }),
    );
    await registerClient(
      { endpoint: `${server.url}/` },
      registerClientRequest("device_code", {
        sessionName: null,
        scopes: [],
        now: 1_796_400_000_999,
      }),
    );
    const [auth, device, legacy] = server.requests;
    assert.equal(auth!.method, "POST");
    assert.equal(auth!.path, "/client/register");
    assert.equal(
      auth!.body,
      '{"clientName": "botocore-client-my-sso", "clientType": "public", "grantTypes": ["authorization_code", ' +
        '"refresh_token"], "redirectUris": ["http://127.0.0.1/oauth/callback"], "issuerUrl": ' +
        `"${START}", "scopes": ["sso:account:access"]}`,
    );
    assert.equal(auth!.headers.get("content-type"), "application/json");
    assert.equal(auth!.headers.get("authorization"), null);
    assert.match(
      auth!.headers.get("user-agent")!,
      /^aws-signin\/\S+ .* md\/sso#auth$/,
    );
    assert.equal(auth!.headers.get("amz-sdk-request"), "attempt=1");
    assert.match(
      auth!.headers.get("amz-sdk-invocation-id")!,
      /^[0-9a-f-]{36}$/,
    );
    assert.equal(
      device!.body,
      '{"clientName": "botocore-client-my-sso", "clientType": "public", "scopes": ["sso:account:access"]}',
    );
    assert.doesNotMatch(device!.headers.get("user-agent")!, /md\/sso#auth/);
    assert.equal(
      legacy!.body,
      '{"clientName": "botocore-client-1796400000", "clientType": "public"}',
    );
  } finally {
    await server.close();
  }
});

Deno.test("StartDeviceAuthorization and the three CreateToken grants: keys in botocore's order", async () => {
  const server = startFakeSso();
  try {
    server.reply(
      {
        body: {
          deviceCode: "dc-1",
          userCode: "ABCD-EFGH",
          verificationUri: "https://device.sso.us-east-1.amazonaws.com/",
          verificationUriComplete:
            "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
          expiresIn: 600,
          interval: 1,
        },
      },
      {
        body: {
          accessToken: "at-1",
          tokenType: "Bearer",
          expiresIn: 3600,
          refreshToken: "rt-1",
        },
      },
      { body: { accessToken: "at-2", expiresIn: 28800 } },
      {
        body: {
          accessToken: "at-3",
          expiresIn: 3600,
          refreshToken: "rt-3",
          idToken: "id",
        },
      },
    );
    const options = { endpoint: server.url };
    const auth = await startDeviceAuthorization(options, {
      clientId: "cid-1",
      clientSecret: "cs",
      startUrl: START,
    });
    assert.equal(auth.userCode, "ABCD-EFGH");
    assert.equal(auth.interval, 1);
    assert.deepEqual(
      await createToken(options, {
        grantType: "urn:ietf:params:oauth:grant-type:device_code",
        clientId: "cid-1",
        clientSecret: "cs",
        deviceCode: "dc-1",
      }),
      {
        accessToken: "at-1",
        tokenType: "Bearer",
        expiresIn: 3600,
        refreshToken: "rt-1",
      },
    );
    assert.deepEqual(
      await exchangeAuthorizationCode(options, {
        clientId: "cid-1",
        clientSecret: "cs",
        redirectUri: "http://127.0.0.1:38777/oauth/callback",
        codeVerifier: "verifier",
        code: "code-1",
      }),
      { accessToken: "at-2", expiresIn: 28800 },
    );
    await createToken(options, {
      grantType: "refresh_token",
      clientId: "cid-1",
      clientSecret: "cs",
      refreshToken: "rt-1",
    });
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.path} ${r.body}`),
      [
        `POST /device_authorization {"clientId": "cid-1", "clientSecret": "cs", "startUrl": "${START}"}`,
        'POST /token {"grantType": "urn:ietf:params:oauth:grant-type:device_code", "clientId": "cid-1", ' +
        '"clientSecret": "cs", "deviceCode": "dc-1"}',
        'POST /token {"grantType": "authorization_code", "clientId": "cid-1", "clientSecret": "cs", ' +
        '"redirectUri": "http://127.0.0.1:38777/oauth/callback", "codeVerifier": "verifier", "code": "code-1"}',
        'POST /token {"grantType": "refresh_token", "clientId": "cid-1", "clientSecret": "cs", "refreshToken": "rt-1"}',
      ],
    );
  } finally {
    await server.close();
  }
});

Deno.test("errors: the code from x-amzn-ErrorType, else the body; OIDC's modeled fields as 'Additional error details'", async () => {
  const server = startFakeSso();
  try {
    server.reply(
      errorReply("InvalidGrantException", "invalid_grant"),
      {
        status: 400,
        body: {
          __type: "com.amazon#InvalidRequestException",
          error: "invalid_request",
          reason: "KMS_x",
        },
      },
      {
        status: 401,
        body: { code: "InvalidClientException", error: "invalid_client" },
      },
      { status: 400, body: "not json" },
    );
    const options = { endpoint: server.url };
    const refresh = {
      grantType: "refresh_token",
      clientId: "c",
      clientSecret: "s",
      refreshToken: "r",
    } as const;
    const error = await createToken(options, refresh).catch((e) => e);
    assert.ok(error instanceof ServiceError);
    assert.equal(error.kind, "service");
    assert.equal(error.code, "InvalidGrantException");
    assert.equal(error.errorCode, "invalid_grant");
    assert.equal(
      error.message,
      "An error occurred (InvalidGrantException) when calling the CreateToken operation: ",
    );
    assert.deepEqual(error.details, {
      Message: "",
      Code: "InvalidGrantException",
      error: "invalid_grant",
      error_description: "invalid_grant description",
    });
    assert.equal(
      formatError(error),
      "aws-signin: [ERROR]: An error occurred (InvalidGrantException) when calling the CreateToken operation: \n" +
        "\nAdditional error details:\nerror: invalid_grant\nerror_description: invalid_grant description\n",
    );
    const second = await createToken(options, refresh).catch((e) => e);
    assert.equal(second.code, "InvalidRequestException");
    assert.deepEqual(second.details, {
      Message: "",
      Code: "InvalidRequestException",
      error: "invalid_request",
      reason: "KMS_x",
    });
    assert.equal(
      (await createToken(options, refresh).catch((e) => e)).code,
      "InvalidClientException",
    );
    const html = await createToken(options, refresh).catch((e) => e);
    assert.equal(html.code, "400");
    assert.equal(html.serviceMessage, "not json");
  } finally {
    await server.close();
  }
});

Deno.test("device polling: one silent attempt, then pending → slow_down (+5 s for good) → token", async () => {
  const server = startFakeSso();
  try {
    server.reply(
      PENDING,
      PENDING,
      errorReply("SlowDownException", "slow_down"),
      PENDING,
      {
        body: { accessToken: "at-1", expiresIn: 3600 },
      },
    );
    const time = fakeTime();
    let pending = 0;
    const token = await pollDeviceToken(
      { endpoint: server.url, now: time.now, sleep: time.sleep },
      { clientId: "c", clientSecret: "s", deviceCode: "dc", interval: 1 },
      { onPending: () => void pending++ },
    );
    assert.equal(token.accessToken, "at-1");
    assert.equal(pending, 1);
    assert.deepEqual(time.slept, [1, 6, 6]);
    assert.equal(server.requests.length, 5);
    // No interval from the service: botocore's 5 s.
    server.reply(PENDING, PENDING, {
      body: { accessToken: "at-2", expiresIn: 1 },
    });
    const later = fakeTime();
    await pollDeviceToken(
      { endpoint: server.url, now: later.now, sleep: later.sleep },
      { clientId: "c", clientSecret: "s", deviceCode: "dc" },
      { onPending: () => {} },
    );
    assert.deepEqual(later.slept, [5]);
  } finally {
    await server.close();
  }
});

Deno.test("device polling ends: ExpiredTokenException is the AWS CLI's text (255); other refusals stay service errors (254)", async () => {
  const server = startFakeSso();
  try {
    const time = fakeTime();
    const options = { endpoint: server.url, now: time.now, sleep: time.sleep };
    const device = {
      clientId: "c",
      clientSecret: "s",
      deviceCode: "dc",
      interval: 1,
    };
    server.reply(PENDING, errorReply("ExpiredTokenException", "expired_token"));
    const expired = await pollDeviceToken(options, device, {
      onPending: () => {},
    }).catch((e) => e);
    assert.ok(expired instanceof PendingAuthorizationExpiredError);
    assert.equal(expired.kind, "other");
    assert.equal(
      expired.message,
      "The pending authorization to retrieve an SSO token has expired. The login flow to retrieve an SSO token " +
        "must be restarted.",
    );
    server.reply(errorReply("AccessDeniedException", "access_denied"));
    const denied = await pollDeviceToken(options, device, {
      onPending: () => {},
    }).catch((e) => e);
    assert.ok(
      denied instanceof ServiceError && denied.code === "AccessDeniedException",
    );
    // Our own deadline (the AWS CLI has none): the same error, without more calls.
    server.reply(PENDING, PENDING);
    const before = server.requests.length;
    const late = await pollDeviceToken(options, device, {
      onPending: () => {},
      deadline: time.now() + 500,
    })
      .catch((e) => e);
    assert.ok(late instanceof PendingAuthorizationExpiredError);
    assert.equal(server.requests.length - before, 2);
    // One attempt as a step.
    server.reply(errorReply("SlowDownException", "slow_down"));
    assert.deepEqual(await deviceTokenAttempt(options, device, 2), {
      intervalSeconds: 7,
    });
  } finally {
    await server.close();
  }
});

Deno.test("code exchange: ExpiredTokenException is 'pending authorization expired'; InvalidGrantException stays 254", async () => {
  const server = startFakeSso();
  try {
    const options = { endpoint: server.url };
    const request = {
      clientId: "c",
      clientSecret: "s",
      redirectUri: "http://127.0.0.1:1/oauth/callback",
      codeVerifier: "v",
      code: "x",
    };
    server.reply(
      errorReply("ExpiredTokenException", "expired_token"),
      errorReply("InvalidGrantException", "invalid_grant"),
    );
    assert.ok(
      await exchangeAuthorizationCode(options, request).catch((e) =>
        e
      ) instanceof PendingAuthorizationExpiredError,
    );
    const grant = await exchangeAuthorizationCode(options, request).catch((e) =>
      e
    );
    assert.ok(
      grant instanceof ServiceError && grant.kind === "service" &&
        grant.code === "InvalidGrantException",
    );
  } finally {
    await server.close();
  }
});

Deno.test("retries a 5xx with the shared retry policy; an unreachable endpoint is a connection error", async () => {
  const server = startFakeSso();
  const time = fakeTime();
  try {
    server.reply(
      {
        status: 503,
        headers: { "x-amzn-ErrorType": "InternalServerException" },
        body: { error: "server_error" },
      },
      { body: { accessToken: "at", expiresIn: 60 } },
    );
    const token = await createToken(
      { endpoint: server.url, now: time.now, sleep: time.sleep },
      {
        grantType: "refresh_token",
        clientId: "c",
        clientSecret: "s",
        refreshToken: "r",
      },
    );
    assert.equal(token.accessToken, "at");
    assert.deepEqual(
      server.requests.map((r) => r.headers.get("amz-sdk-request")),
      ["attempt=1", "attempt=2"],
    );
  } finally {
    await server.close();
  }
  const closed = await createToken(
    { endpoint: server.url, now: time.now, sleep: time.sleep },
    {
      grantType: "refresh_token",
      clientId: "c",
      clientSecret: "s",
      refreshToken: "r",
    },
  ).catch((e) => e);
  assert.ok(closed instanceof EndpointConnectionError, String(closed));
  assert.equal(closed.kind, "other");
});
