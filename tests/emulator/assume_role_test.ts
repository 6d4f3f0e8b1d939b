/**
 * The emulator's STS AssumeRole: STS's parameter checks and error wording,
 * role credentials that last what was asked, faults, and the request log.
 */
import assert from "node:assert/strict";
import { ServiceError } from "../../lib/errors.ts";
import { assumeRole, getCallerIdentity } from "../../lib/sts/client.ts";
import { emulatorFault } from "../helpers.ts";
import { ADMIN, loginKeys, roleEmulator, roleHome } from "../roles/_setup.ts";

Deno.test("AssumeRole: parameter checks, durations, faults and the log", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const at = await loginKeys(home);
  const call = {
    endpoint: server.url,
    region: "us-east-1",
    credentials: {
      accessKeyId: at.accessKeyId,
      secretAccessKey: at.secretAccessKey,
      sessionToken: at.sessionToken,
    },
    sleep: () => Promise.resolve(),
  };
  const refused = async (params: Parameters<typeof assumeRole>[1]) => {
    const error = await assumeRole(call, params).catch((e) => e);
    assert.ok(error instanceof ServiceError, String(error));
    return `${error.code} ${error.status}: ${error.serviceMessage}`;
  };
  assert.match(
    await refused({ RoleArn: ADMIN, RoleSessionName: "x" }),
    /^ValidationError 400: 1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint/,
  );
  assert.match(
    await refused({ RoleArn: ADMIN, RoleSessionName: "bad name!" }),
    /Member must satisfy regular expression pattern/,
  );
  assert.match(
    await refused({
      RoleArn: ADMIN,
      RoleSessionName: "ok",
      DurationSeconds: 899,
    }),
    /at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/,
  );
  assert.match(
    await refused({
      RoleArn: ADMIN,
      RoleSessionName: "ok",
      DurationSeconds: 43_201,
    }),
    /exceeds the MaxSessionDuration/,
  );
  for (
    const [duration, seconds] of [[undefined, 3600], [900, 900], [
      43_200,
      43_200,
    ]] as const
  ) {
    const out = await assumeRole(call, {
      RoleArn: ADMIN,
      RoleSessionName: "dur",
      ...(duration ? { DurationSeconds: duration } : {}),
    });
    const left = (Date.parse(out.Expiration) - Date.now()) / 1000;
    assert.ok(left > seconds - 5 && left <= seconds, `${duration}: ${left}`);
    const id = await getCallerIdentity({
      ...call,
      credentials: {
        accessKeyId: out.AccessKeyId,
        secretAccessKey: out.SecretAccessKey,
        sessionToken: out.SessionToken,
      },
    });
    assert.equal(id.Arn, "arn:aws:sts::444455556666:assumed-role/Admin/dur");
    assert.equal(id.UserId, out.AssumedRoleId);
  }
  // Throttling is retried (three attempts in all): three faults.
  await emulatorFault(server.url, {
    operation: "AssumeRole",
    count: 3,
    error: "Throttling",
    status: 400,
    message: "Rate exceeded",
  });
  assert.equal(
    await refused({ RoleArn: ADMIN, RoleSessionName: "ok" }),
    "Throttling 400: Rate exceeded",
  );
  const log = server.emulator.requests.filter((r) =>
    r.operation === "AssumeRole"
  )
    .map((r) => `${r.status} ${r.error ?? ""}`.trim());
  assert.deepEqual(log, [
    "400 ValidationError",
    "400 ValidationError",
    "400 ValidationError",
    "400 ValidationError",
    "200",
    "200",
    "200",
    "400 Throttling",
    "400 Throttling",
    "400 Throttling",
  ]);
});
