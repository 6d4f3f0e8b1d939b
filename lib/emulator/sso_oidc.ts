/**
 * sso-oidc's client side in the emulator: `POST /client/register`
 * (RegisterClient) and `POST /device_authorization`
 * (StartDeviceAuthorization), with the checks IAM Identity Center makes:
 * public clients only, known grant types, an issuer URL the instance knows
 * and `http://127.0.0.1[:port]/oauth/callback` redirect URIs for the
 * authorization code grant; a registered, unexpired client and a known start
 * URL for a device authorization. Also the client check every call makes.
 *
 * @example
 * ```ts
 * import { createState } from "./state.ts";
 * const url = new URL("http://127.0.0.1:8099/client/register");
 * const response = await registerClient(createState(), new Request(url, { method: "POST" }), url);
 * response.status; // 400: no JSON body
 * ```
 * @module
 */

import { constantTimeEqual, randomString } from "../util/encoding.ts";
import type { EmulatorState } from "./state.ts";
import { knowsStartUrl, type SsoClient } from "./sso_state.ts";
import {
  field,
  jsonBody,
  type SsoCall,
  ssoCall,
  ssoOk,
  stringList,
} from "./sso_wire.ts";

/** The grant types a client may register for. */
export const GRANT_TYPES = [
  "authorization_code",
  "refresh_token",
  "urn:ietf:params:oauth:grant-type:device_code",
] as const;

/** The only redirect URIs IAM Identity Center accepts (granted#779): loopback IPv4, any port, this path. */
export const REDIRECT_URI =
  /^http:\/\/127\.0\.0\.1(?::(\d{1,5}))?\/oauth\/callback$/;

/** The registered client a request names, if its id and secret match and it has not expired; else the error. */
export function checkClient(
  state: EmulatorState,
  body: Readonly<Record<string, unknown>>,
  call: SsoCall,
): SsoClient | Response {
  const clientId = field(body, "clientId");
  if (clientId) call.notes.clientId = clientId.slice(0, 64);
  const client = clientId ? state.sso.clients.get(clientId) : undefined;
  const secret = field(body, "clientSecret");
  if (!client || !secret || !constantTimeEqual(secret, client.clientSecret)) {
    return call.fail("InvalidClientException", "Invalid client provided");
  }
  if (state.now() >= client.expiresAt) {
    return call.fail(
      "InvalidClientException",
      "Client registration has expired",
    );
  }
  return client;
}

/** `POST /client/register`. */
export function registerClient(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  return ssoCall(
    state,
    req,
    url,
    "RegisterClient",
    "oidc",
    async (call) => {
      const body = await jsonBody(req);
      if (!body) {
        return call.fail(
          "InvalidRequestException",
          "The request body must be a JSON object.",
        );
      }
      const clientName = field(body, "clientName");
      if (!clientName) {
        return call.fail("InvalidRequestException", "clientName is required");
      }
      if (body.clientType !== "public") {
        return call.fail(
          "InvalidClientMetadataException",
          'clientType must be "public"',
        );
      }
      const scopes = stringList(body, "scopes");
      if (scopes === null) {
        return call.fail("InvalidScopeException", "Invalid scopes provided");
      }
      const grantTypes = stringList(body, "grantTypes");
      if (
        grantTypes === null ||
        grantTypes?.some((g) => !(GRANT_TYPES as readonly string[]).includes(g))
      ) {
        return call.fail(
          "InvalidClientMetadataException",
          `grantTypes must be among ${GRANT_TYPES.join(", ")}`,
        );
      }
      const redirectUris = stringList(body, "redirectUris");
      if (redirectUris === null) {
        return call.fail(
          "InvalidRedirectUriException",
          "Invalid redirect URI provided",
        );
      }
      if (grantTypes?.includes("authorization_code")) {
        if (!knowsStartUrl(state.sso, body.issuerUrl)) {
          return call.fail(
            "InvalidRequestException",
            "issuerUrl must be the start URL of this instance",
          );
        }
        if (!redirectUris?.length) {
          return call.fail(
            "InvalidRequestException",
            "redirectUris is required for the authorization_code grant",
          );
        }
      }
      if (redirectUris?.some((u) => !REDIRECT_URI.test(u))) {
        return call.fail(
          "InvalidRedirectUriException",
          "Invalid redirect URI provided: use http://127.0.0.1[:port]/oauth/callback",
        );
      }
      const now = state.now();
      const client: SsoClient = {
        clientId: randomString(
          22,
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
          state.random,
        ),
        clientSecret: `eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0.${
          state.token(96)
        }`,
        clientName,
        scopes: scopes?.length ? scopes : undefined,
        grantTypes: grantTypes ?? undefined,
        redirectUris: redirectUris ?? [],
        issuedAt: now,
        expiresAt: now + state.sso.settings.registrationTtl * 1000,
      };
      state.sso.clients.set(client.clientId, client);
      call.notes.clientId = client.clientId;
      return ssoOk({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        clientIdIssuedAt: Math.floor(now / 1000),
        clientSecretExpiresAt: Math.floor(client.expiresAt / 1000),
      }, call.requestId);
    },
  );
}

/** A user code as people read it: `XXXX-XXXX`, consonants only (no words, no look-alikes). */
function userCode(state: EmulatorState): string {
  const letters = "BCDFGHJKLMNPQRSTVWXZ";
  for (;;) {
    const code = randomString(8, letters, state.random);
    const shown = `${code.slice(0, 4)}-${code.slice(4)}`;
    if (!state.sso.userCodes.has(shown)) return shown;
  }
}

/** `POST /device_authorization`. */
export function startDeviceAuthorization(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  return ssoCall(
    state,
    req,
    url,
    "StartDeviceAuthorization",
    "oidc",
    async (call) => {
      const body = await jsonBody(req);
      if (!body) {
        return call.fail(
          "InvalidRequestException",
          "The request body must be a JSON object.",
        );
      }
      const client = checkClient(state, body, call);
      if (client instanceof Response) return client;
      if (!knowsStartUrl(state.sso, body.startUrl)) {
        // As users see it for a wrong region or start URL: no message at all (aws/aws-cli#7649).
        return call.fail("InvalidRequestException", "");
      }
      const now = state.now();
      const { deviceCodeTtl, deviceInterval } = state.sso.settings;
      const code = userCode(state);
      const deviceCode = state.token(48);
      state.sso.devices.set(deviceCode, {
        deviceCode,
        userCode: code,
        clientId: client.clientId,
        createdAt: now,
        expiresAt: now + deviceCodeTtl * 1000,
        interval: deviceInterval,
        polls: 0,
        status: "pending",
      });
      state.sso.userCodes.set(code, deviceCode);
      return ssoOk({
        deviceCode,
        userCode: code,
        verificationUri: `${url.origin}/device`,
        verificationUriComplete: `${url.origin}/device?user_code=${code}`,
        expiresIn: deviceCodeTtl,
        interval: deviceInterval,
      }, call.requestId);
    },
  );
}
