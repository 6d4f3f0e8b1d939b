/**
 * The emulator, driven by hand over HTTP on 127.0.0.1: a full login (PKCE,
 * authorize, code, token with DPoP, two refreshes, a signed GetCallerIdentity)
 * and every documented failure.
 */
import assert from "node:assert/strict";
import { base64urlText, uuidV4 } from "../../lib/util/encoding.ts";
import {
  type DpopKey,
  dpopProof,
  dpopSigningInput,
  generateDpopKey,
} from "../../lib/signin/dpop.ts";
import { codeChallenge, codeVerifier } from "../../lib/signin/pkce.ts";
import { signRequest } from "../../lib/sigv4/sign.ts";
import {
  CROSS_DEVICE_CLIENT,
  SAME_DEVICE_CLIENT,
} from "../../lib/emulator/handler.ts";
import {
  type EmulatorServer,
  startEmulator,
} from "../../lib/emulator/server.ts";

const REDIRECT = "http://127.0.0.1:54321/oauth/callback";

async function authorizeUrl(
  base: string,
  init: {
    verifier: string;
    state: string;
    clientId?: string;
    redirectUri?: string;
  },
): Promise<string> {
  const q = new URLSearchParams({
    response_type: "code",
    client_id: init.clientId ?? SAME_DEVICE_CLIENT,
    state: init.state,
    code_challenge_method: "SHA-256",
    scope: "openid",
    redirect_uri: init.redirectUri ?? REDIRECT,
    code_challenge: await codeChallenge(init.verifier),
  });
  return `${base}/v1/authorize?${q}`;
}

async function getCode(
  base: string,
  verifier: string,
  state = uuidV4(),
): Promise<string> {
  const res = await fetch(await authorizeUrl(base, { verifier, state }), {
    redirect: "manual",
  });
  assert.equal(res.status, 302);
  await res.body?.cancel();
  const location = new URL(res.headers.get("location")!);
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
  assert.equal(location.searchParams.get("state"), state);
  return location.searchParams.get("code")!;
}

async function token(
  server: EmulatorServer,
  body: Record<string, unknown>,
  key: DpopKey | undefined,
  init: { htu?: string; proof?: string; contentType?: string } = {},
): Promise<
  { status: number; errorType: string | null; json: Record<string, unknown> }
> {
  const base = server.url;
  const headers: Record<string, string> = {
    "content-type": init.contentType ?? "application/json",
  };
  const proof = init.proof ??
    (key
      ? await dpopProof(key, init.htu ?? `${base}/v1/token`, {
        now: server.emulator.now(),
      })
      : undefined);
  if (proof) headers["dpop"] = proof;
  const res = await fetch(`${base}/v1/token`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    errorType: res.headers.get("x-amzn-errortype"),
    json: await res.json(),
  };
}

async function login(server: EmulatorServer, key: DpopKey) {
  const verifier = codeVerifier();
  const code = await getCode(server.url, verifier);
  const res = await token(server, {
    clientId: SAME_DEVICE_CLIENT,
    grantType: "authorization_code",
    code,
    codeVerifier: verifier,
    redirectUri: REDIRECT,
  }, key);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json as {
    accessToken: {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
    };
    refreshToken: string;
    idToken: string;
    expiresIn: number;
    tokenType: string;
  };
}

async function refresh(
  server: EmulatorServer,
  refreshToken: string,
  key: DpopKey | undefined,
) {
  return await token(server, {
    clientId: SAME_DEVICE_CLIENT,
    refreshToken,
    grantType: "refresh_token",
  }, key);
}

async function callerIdentity(
  server: EmulatorServer,
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string },
  init: { region?: string; now?: number; tamper?: boolean } = {},
) {
  const url = new URL(`${server.url}/`);
  const body = "Action=GetCallerIdentity&Version=2011-06-15";
  const headers = await signRequest({
    method: "POST",
    url,
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    },
    body,
    region: init.region ?? "us-east-1",
    service: "sts",
    credentials: creds,
    now: init.now ?? server.emulator.now(),
  });
  delete headers["host"];
  const res = await fetch(url, {
    method: "POST",
    headers,
    body: init.tamper ? `${body}&x=1` : body,
  });
  return { status: res.status, text: await res.text() };
}

function xmlCode(text: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}

Deno.test("a full login by hand: authorize, token with DPoP, two refreshes, GetCallerIdentity", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const key = await generateDpopKey();
  const first = await login(server, key);
  assert.equal(first.tokenType, "aws_sigv4");
  assert.equal(first.expiresIn, 900);
  assert.match(first.accessToken.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
  const claims = JSON.parse(
    new TextDecoder().decode(
      Uint8Array.fromBase64(first.idToken.split(".")[1]!, {
        alphabet: "base64url",
      }),
    ),
  );
  assert.equal(claims.sub, "arn:aws:iam::111122223333:user/demo");
  assert.equal(claims.aud, "arn:aws:signin:::cli/same-device");
  assert.ok(first.idToken.split(".")[1]!.length > 0);

  const second = await refresh(server, first.refreshToken, key);
  assert.equal(second.status, 200);
  assert.equal(second.json.idToken, undefined);
  assert.notEqual(second.json.refreshToken, first.refreshToken);
  const third = await refresh(server, second.json.refreshToken as string, key);
  assert.equal(third.status, 200);
  assert.notEqual(third.json.refreshToken, second.json.refreshToken);

  const identity = await callerIdentity(
    server,
    third.json.accessToken as typeof first.accessToken,
  );
  assert.equal(identity.status, 200, identity.text);
  assert.match(
    identity.text,
    /<Arn>arn:aws:iam::111122223333:user\/demo<\/Arn>/,
  );
  assert.match(identity.text, /<Account>111122223333<\/Account>/);
  assert.match(identity.text, /<UserId>AIDA[A-Z2-7]{17}<\/UserId>/);
  assert.deepEqual(
    server.emulator.requests.map((
      r,
    ) => [r.operation, r.grantType ?? "", r.status]),
    [
      ["Authorize", "", 302],
      ["CreateOAuth2Token", "authorization_code", 200],
      ["CreateOAuth2Token", "refresh_token", 200],
      ["CreateOAuth2Token", "refresh_token", 200],
      ["GetCallerIdentity", "", 200],
    ],
  );
});

Deno.test("code exchange failures", async (t) => {
  await using server = await startEmulator({ autoApprove: true, codeTtl: 60 });
  const key = await generateDpopKey();
  const exchange = async (
    code: string,
    verifier: string,
    extra: Record<string, unknown> = {},
  ) =>
    await token(server, {
      clientId: SAME_DEVICE_CLIENT,
      grantType: "authorization_code",
      code,
      codeVerifier: verifier,
      redirectUri: REDIRECT,
      ...extra,
    }, key);

  await t.step("wrong verifier", async () => {
    const verifier = codeVerifier();
    const res = await exchange(
      await getCode(server.url, verifier),
      codeVerifier(),
    );
    assert.equal(res.status, 400);
    assert.match(res.errorType!, /^ValidationException/);
    assert.equal(res.json.error, "INVALID_REQUEST");
  });
  await t.step("reused code", async () => {
    const verifier = codeVerifier();
    const code = await getCode(server.url, verifier);
    assert.equal((await exchange(code, verifier)).status, 200);
    const again = await exchange(code, verifier);
    assert.equal(again.status, 401);
    assert.match(again.errorType!, /^AccessDeniedException/);
    assert.equal(again.json.error, "AUTHCODE_EXPIRED");
  });
  await t.step("expired code", async () => {
    const verifier = codeVerifier();
    const code = await getCode(server.url, verifier);
    server.emulator.advanceClock(61);
    const res = await exchange(code, verifier);
    assert.equal(res.status, 401);
    assert.equal(res.json.error, "AUTHCODE_EXPIRED");
    assert.equal(res.json.message, "The authorization code has expired.");
  });
  await t.step(
    "redirect URI different from the authorization request",
    async () => {
      const verifier = codeVerifier();
      const res = await exchange(
        await getCode(server.url, verifier),
        verifier,
        {
          redirectUri: "http://127.0.0.1:1/oauth/callback",
        },
      );
      assert.equal(res.status, 400);
      assert.equal(res.json.error, "INVALID_REQUEST");
    },
  );
  await t.step("unknown code", async () => {
    const res = await exchange("nope", codeVerifier());
    assert.equal(res.json.error, "INVALID_REQUEST");
  });
});

Deno.test("DPoP is required and checked", async (t) => {
  await using server = await startEmulator({ autoApprove: true });
  const key = await generateDpopKey();
  const { refreshToken } = await login(server, key);
  const body = {
    clientId: SAME_DEVICE_CLIENT,
    refreshToken,
    grantType: "refresh_token",
  };
  const rejected = async (
    init: Parameters<typeof token>[3],
    k: DpopKey | null = key,
  ) => {
    const res = await token(server, body, k ?? undefined, init);
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "INVALID_REQUEST");
    return res.json.message as string;
  };
  await t.step(
    "missing",
    async () =>
      assert.match(await rejected({}, null), /DPoP header is missing/),
  );
  await t.step(
    "not a JWS",
    async () => assert.match(await rejected({ proof: "abc" }), /compact JWS/),
  );
  await t.step("bad signature", async () => {
    const good = await dpopProof(key, `${server.url}/v1/token`);
    const [h, p] = good.split(".");
    const other = await dpopProof(
      await generateDpopKey(),
      `${server.url}/v1/token`,
    );
    assert.match(
      await rejected({ proof: `${h}.${p}.${other.split(".")[2]}` }),
      /signature does not verify/,
    );
  });
  await t.step("wrong htu", async () => {
    assert.match(
      await rejected({
        htu: "https://us-east-1.signin.aws.amazon.com/v1/token",
      }),
      /"htu"/,
    );
  });
  await t.step("replayed jti", async () => {
    const proof = await dpopProof(key, `${server.url}/v1/token`);
    const first = await token(server, body, key, { proof });
    assert.equal(first.status, 200);
    assert.match(await rejected({ proof }), /"jti" was already used/);
  });
  await t.step("iat too far from the server's clock", async () => {
    const input = dpopSigningInput(
      key.jwk,
      `${server.url}/v1/token`,
      Math.floor(Date.now() / 1000) - 600,
      uuidV4(),
    );
    const sig = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        key.privateKey,
        new TextEncoder().encode(input),
      ),
    );
    assert.match(
      await rejected({
        proof: `${input}.${
          sig.toBase64({ alphabet: "base64url", omitPadding: true })
        }`,
      }),
      /"iat"/,
    );
  });
  await t.step("wrong typ", async () => {
    const header = base64urlText(
      JSON.stringify({
        typ: "JWT",
        alg: "ES256",
        jwk: { kty: "EC", crv: "P-256", x: key.jwk.x, y: key.jwk.y },
      }),
    );
    const payload = base64urlText(
      JSON.stringify({
        htm: "POST",
        htu: `${server.url}/v1/token`,
        iat: Math.floor(Date.now() / 1000),
        jti: uuidV4(),
      }),
    );
    const sig = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        key.privateKey,
        new TextEncoder().encode(`${header}.${payload}`),
      ),
    );
    assert.match(
      await rejected({
        proof: `${header}.${payload}.${
          sig.toBase64({ alphabet: "base64url", omitPadding: true })
        }`,
      }),
      /"typ"/,
    );
  });
  await t.step("refresh with a different key", async () => {
    assert.match(
      await rejected({}, await generateDpopKey()),
      /DPoP key does not match/,
    );
  });
});

Deno.test("refresh: rotation, the 60-second idempotency window, revoke, session end", async (t) => {
  await using server = await startEmulator({
    autoApprove: true,
    sessionTtl: 3600,
  });
  const key = await generateDpopKey();
  const { refreshToken } = await login(server, key);
  const a = await refresh(server, refreshToken, key);
  await t.step(
    "the previous token again within 60 s gives the same answer",
    async () => {
      const again = await refresh(server, refreshToken, key);
      assert.equal(again.status, 200);
      assert.deepEqual(again.json, a.json);
    },
  );
  await t.step("after 60 s it is rejected", async () => {
    server.emulator.advanceClock(61);
    const late = await refresh(server, refreshToken, key);
    assert.equal(late.status, 401);
    assert.equal(late.json.error, "TOKEN_EXPIRED");
    assert.match(late.errorType!, /^AccessDeniedException/);
  });
  await t.step("after the session's lifetime, TOKEN_EXPIRED", async () => {
    server.emulator.advanceClock(3600);
    const res = await refresh(server, a.json.refreshToken as string, key);
    assert.equal(res.status, 401);
    assert.equal(res.json.error, "TOKEN_EXPIRED");
  });
  await t.step("after revoke, TOKEN_EXPIRED", async () => {
    const fresh = await login(server, key);
    const res = await fetch(`${server.url}/_emulator/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    assert.deepEqual(await res.json(), { revoked: 2 });
    const after = await refresh(server, fresh.refreshToken, key);
    assert.equal(after.json.error, "TOKEN_EXPIRED");
  });
});

Deno.test("GetCallerIdentity failures: bad signature, wrong region, unknown key, expired credentials", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const creds = (await login(server, await generateDpopKey())).accessToken;
  const tampered = await callerIdentity(server, creds, { tamper: true });
  assert.equal(tampered.status, 403);
  assert.equal(xmlCode(tampered.text), "SignatureDoesNotMatch");
  assert.equal(
    xmlCode(
      (await callerIdentity(server, { ...creds, secretAccessKey: "wrong" }))
        .text,
    ),
    "SignatureDoesNotMatch",
  );
  assert.equal(
    xmlCode(
      (await callerIdentity(server, creds, { region: "eu-west-1" })).text,
    ),
    "SignatureDoesNotMatch",
  );
  assert.equal(
    xmlCode(
      (await callerIdentity(server, {
        ...creds,
        accessKeyId: "ASIAUNKNOWNUNKNOWN00",
      })).text,
    ),
    "InvalidClientTokenId",
  );
  assert.equal(
    xmlCode(
      (await callerIdentity(server, { ...creds, sessionToken: "x" })).text,
    ),
    "InvalidClientTokenId",
  );
  server.emulator.advanceClock(901);
  const expired = await callerIdentity(server, creds);
  assert.equal(expired.status, 403);
  assert.equal(xmlCode(expired.text), "ExpiredToken");
  const res = await fetch(`${server.url}/`, {
    method: "POST",
    body: "Action=GetCallerIdentity&Version=2011-06-15",
  });
  assert.equal(xmlCode(await res.text()), "MissingAuthenticationToken");
});

Deno.test("authorize: invalid requests get a 400 page and no redirect", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const verifier = codeVerifier();
  const good = new URL(
    await authorizeUrl(server.url, { verifier, state: uuidV4() }),
  );
  const cases: [string, string | null][] = [
    ["response_type", "token"],
    ["client_id", "arn:aws:signin:::devtools/other"],
    ["state", null],
    ["code_challenge_method", "S256"],
    ["code_challenge", "short"],
    ["scope", "email"],
    ["redirect_uri", "http://localhost:1234/oauth/callback"],
    ["redirect_uri", "http://127.0.0.1:1234/other"],
    ["redirect_uri", null],
  ];
  for (const [name, value] of cases) {
    const url = new URL(good);
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
    const res = await fetch(url, { redirect: "manual" });
    assert.equal(res.status, 400, `${name}=${value}`);
    assert.equal(res.headers.get("location"), null);
    assert.match(await res.text(), /This sign-in request is not valid/);
  }
  // Cross-device needs the confirmation page as redirect.
  const cross = await fetch(
    await authorizeUrl(server.url, {
      verifier,
      state: "s",
      clientId: CROSS_DEVICE_CLIENT,
      redirectUri: REDIRECT,
    }),
    { redirect: "manual" },
  );
  assert.equal(cross.status, 400);
  await cross.body?.cancel();
});

Deno.test("picker page: approve and deny; cross-device confirmation page shows the code", async () => {
  await using server = await startEmulator({
    principals: [
      "arn:aws:iam::111122223333:user/alice",
      "arn:aws:sts::444455556666:assumed-role/Admin/bob",
    ],
  });
  const verifier = codeVerifier();
  const state = uuidV4();
  const page =
    await (await fetch(await authorizeUrl(server.url, { verifier, state })))
      .text();
  assert.match(page, /id="approve"/);
  assert.match(page, /id="deny"/);
  assert.match(page, /user\/alice/);
  assert.match(page, /assumed-role\/Admin\/bob/);
  assert.doesNotMatch(page, /(src|href)="https?:/);
  const requestId = /name="request" value="([^"]+)"/.exec(page)![1]!;
  const decide = async (decision: string, principal: string, id = requestId) =>
    await fetch(`${server.url}/v1/authorize/decision`, {
      method: "POST",
      body: new URLSearchParams({ request: id, decision, principal }),
      redirect: "manual",
    });
  const approved = await decide(
    "approve",
    "arn:aws:sts::444455556666:assumed-role/Admin/bob",
  );
  assert.equal(approved.status, 303);
  const loc = new URL(approved.headers.get("location")!);
  assert.equal(loc.searchParams.get("state"), state);
  assert.ok(loc.searchParams.get("code"));
  assert.equal(
    (await decide("approve", "x")).status,
    400,
    "a request id works once",
  );

  const page2 =
    await (await fetch(await authorizeUrl(server.url, { verifier, state })))
      .text();
  const denied = await decide(
    "deny",
    "",
    /name="request" value="([^"]+)"/.exec(page2)![1]!,
  );
  assert.equal(
    denied.headers.get("location"),
    `${REDIRECT}?error=access_denied&state=${state}`,
  );

  const crossPage = await (await fetch(
    await authorizeUrl(server.url, {
      verifier,
      state,
      clientId: CROSS_DEVICE_CLIENT,
      redirectUri: `${server.url}/v1/sessions/confirmation`,
    }),
  )).text();
  const crossId = /name="request" value="([^"]+)"/.exec(crossPage)![1]!;
  const toConfirmation = await decide(
    "approve",
    "arn:aws:iam::111122223333:user/alice",
    crossId,
  );
  const confirmationUrl = new URL(toConfirmation.headers.get("location")!);
  assert.equal(confirmationUrl.pathname, "/v1/sessions/confirmation");
  const confirmation = await (await fetch(confirmationUrl)).text();
  const shown = /id="code"[^>]*>([^<]+)</.exec(confirmation)![1]!;
  const decoded = new TextDecoder().decode(Uint8Array.fromBase64(shown));
  assert.equal(
    decoded,
    `state=${state}&code=${confirmationUrl.searchParams.get("code")}`,
  );
});

Deno.test("faults: the next N calls fail with the given error, then calls work again", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const key = await generateDpopKey();
  const { refreshToken } = await login(server, key);
  await (await fetch(`${server.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      operation: "CreateOAuth2Token",
      count: 2,
      error: "INSUFFICIENT_PERMISSIONS",
    }),
  })).body?.cancel();
  for (let i = 0; i < 2; i++) {
    const res = await refresh(server, refreshToken, key);
    assert.equal(res.status, 403);
    assert.equal(res.json.error, "INSUFFICIENT_PERMISSIONS");
  }
  assert.equal((await refresh(server, refreshToken, key)).status, 200);
  await (await fetch(`${server.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      operation: "CreateOAuth2Token",
      error: "server_error",
    }),
  })).body?.cancel();
  const failed = await refresh(server, refreshToken, key);
  assert.equal(failed.status, 500);
  assert.match(failed.errorType!, /^InternalServerException/);
  await (await fetch(`${server.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      operation: "CreateOAuth2Token",
      error: "TooManyRequestsError",
    }),
  })).body?.cancel();
  assert.equal((await refresh(server, refreshToken, key)).status, 429);
});

Deno.test("the request log and error messages contain no secrets", async () => {
  await using server = await startEmulator({ autoApprove: true });
  const key = await generateDpopKey();
  const issued = await login(server, key);
  const refreshed = await refresh(server, issued.refreshToken, key);
  await refresh(server, "garbage", key);
  await refresh(server, issued.refreshToken, await generateDpopKey());
  const creds = refreshed.json.accessToken as typeof issued.accessToken;
  const sts = await callerIdentity(server, {
    ...creds,
    secretAccessKey: "bad",
  });
  const log = JSON.stringify(
    await (await fetch(`${server.url}/_emulator/requests`)).json(),
  );
  for (
    const secret of [
      issued.accessToken.secretAccessKey,
      issued.accessToken.sessionToken,
      issued.refreshToken,
      refreshed.json.refreshToken as string,
      creds.secretAccessKey,
      creds.sessionToken,
    ]
  ) {
    assert.ok(!log.includes(secret), "request log");
    assert.ok(!sts.text.includes(secret), "STS error");
  }
  assert.match(log, /"grantType":"refresh_token"/);
});
