/**
 * Login cache entries as the other AWS SDKs rewrite them (protocol.md §8,
 * §14): .NET (indented, milliseconds, `"idToken": null`), Java
 * (`identityToken`, its known keys only), Go (`identityToken`, nanoseconds
 * and a local offset) and Rust (its own key order, a trimmed fraction), none
 * with `signInRegion`. Each is read, used, refreshed through the emulator
 * and written back in the AWS CLI's layout with every unknown key kept; a
 * refresh refused as an invalid
 * grant says where it went and why; `status` says the issuing region is
 * unknown.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  DEMO_SESSION,
  emulatorFault,
  loginThrough,
  runCliProcess,
  sha256HexSync,
  tempHome,
} from "../helpers.ts";

interface Parts {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  accountId: string;
  clientId: string;
  refreshToken: string;
  idToken: string;
  dpopKey: string;
}

const SOON = () => Date.now() + 60_000; // within the refresh window

/** `2026-12-03T21:15:00.123456789+09:00`, as Go writes a local time. */
function goTime(ms: number): string {
  const local = new Date(ms + 9 * 3600_000).toISOString().slice(0, 19);
  return `${local}.123456789+09:00`;
}

/** Each SDK's layout of the same entry. */
const LAYOUTS: Record<string, (p: Parts) => string> = {
  ".NET": (p) =>
    JSON.stringify(
      {
        accessToken: {
          accessKeyId: p.accessKeyId,
          secretAccessKey: p.secretAccessKey,
          sessionToken: p.sessionToken,
          accountId: p.accountId,
          expiresAt: new Date(SOON()).toISOString(),
        },
        tokenType: "aws_sigv4",
        clientId: p.clientId,
        refreshToken: p.refreshToken,
        idToken: null,
        dpopKey: p.dpopKey,
      },
      null,
      2,
    ),
  Java: (p) =>
    JSON.stringify({
      accessToken: {
        accessKeyId: p.accessKeyId,
        secretAccessKey: p.secretAccessKey,
        sessionToken: p.sessionToken,
        accountId: p.accountId,
        expiresAt: new Date(SOON()).toISOString().replace(".000Z", "Z"),
      },
      tokenType: "aws_sigv4",
      refreshToken: p.refreshToken,
      identityToken: p.idToken,
      clientId: p.clientId,
      dpopKey: p.dpopKey,
    }),
  Go: (p) =>
    JSON.stringify({
      accessToken: {
        accessKeyId: p.accessKeyId,
        secretAccessKey: p.secretAccessKey,
        sessionToken: p.sessionToken,
        accountId: p.accountId,
        expiresAt: goTime(SOON()),
      },
      tokenType: "aws_sigv4",
      clientId: p.clientId,
      refreshToken: p.refreshToken,
      identityToken: p.idToken,
      dpopKey: p.dpopKey,
    }),
  Rust: (p) =>
    JSON.stringify({
      accessToken: {
        accessKeyId: p.accessKeyId,
        secretAccessKey: p.secretAccessKey,
        sessionToken: p.sessionToken,
        accountId: p.accountId,
        expiresAt: new Date(SOON()).toISOString().replace(/\.\d+Z$/, ".5Z"),
      },
      tokenType: "aws_sigv4",
      refreshToken: p.refreshToken,
      idToken: p.idToken,
      clientId: p.clientId,
      dpopKey: p.dpopKey,
    }),
};

function partsOf(text: string): Parts {
  const e = JSON.parse(text);
  return {
    ...e.accessToken,
    clientId: e.clientId,
    refreshToken: e.refreshToken,
    idToken: e.idToken ?? e.identityToken,
    dpopKey: e.dpopKey,
  };
}

Deno.test("entries the .NET, Java, Go and Rust SDKs wrote are refreshed and written back in the AWS CLI's layout", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loginThrough(server.url, home);
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(home.config)}region = us-east-1\n`,
  );
  const loggedIn = partsOf(await Deno.readTextFile(file));
  for (const [sdk, layout] of Object.entries(LAYOUTS)) {
    const before = {
      ...partsOf(await Deno.readTextFile(file)),
      idToken: loggedIn.idToken,
    };
    await Deno.writeTextFile(file, layout(before));
    const result = await runCliProcess(
      ["configure", "export-credentials", "--profile", "dev"],
      { ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url },
    );
    assert.equal(result.code, 0, `${sdk}: ${result.stderr}`);
    const exported = JSON.parse(result.stdout);
    assert.notEqual(
      exported.AccessKeyId,
      before.accessKeyId,
      `${sdk}: refreshed`,
    );
    const text = await Deno.readTextFile(file);
    const entry = JSON.parse(text);
    // The AWS CLI's layout: compact with ", " and ": ", its key order, whole-second Z times.
    assert.ok(
      !text.includes("\n") &&
        text.startsWith('{"accessToken": {"accessKeyId": "'),
      sdk,
    );
    assert.deepEqual(Object.keys(entry.accessToken), [
      "accessKeyId",
      "secretAccessKey",
      "sessionToken",
      "accountId",
      "expiresAt",
    ]);
    assert.match(
      entry.accessToken.expiresAt,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    assert.equal(entry.accessToken.accessKeyId, exported.AccessKeyId);
    assert.equal(entry.accessToken.accountId, loggedIn.accountId);
    const known = ["accessToken", "tokenType", "clientId", "refreshToken"];
    const expected = sdk === ".NET" || sdk === "Rust"
      ? [...known, "idToken", "dpopKey"]
      : [...known, "dpopKey", "identityToken"];
    assert.deepEqual(Object.keys(entry), expected, sdk);
    if (sdk === ".NET") assert.equal(entry.idToken, null, "kept as it was");
    if (sdk === "Java" || sdk === "Go") {
      assert.equal(
        entry.identityToken,
        loggedIn.idToken,
        "the unknown key is kept",
      );
    }
    assert.equal(entry.dpopKey, loggedIn.dpopKey);
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
  }
});

Deno.test("a refresh refused as an invalid grant names the region it went to and where that came from; status says the issuing region is unknown", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loginThrough(server.url, home);
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(home.config)}region = us-west-2\n`,
  );
  await Deno.writeTextFile(
    file,
    LAYOUTS.Java!(partsOf(await Deno.readTextFile(file))),
  );
  const status = await runCliProcess(["status", "--profile", "dev"], home.env);
  assert.match(
    status.stdout,
    /refresh region +us-west-2 \(the profile's region\)\n +issuing region +not recorded \(the AWS CLI does not record it, other SDKs drop it\): refreshes go to the refresh region\n/,
  );
  const json = JSON.parse(
    (await runCliProcess(
      ["status", "--profile", "dev", "--output", "json"],
      home.env,
    )).stdout,
  );
  assert.equal(json.profiles[0].issuingRegion, null);
  await emulatorFault(server.url, {
    operation: "CreateOAuth2Token",
    count: 1,
    status: 400,
    error: "INVALID_REQUEST",
    message:
      "The provided authorization grant is invalid, expired, revoked, or malformed",
  });
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    { ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url },
  );
  assert.equal(result.code, 254);
  assert.equal(
    result.stderr,
    "aws-signin: [ERROR]: An error occurred (ValidationException) when calling the CreateOAuth2Token operation: " +
      "The provided authorization grant is invalid, expired, revoked, or malformed\n" +
      "The refresh went to Sign-In in us-west-2 (the profile's region), and a session can only be refreshed in " +
      "the region that issued it. The login cache entry does not record which region issued the session " +
      "(the AWS CLI does not record it, and other AWS SDKs drop it when they rewrite the entry). Set the " +
      "profile's region to the region you signed in to " +
      '("aws-signin configure set region REGION --profile dev"), or sign in again with ' +
      "'aws-signin login --profile dev --region REGION'.\n\nAdditional error details:\nerror: INVALID_REQUEST\n",
  );
  assert.ok(
    !(await Deno.readTextFile(file)).includes("signInRegion"),
    "nothing written",
  );
  // The session's own region is used first when the entry records it.
  assert.equal(
    `${home.cache}/${sha256HexSync(DEMO_SESSION)}.json`,
    file,
  );
});
