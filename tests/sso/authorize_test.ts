/**
 * The authorization-code flow's URL (protocol-sso.md §2.4): botocore's
 * parameters in its order, `scopes` (plural), its encoding, the challenge
 * appended as it is, on the OIDC endpoint's scheme and host.
 */
import assert from "node:assert/strict";
import {
  ssoAuthorizeBase,
  ssoAuthorizeUrl,
  ssoRedirectUri,
} from "../../lib/sso/authorize.ts";
import { codeChallenge } from "../../lib/signin/pkce.ts";

Deno.test("the AWS CLI's authorize URL, byte for byte (the observed example)", () => {
  assert.equal(
    ssoAuthorizeUrl(ssoAuthorizeBase("http://127.0.0.1:34279"), {
      clientId: "cid-1",
      redirectUri: ssoRedirectUri(38777),
      state: "60a99fab-2f5f-4f0e-a455-5bcace1241e6",
      scopes: null,
      codeChallenge: "8Aak0mIn88noGswAtCJ-Ojymqy1ng3xL12IoGkU4cGI",
    }),
    "http://127.0.0.1:34279/authorize?response_type=code&client_id=cid-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A38777%2Foauth%2Fcallback&state=60a99fab-2f5f-4f0e-a455-5bcace1241e6&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=8Aak0mIn88noGswAtCJ-Ojymqy1ng3xL12IoGkU4cGI",
  );
});

Deno.test("configured scopes space-joined; the base keeps only scheme and host of the OIDC endpoint", async () => {
  const url = new URL(
    ssoAuthorizeUrl(
      ssoAuthorizeBase("https://oidc-fips.us-east-1.amazonaws.com/some/path"),
      {
        clientId: "c",
        redirectUri: ssoRedirectUri(1),
        state: "s",
        scopes: ["sso:account:access", "codecatalyst:read_write"],
        codeChallenge: await codeChallenge("a".repeat(64)),
      },
    ),
  );
  assert.equal(
    url.origin + url.pathname,
    "https://oidc-fips.us-east-1.amazonaws.com/authorize",
  );
  assert.match(
    url.search,
    /&scopes=sso%3Aaccount%3Aaccess%20codecatalyst%3Aread_write&/,
  );
  assert.equal(
    url.searchParams.get("code_challenge"),
    "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs",
  );
  assert.equal(url.searchParams.get("code_challenge")!.length, 43);
  assert.deepEqual([...url.searchParams.keys()], [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge_method",
    "scopes",
    "code_challenge",
  ]);
});
