/**
 * A small hand-written sso-oidc and portal client for the emulator's wire
 * tests: each call returns the status, the `x-amzn-ErrorType` header, the
 * request id and the parsed body, so tests can assert on exactly what a
 * client sees.
 */
import assert from "node:assert/strict";
import type { TempHome } from "../helpers.ts";
import { codeChallenge, codeVerifier } from "../../lib/signin/pkce.ts";

/** The start URL the emulator knows by default. */
export const START_URL = "https://d-1234567890.awsapps.com/start";
/** The device grant type. */
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** What a call answered. */
export interface Answer {
  readonly status: number;
  readonly errorType: string | null;
  readonly requestId: string | null;
  readonly contentType: string | null;
  readonly text: string;
  // deno-lint-ignore no-explicit-any
  readonly json: any;
}

async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    errorType: res.headers.get("x-amzn-errortype"),
    requestId: res.headers.get("x-amzn-requestid"),
    contentType: res.headers.get("content-type"),
    text,
    json,
  };
}

/** POSTs JSON to an sso-oidc route. */
export async function oidc(
  base: string,
  path: string,
  body: unknown,
): Promise<Answer> {
  return await answer(
    await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

/** Calls a portal route with a bearer token. */
export async function portal(
  base: string,
  method: "GET" | "POST",
  pathAndQuery: string,
  accessToken: string | undefined,
): Promise<Answer> {
  return await answer(
    await fetch(`${base}${pathAndQuery}`, {
      method,
      headers: accessToken === undefined
        ? {}
        : { "x-amz-sso_bearer_token": accessToken },
    }),
  );
}

/** POSTs a control request. */
export async function control(
  base: string,
  path: string,
  body: unknown = {},
): Promise<Answer> {
  return await answer(
    await fetch(`${base}/_emulator/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

/** A registered client. */
export interface Client {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Registers a client as botocore does for a session (device flow), or with other fields. */
export async function register(
  base: string,
  fields: Record<string, unknown> = {
    clientName: "botocore-client-my-sso",
    clientType: "public",
    scopes: ["sso:account:access"],
  },
): Promise<Client> {
  const res = await oidc(base, "/client/register", fields);
  assert.equal(res.status, 200, res.text);
  return { clientId: res.json.clientId, clientSecret: res.json.clientSecret };
}

/** Starts a device authorization. */
export async function startDevice(
  base: string,
  client: Client,
  startUrl = START_URL,
): Promise<Answer> {
  return await oidc(base, "/device_authorization", {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    startUrl,
  });
}

/** One device-code CreateToken call. */
export async function pollDevice(
  base: string,
  client: Client,
  deviceCode: string,
): Promise<Answer> {
  return await oidc(base, "/token", {
    grantType: DEVICE_GRANT,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    deviceCode,
  });
}

/** Tokens from a finished login. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly expiresIn: number;
  readonly tokenType: string;
}

/** A whole device login approved through the control API: the tokens and the client. */
export async function deviceLogin(
  base: string,
  registration?: Record<string, unknown>,
): Promise<{ tokens: Tokens; client: Client }> {
  const client = await register(base, registration);
  const started = await startDevice(base, client);
  assert.equal(started.status, 200, started.text);
  const approved = await control(base, "sso/device", {
    userCode: started.json.userCode,
  });
  assert.equal(approved.status, 200, approved.text);
  const token = await pollDevice(base, client, started.json.deviceCode);
  assert.equal(token.status, 200, token.text);
  return { tokens: token.json, client };
}

/** The redirect URI botocore sends, for a callback port. */
export const redirectUri = (port: number): string =>
  `http://127.0.0.1:${port}/oauth/callback`;

/** Registers an authorization-code client as botocore does. */
export async function registerAuthClient(
  base: string,
  scopes: readonly string[] = ["sso:account:access"],
): Promise<Client> {
  return await register(base, {
    clientName: "botocore-client-my-sso",
    clientType: "public",
    grantTypes: ["authorization_code", "refresh_token"],
    redirectUris: ["http://127.0.0.1/oauth/callback"],
    issuerUrl: START_URL,
    scopes,
  });
}

/** The authorize URL botocore builds, with its verifier and state. */
export async function authorizeUrl(
  base: string,
  client: Client,
  init: { port?: number; scopes?: string; state?: string } = {},
): Promise<{ url: string; verifier: string; state: string }> {
  const verifier = codeVerifier();
  const state = init.state ?? crypto.randomUUID();
  const q = new URLSearchParams({
    response_type: "code",
    client_id: client.clientId,
    redirect_uri: redirectUri(init.port ?? 38777),
    state,
    code_challenge_method: "S256",
    scopes: init.scopes ?? "sso:account:access",
  });
  return {
    url: `${base}/authorize?${q}&code_challenge=${await codeChallenge(
      verifier,
    )}`,
    verifier,
    state,
  };
}

/** A whole authorization-code login with an auto-approving emulator: the tokens, client and code exchange inputs. */
export async function authLogin(
  base: string,
  port = 38777,
): Promise<{ tokens: Tokens; client: Client }> {
  const client = await registerAuthClient(base);
  const { url, verifier, state } = await authorizeUrl(base, client, { port });
  const res = await fetch(url, { redirect: "manual" });
  await res.body?.cancel();
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get("location")!);
  assert.equal(location.searchParams.get("state"), state);
  const token = await oidc(base, "/token", {
    grantType: "authorization_code",
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: redirectUri(port),
    codeVerifier: verifier,
    code: location.searchParams.get("code"),
  });
  assert.equal(token.status, 200, token.text);
  return { tokens: token.json, client };
}

/** The operations of the emulator's request log, in order, optionally only those named. */
export async function operations(
  base: string,
  only?: readonly string[],
): Promise<string[]> {
  const log = await (await fetch(`${base}/_emulator/requests`)).json() as {
    operation: string;
  }[];
  return log.map((e) => e.operation).filter((o) =>
    only === undefined || only.includes(o)
  );
}

/**
 * Points the AWS CLI 2.9 (which has no AWS_ENDPOINT_URL_* yet) at the
 * emulator: an endpoint rule set in ~/.aws/models, which botocore's loader
 * reads before its own, for sso-oidc, sso and sts .
 */
export async function pointModelsAt(
  home: TempHome,
  url: string,
): Promise<void> {
  const ruleSet = JSON.stringify({
    version: "1.0",
    parameters: {
      Region: {
        builtIn: "AWS::Region",
        required: false,
        documentation: "The region.",
        type: "String",
      },
    },
    rules: [{
      conditions: [],
      endpoint: { url, properties: {}, headers: {} },
      type: "endpoint",
    }],
  });
  for (
    const model of ["sso-oidc/2019-06-10", "sso/2019-06-10", "sts/2011-06-15"]
  ) {
    const dir = `${home.dir}/.aws/models/${model}`;
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(`${dir}/endpoint-rule-set-1.json`, ruleSet);
  }
}
