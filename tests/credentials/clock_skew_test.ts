/**
 * A clock that is off (aws/aws-cli#10330): a `CreateOAuth2Token` refused
 * with any 4xx by a server whose `Date` is more than a minute from ours is
 * tried once more with the DPoP proof's time corrected, whichever way the
 * emulator answers a skewed proof (400 `INVALID_REQUEST`, or 401
 * `TOKEN_EXPIRED`); when that fails too, the message says how far the clock
 * is off, which way, and how to fix it.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  ageEntry,
  emulatorFault,
  loginThrough,
  runCliProcess,
  standInBrowser,
  tempHome,
} from "../helpers.ts";

async function control(url: string, path: string, body: unknown) {
  const r = await fetch(`${url}/_emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, await r.text());
}

function tokenCalls(
  server: {
    emulator: { requests: readonly { operation: string; status: number }[] };
  },
) {
  return server.emulator.requests.filter((r) =>
    r.operation === "CreateOAuth2Token"
  )
    .map((r) => r.status);
}

for (const answer of ["invalid-request", "token-expired"] as const) {
  Deno.test(`a clock an hour behind Sign-In's: login and refresh succeed on the corrected try (skewed proofs get ${answer})`, async () => {
    await using server = await startEmulator({
      autoApprove: true,
      skewAnswer: answer,
    });
    await using home = await tempHome();
    await control(server.url, "clock", { advanceSeconds: 3600 });
    const file = await loginThrough(server.url, home);
    assert.deepEqual(tokenCalls(server), [
      answer === "token-expired" ? 401 : 400,
      200,
    ]);
    await ageEntry(file, 60);
    const refreshed = await runCliProcess(
      ["configure", "export-credentials", "--profile", "dev", "--debug"],
      {
        ...home.env,
        AWS_ENDPOINT_URL_SIGNIN: server.url,
        AWS_REGION: "us-east-1",
      },
    );
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.match(
      refreshed.stderr,
      /the server.s clock differs from ours by 3(599|600|601) s; retrying with its time/,
    );
    assert.deepEqual(tokenCalls(server).slice(2), [
      answer === "token-expired" ? 401 : 400,
      200,
    ]);
  });
}

Deno.test("when the corrected try fails too, the message says how far the clock is off, which way, and how to fix it", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  const file = await loginThrough(server.url, home);
  await ageEntry(file, 60);
  await control(server.url, "clock", { advanceSeconds: 3600 });
  await control(server.url, "skew", { answer: "token-expired" });
  await emulatorFault(server.url, {
    operation: "CreateOAuth2Token",
    count: 2,
    error: "TOKEN_EXPIRED",
    message: "The refresh token has expired.",
  });
  const result = await runCliProcess(
    ["configure", "export-credentials", "--profile", "dev"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      AWS_REGION: "us-east-1",
    },
  );
  assert.equal(result.code, 255);
  assert.match(
    result.stderr,
    /^aws-signin: \[ERROR\]: Your session has expired\. Please reauthenticate using 'aws-signin login --profile dev'\.\nThis computer's clock is 60 minutes behind Sign-In's \(which said \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\), and Sign-In refuses proofs from a clock that far off, even after one try with its time\. Set the clock right, then run the command again: sync it with NTP \(Linux: "sudo timedatectl set-ntp true"; WSL: "sudo hwclock -s"; macOS and Windows: set the time automatically in the date and time settings\)\.\n$/,
  );
  assert.equal(tokenCalls(server).length, 3, "the login, then two tries");
  // The login's own code exchange says the same.
  await using other = await tempHome();
  await emulatorFault(server.url, {
    operation: "CreateOAuth2Token",
    count: 2,
    error: "TOKEN_EXPIRED",
    message: "The refresh token has expired.",
  });
  const login = await runCliProcess(
    ["login", "--region", "us-east-1"],
    {
      ...other.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      BROWSER: standInBrowser("approve"),
    },
  );
  assert.equal(login.code, 254);
  assert.match(
    login.stderr,
    /\nThis computer's clock is 60 minutes behind Sign-In's/,
  );
  assert.match(
    login.stderr,
    /\n\nAdditional error details:\nerror: TOKEN_EXPIRED\n$/,
  );
});
