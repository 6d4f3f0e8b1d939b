/**
 * The authorization-code flow's URLs (protocol-sso.md §2.4): the page on the
 * OIDC host (`{scheme}://{host}` of the OIDC endpoint, so FIPS, partitions
 * and overrides move it too) with botocore's parameters in its order —
 * `scopes` (plural, space-joined), the challenge appended unencoded — and the
 * callback URI on 127.0.0.1. PKCE itself is `../signin/pkce.ts`'s (the same
 * 64-character verifier and unpadded S256 challenge).
 *
 * @example
 * ```ts
 * ssoAuthorizeUrl("http://127.0.0.1:34279", {
 *   clientId: "cid-1",
 *   redirectUri: ssoRedirectUri(38777),
 *   state: "60a99fab-2f5f-4f0e-a455-5bcace1241e6",
 *   scopes: null,
 *   codeChallenge: "8Aak0mIn88noGswAtCJ-Ojymqy1ng3xL12IoGkU4cGI",
 * });
 * ```
 * @module
 */

import { percentEncode } from "../util/encoding.ts";

/**
 * The callback URI of a port: `http://127.0.0.1:{port}/oauth/callback`
 * (sent to `/authorize` and `CreateToken`; the registration has no port).
 *
 * @example
 * ```ts
 * ssoRedirectUri(38777); // "http://127.0.0.1:38777/oauth/callback"
 * ```
 */
export function ssoRedirectUri(port: number): string {
  return `http://127.0.0.1:${port}/oauth/callback`;
}

/**
 * The base of the authorize page: scheme and host (with port) of the OIDC
 * endpoint, as botocore keeps them.
 *
 * @example
 * ```ts
 * ssoAuthorizeBase("https://oidc.us-east-1.amazonaws.com/"); // "https://oidc.us-east-1.amazonaws.com"
 * ```
 */
export function ssoAuthorizeBase(oidcEndpoint: string): string {
  const url = new URL(oidcEndpoint);
  return `${url.protocol}//${url.host}`;
}

/**
 * `{base}/authorize?response_type=code&client_id=…&redirect_uri=…&state=…
 * &code_challenge_method=S256&scopes=…&code_challenge=…`, encoded as
 * botocore's `percent_encode_sequence` does; `scopes` are the configured ones
 * space-joined, else `sso:account:access`.
 *
 * @example
 * ```ts
 * ssoAuthorizeUrl("https://oidc.us-east-1.amazonaws.com", { clientId: "cid-1",
 *   redirectUri: "http://127.0.0.1:38777/oauth/callback", state: "s", scopes: ["sso:account:access"],
 *   codeChallenge: "8Aak0mIn88noGswAtCJ-Ojymqy1ng3xL12IoGkU4cGI" });
 * ```
 */
export function ssoAuthorizeUrl(
  base: string,
  init: {
    readonly clientId: string;
    readonly redirectUri: string;
    readonly state: string;
    readonly scopes: readonly string[] | null;
    readonly codeChallenge: string;
  },
): string {
  const params: [string, string][] = [
    ["response_type", "code"],
    ["client_id", init.clientId],
    ["redirect_uri", init.redirectUri],
    ["state", init.state],
    ["code_challenge_method", "S256"],
    [
      "scopes",
      init.scopes && init.scopes.length > 0
        ? init.scopes.join(" ")
        : "sso:account:access",
    ],
  ];
  const query = params.map(([k, v]) =>
    `${percentEncode(k)}=${percentEncode(v)}`
  ).join("&");
  return `${base}/authorize?${query}&code_challenge=${init.codeChallenge}`;
}
