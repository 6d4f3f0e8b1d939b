/** The test vectors of protocol.md §13 and the endpoint table of §12. */
import assert from "node:assert/strict";
import { sha256Hex } from "../../lib/util/encoding.ts";
import {
  dpopKeyFromPem,
  dpopProof,
  dpopSigningInput,
  type EcPublicJwk,
  generateDpopKey,
  jwkThumbprint,
  toSec1Pem,
} from "../../lib/signin/dpop.ts";
import {
  codeChallenge,
  codeVerifier,
  isValidVerifier,
} from "../../lib/signin/pkce.ts";
import { readIdToken } from "../../lib/signin/id_token.ts";
import { signinEndpoint, stsEndpoint } from "../../lib/endpoints/partitions.ts";
import { verifyDpopProof } from "../../lib/emulator/dpop_verify.ts";
import { pkcs8Pem } from "../helpers.ts";

Deno.test("cache file names are sha256 hex of the session ARN", async () => {
  const table: [string, string][] = [
    [
      "arn:aws:sts::012345678910:assumed-role/Admin/admin",
      "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255",
    ],
    [
      "arn:aws:iam::0123456789012:user/Admin",
      "36db1d138ff460920374e4c3d8e01f53f9f73537e89c88d639f68393df0e2726",
    ],
    [
      "arn:aws:iam::000000000000:user/PowerUser",
      "d19c78f768c6a12874de5f41d7f22cbb834ba205704102da0db20d8496efecb5",
    ],
    [
      "arn:aws:sts::123456789012:assumed-role/my-role/my-session-name",
      "457874a6acd1b299da3620198c3a3d21f1297b4fbf7f3873f505259da6d9b19f",
    ],
  ];
  for (const [arn, hex] of table) assert.equal(await sha256Hex(arn), hex);
});

Deno.test("PKCE: the protocol's challenges, and fresh verifiers", async () => {
  assert.equal(
    await codeChallenge("a".repeat(64)),
    "_-BU_nrgy23GXDr5th1SCfQ5hR20PQulmXM33xVGaOs",
  );
  assert.equal(
    await codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
  const v = codeVerifier();
  assert.equal(v.length, 64);
  assert.ok(isValidVerifier(v));
  assert.notEqual(codeVerifier(), v);
});

const CLI_TESTS_JWK = {
  kty: "EC",
  crv: "P-256",
  x: "v2FjRpMtADMZ4zoZxshV9chEkembgzZnXSUNe-DA8dI",
  y: "qlzf-6k3GY2CRyiIvkZ_PM1BqgiaNw1hf1_rn1X3VNo",
} as EcPublicJwk;

Deno.test("RFC 7638 thumbprint of the CLI tests' key", async () => {
  assert.equal(
    await jwkThumbprint(CLI_TESTS_JWK),
    "d7SO-CLiFNblhrpelvUn7l3KO7AxQxpqZ8HlFhAdhVk",
  );
});

Deno.test("DPoP header and payload serialize as botocore does", () => {
  const input = dpopSigningInput(
    CLI_TESTS_JWK,
    "https://us-east-1.signin.aws.amazon.com/v1/token",
    1756748373,
    "11111111-2222-4333-8444-555555555555",
  );
  assert.equal(
    input,
    "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6InYyRmpScE10QURNWjR6b1p4c2hWOWNoRWtlbWJnelpuWFNVTmUtREE4ZEkiLCJ5IjoicWx6Zi02azNHWTJDUnlpSXZrWl9QTTFCcWdpYU53MWhmMV9ybjFYM1ZObyIsImNydiI6IlAtMjU2In19" +
      ".eyJodG0iOiJQT1NUIiwiaHR1IjoiaHR0cHM6Ly91cy1lYXN0LTEuc2lnbmluLmF3cy5hbWF6b24uY29tL3YxL3Rva2VuIiwiaWF0IjoxNzU2NzQ4MzczLCJqdGkiOiIxMTExMTExMS0yMjIyLTQzMzMtODQ0NC01NTU1NTU1NTU1NTUifQ",
  );
});

const SEP_SEC1 =
  "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPjzWrlov4obcBx26tbYHPFYKcMdKkJTUjd/Mvs9IoFnoAoGCCqGSM49\n" +
  "AwEHoUQDQgAEdjbcOgVydb/I2/V48ymSfoC+X/9yaiKoh9j1BilsaBcDZXDQfNxY\nrxFxM5U27gkCuTnszmG94G7x7sypAdJw1w==\n" +
  "-----END EC PRIVATE KEY-----\n";

Deno.test("SEC1 PEM: read, and re-serialized byte for byte as the AWS CLI writes it", async () => {
  const key = await dpopKeyFromPem(SEP_SEC1);
  assert.equal(key.jwk.x, "djbcOgVydb_I2_V48ymSfoC-X_9yaiKoh9j1BilsaBc");
  assert.equal(key.jwk.y, "A2Vw0HzcWK8RcTOVNu4JArk57M5hveBu8e7MqQHScNc");
  assert.equal(toSec1Pem(key.jwk), SEP_SEC1);
});

Deno.test("PKCS#8 keys are read too (botocore and the JS SDK accept them)", async () => {
  const { pem, jwk } = await pkcs8Pem();
  const key = await dpopKeyFromPem(pem);
  assert.equal(key.jwk.x, jwk.x);
  assert.equal(key.jwk.d, jwk.d);
  await assert.rejects(
    dpopKeyFromPem(
      "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    ),
  );
});

Deno.test("a proof from a generated key verifies; its SEC1 PEM is 121 bytes in three lines", async () => {
  const key = await generateDpopKey();
  const pem = toSec1Pem(key.jwk);
  const lines = pem.trimEnd().split("\n");
  assert.deepEqual(lines.slice(1, -1).map((l) => l.length), [64, 64, 36]);
  const proof = await dpopProof(key, "http://127.0.0.1:1/v1/token", {
    now: 1_000_000_000_000,
  });
  assert.equal(proof.split(".")[2]!.length, 86);
  const result = await verifyDpopProof(proof, {
    htu: "http://127.0.0.1:1/v1/token",
    now: 1_000_000_000_000,
    seenJti: () => false,
  });
  assert.ok(result.ok);
  assert.equal(result.thumbprint, await jwkThumbprint(key.jwk));
});

Deno.test("ID token: sub is the session, the account its fifth field; / may be escaped", () => {
  const payload = btoa(
    '{"sub":"arn:aws:sts::012345678901:assumed-role\\/Admin\\/admin","aud":"x"}',
  )
    .replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");
  assert.deepEqual(readIdToken(`eyJhbGciOiJFUzM4NCJ9.${payload}.sig`), {
    loginSession: "arn:aws:sts::012345678901:assumed-role/Admin/admin",
    accountId: "012345678901",
  });
  assert.throws(
    () => readIdToken("a.b"),
    /Invalid JWT token - cannot extract payload/,
  );
  assert.throws(() => readIdToken(`a.${btoa('{"aud":"x"}')}.c`), /missing sub/);
});

Deno.test("Sign-In and STS endpoints by partition", () => {
  const table: [string, string][] = [
    ["us-east-1", "https://us-east-1.signin.aws.amazon.com"],
    ["cn-north-1", "https://cn-north-1.signin.amazonaws.cn"],
    ["us-gov-west-1", "https://us-gov-west-1.signin.amazonaws-us-gov.com"],
    ["us-iso-east-1", "https://us-iso-east-1.signin.c2shome.ic.gov"],
    ["us-isob-east-1", "https://us-isob-east-1.signin.sc2shome.sgov.gov"],
    ["us-isof-south-1", "https://us-isof-south-1.signin.csphome.hci.ic.gov"],
    ["eu-isoe-west-1", "https://eu-isoe-west-1.signin.csphome.adc-e.uk"],
    ["eusc-de-east-1", "https://eusc-de-east-1.signin.amazonaws-eusc.eu"],
  ];
  for (const [region, url] of table) {
    assert.equal(signinEndpoint(region), url, region);
  }
  assert.equal(
    signinEndpoint("us-gov-west-1", { fips: true }),
    "https://signin-fips.amazonaws-us-gov.com",
  );
  assert.equal(
    signinEndpoint("us-gov-east-1", { fips: true }),
    "https://us-gov-east-1.signin-fips.amazonaws-us-gov.com",
  );
  assert.equal(
    signinEndpoint("us-east-1", { fips: true }),
    "https://signin-fips.us-east-1.amazonaws.com",
  );
  assert.equal(
    signinEndpoint("us-east-1", { dualStack: true }),
    "https://signin.us-east-1.api.aws",
  );
  assert.equal(
    signinEndpoint("cn-north-1", { dualStack: true }),
    "https://signin.cn-north-1.api.amazonwebservices.com.cn",
  );
  assert.throws(() => signinEndpoint(""), /Missing Region/);
  assert.throws(
    () => signinEndpoint("us-iso-east-1", { dualStack: true }),
    /dual-stack/,
  );
  assert.equal(stsEndpoint("eu-west-1"), "https://sts.eu-west-1.amazonaws.com");
  assert.equal(
    stsEndpoint("cn-north-1"),
    "https://sts.cn-north-1.amazonaws.com.cn",
  );
});
