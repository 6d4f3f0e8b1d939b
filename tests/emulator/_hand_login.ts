/**
 * A login driven by hand against the emulator (PKCE, authorize with
 * auto-approve, token exchange with DPoP), for tests that need a session
 * without going through `aws-signin login`.
 */
import { uuidV4 } from "../../lib/util/encoding.ts";
import {
  type DpopKey,
  dpopProof,
  generateDpopKey,
} from "../../lib/signin/dpop.ts";
import { codeChallenge, codeVerifier } from "../../lib/signin/pkce.ts";
import { SAME_DEVICE_CLIENT } from "../../lib/emulator/handler.ts";
import type { EmulatorServer } from "../../lib/emulator/server.ts";

/** What a hand login got. */
export interface HandLogin {
  readonly key: DpopKey;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly refreshToken: string;
  readonly idToken: string;
  readonly expiresIn: number;
}

/** Logs in against an emulator started with `autoApprove: true`. */
export async function handLogin(server: EmulatorServer): Promise<HandLogin> {
  const key = await generateDpopKey();
  const verifier = codeVerifier();
  const redirectUri = "http://127.0.0.1:54321/oauth/callback";
  const q = new URLSearchParams({
    response_type: "code",
    client_id: SAME_DEVICE_CLIENT,
    state: uuidV4(),
    code_challenge_method: "SHA-256",
    scope: "openid",
    redirect_uri: redirectUri,
    code_challenge: await codeChallenge(verifier),
  });
  const auth = await fetch(`${server.url}/v1/authorize?${q}`, {
    redirect: "manual",
  });
  await auth.body?.cancel();
  const code = new URL(auth.headers.get("location")!).searchParams.get("code")!;
  const res = await fetch(`${server.url}/v1/token`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      dpop: await dpopProof(key, `${server.url}/v1/token`, {
        now: server.emulator.now(),
      }),
    },
    body: JSON.stringify({
      clientId: SAME_DEVICE_CLIENT,
      grantType: "authorization_code",
      code,
      codeVerifier: verifier,
      redirectUri,
    }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`login failed: ${JSON.stringify(body)}`);
  }
  return {
    key,
    ...body.accessToken,
    refreshToken: body.refreshToken,
    idToken: body.idToken,
    expiresIn: body.expiresIn,
  };
}
