/**
 * The emulator's STS AssumeRoleWithWebIdentity: unsigned, checks a JWT it
 * issued (`/_emulator/web-identity-token`) or, in the permissive mode, any
 * well-formed JWT; returns assumed-role credentials STS then knows; STS's
 * parameter checks and errors; faults.
 */
import assert from "node:assert/strict";
import { ServiceError } from "../../lib/errors.ts";
import {
  assumeRoleWithWebIdentity,
  getCallerIdentity,
} from "../../lib/sts/client.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import { emulatorFault } from "../helpers.ts";
import { webIdentityToken } from "../credentials/_chain.ts";
import { ADMIN, roleEmulator } from "../roles/_setup.ts";

const b64 = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });

/** A JWT the emulator did not issue (signed by nobody it knows). */
function foreignJwt(payload: Record<string, unknown>): string {
  return `${b64({ alg: "RS256", kid: "someone-else" })}.${b64(payload)}.${
    b64("not a signature")
  }`;
}

Deno.test("AssumeRoleWithWebIdentity: a token the emulator issued gives assumed-role credentials that STS knows", async () => {
  await using server = await roleEmulator();
  const token = await webIdentityToken(server.url, {
    subject: "system:serviceaccount:ci:deployer",
  });
  assert.equal(token.split(".").length, 3);
  const call = { endpoint: server.url, region: "us-east-1" };
  const out = await assumeRoleWithWebIdentity(call, {
    RoleArn: ADMIN,
    RoleSessionName: "ci-run",
    WebIdentityToken: token,
    DurationSeconds: 900,
  });
  assert.equal(out.Arn, "arn:aws:sts::444455556666:assumed-role/Admin/ci-run");
  assert.match(out.AssumedRoleId, /^AROA[A-Z2-7]{17}:ci-run$/);
  assert.equal(
    out.SubjectFromWebIdentityToken,
    "system:serviceaccount:ci:deployer",
  );
  assert.equal(out.Audience, "sts.amazonaws.com");
  assert.match(out.AccessKeyId, /^ASIA/);
  const lifetime = Date.parse(out.Expiration) - server.emulator.now();
  assert.ok(lifetime > 890_000 && lifetime <= 900_000, String(lifetime));
  const identity = await getCallerIdentity({
    ...call,
    credentials: {
      accessKeyId: out.AccessKeyId,
      secretAccessKey: out.SecretAccessKey,
      sessionToken: out.SessionToken,
    },
  });
  assert.equal(identity.Arn, out.Arn);
  const log = server.emulator.requests.filter((r) =>
    r.operation === "AssumeRoleWithWebIdentity"
  );
  assert.deepEqual(log.map((r) => r.status), [200]);
  // The log never holds the token.
  assert.ok(!JSON.stringify(server.emulator.requests).includes(token));
});

Deno.test("AssumeRoleWithWebIdentity: refused tokens, STS's parameter checks, undeclared roles and faults", async () => {
  await using server = await roleEmulator();
  const call = {
    endpoint: server.url,
    region: "us-east-1",
    sleep: () => Promise.resolve(),
  };
  const token = await webIdentityToken(server.url, { ttlSeconds: 600 });
  const refused = async (
    params: Partial<Parameters<typeof assumeRoleWithWebIdentity>[1]>,
  ) => {
    const error = await assumeRoleWithWebIdentity(call, {
      RoleArn: ADMIN,
      RoleSessionName: "s1",
      WebIdentityToken: token,
      ...params,
    }).catch((e) => e);
    assert.ok(error instanceof ServiceError, String(error));
    return `${error.code} ${error.status}: ${error.serviceMessage}`;
  };
  assert.match(
    await refused({ WebIdentityToken: "not-a-jwt" }),
    /^InvalidIdentityToken 400: The ID Token provided is not a valid JWT/,
  );
  assert.match(
    await refused({
      WebIdentityToken: foreignJwt({ sub: "x", aud: "sts.amazonaws.com" }),
    }),
    /^InvalidIdentityToken 400: /,
  );
  // A token whose signature was tampered with.
  const [h, p] = token.split(".");
  assert.match(
    await refused({ WebIdentityToken: `${h}.${p}.${b64("forged")}` }),
    /^InvalidIdentityToken 400: /,
  );
  const otherAudience = await webIdentityToken(server.url, {
    audience: "my-app",
  });
  assert.match(
    await refused({ WebIdentityToken: otherAudience }),
    /^InvalidIdentityToken 400: Incorrect token audience/,
  );
  assert.match(
    await refused({ RoleSessionName: "x" }),
    /^ValidationError 400: 1 validation error detected: Value 'x' at 'roleSessionName'/,
  );
  assert.match(
    await refused({ DurationSeconds: 600 }),
    /^ValidationError 400: .*'durationSeconds'/,
  );
  assert.match(
    await refused({ RoleArn: "arn:aws:iam::444455556666:role/Nobody" }),
    /^AccessDenied 403: Not authorized to perform sts:AssumeRoleWithWebIdentity$/,
  );
  await emulatorFault(server.url, {
    operation: "AssumeRoleWithWebIdentity",
    error: "IDPRejectedClaim",
    status: 403,
    message: "Injected refusal",
  });
  assert.equal(await refused({}), "IDPRejectedClaim 403: Injected refusal");
  // Once the token has expired (the emulator's clock), STS says so.
  server.emulator.advanceClock(601);
  assert.match(
    await refused({}),
    /^ExpiredTokenException 400: Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/,
  );
});

Deno.test("AssumeRoleWithWebIdentity: the permissive mode takes any well-formed JWT, and still refuses what is not one", async () => {
  await using server = await startEmulator({
    roles: [ADMIN],
    webIdentityTokens: "any",
  });
  const call = { endpoint: server.url, region: "us-east-1" };
  const nowS = Math.floor(server.emulator.now() / 1000);
  const out = await assumeRoleWithWebIdentity(call, {
    RoleArn: ADMIN,
    RoleSessionName: "gha",
    WebIdentityToken: foreignJwt({
      iss: "https://token.actions.githubusercontent.com",
      sub: "repo:octo/app:ref:refs/heads/main",
      aud: "sts.amazonaws.com",
      exp: nowS + 300,
    }),
  });
  assert.equal(out.Arn, "arn:aws:sts::444455556666:assumed-role/Admin/gha");
  assert.equal(
    out.SubjectFromWebIdentityToken,
    "repo:octo/app:ref:refs/heads/main",
  );
  assert.equal(out.Provider, "https://token.actions.githubusercontent.com");
  for (
    const bad of [
      "a.b.c",
      "e30.e30", // two parts
      `${b64({ alg: "none" })}.${b64(["not", "an", "object"])}.x`,
      foreignJwt({ sub: "x", exp: nowS - 10 }),
    ]
  ) {
    const error = await assumeRoleWithWebIdentity(call, {
      RoleArn: ADMIN,
      RoleSessionName: "gha",
      WebIdentityToken: bad,
    }).catch((e) => e);
    assert.ok(error instanceof ServiceError, bad);
    assert.match(error.code, /^(InvalidIdentityToken|ExpiredTokenException)$/);
  }
});
