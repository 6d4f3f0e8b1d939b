/**
 * The client registration cache (protocol-sso.md §2.3, §3.2): botocore's
 * key, the file bytes of the device and authorization-code flows, and the
 * reuse rules (15 minutes, grant types).
 */
import assert from "node:assert/strict";
import {
  isRegistrationReusable,
  readRegistration,
  registrationFromResponse,
  registrationJson,
  registrationKey,
} from "../../lib/cache/sso_registration.ts";

const START = "https://d-1234567890.awsapps.com/start";

Deno.test("the key: sha1 of the sorted arguments with Python's default separators", async () => {
  assert.equal(
    await registrationKey({
      startUrl: START,
      region: "us-east-1",
      scopes: ["sso:account:access"],
      sessionName: "my-sso",
    }),
    "a8343d65418848d0bc13a5f25cbb32508ceec5d1",
  );
  assert.equal(
    await registrationKey({
      startUrl: START,
      region: "us-east-1",
      scopes: null,
      sessionName: null,
    }),
    "365414a68be7c9bfc776c660981dbdbd942acea4",
  );
  // An empty configured list is not "none configured" (`[]` vs `null` in the key).
  const empty = await registrationKey({
    startUrl: START,
    region: "us-east-1",
    scopes: [],
    sessionName: "my-sso",
  });
  const none = await registrationKey({
    startUrl: START,
    region: "us-east-1",
    scopes: null,
    sessionName: "my-sso",
  });
  assert.notEqual(empty, none);
});

Deno.test("file bytes: the auth flow's five keys; the device flow's scopes only when configured", () => {
  const response = {
    clientId: "cid-1",
    clientSecret: "csecret-1",
    clientSecretExpiresAt: Date.UTC(2027, 2, 4, 17, 26, 21) / 1000,
  };
  const auth = registrationFromResponse(response, {
    flow: "authorization_code",
    scopes: null,
  });
  assert.equal(
    registrationJson(auth),
    '{"clientId": "cid-1", "clientSecret": "csecret-1", "expiresAt": "2027-03-04T17:26:21Z", ' +
      '"scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}',
  );
  assert.deepEqual(
    registrationFromResponse(response, {
      flow: "authorization_code",
      scopes: ["sso:account:access", "custom:x"],
    }).scopes,
    ["sso:account:access", "custom:x"],
  );
  assert.equal(
    registrationJson(
      registrationFromResponse(response, { flow: "device_code", scopes: null }),
    ),
    '{"clientId": "cid-1", "clientSecret": "csecret-1", "expiresAt": "2027-03-04T17:26:21Z"}',
  );
  assert.equal(
    registrationJson(
      registrationFromResponse(response, { flow: "device_code", scopes: [] }),
    ),
    '{"clientId": "cid-1", "clientSecret": "csecret-1", "expiresAt": "2027-03-04T17:26:21Z"}',
  );
  assert.equal(
    registrationJson(
      registrationFromResponse(response, {
        flow: "device_code",
        scopes: ["sso:account:access"],
      }),
    ),
    '{"clientId": "cid-1", "clientSecret": "csecret-1", "expiresAt": "2027-03-04T17:26:21Z", ' +
      '"scopes": ["sso:account:access"]}',
  );
});

Deno.test("reuse: 15 minutes left or more, and the right flow (grantTypes)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/r.json`;
    assert.equal(readRegistration(file), undefined);
    for (
      const text of [
        "nope",
        "{}",
        '{"clientId": "c", "clientSecret": "s", "expiresAt": "x"}',
      ]
    ) {
      await Deno.writeTextFile(file, text);
      assert.equal(readRegistration(file), undefined, text);
    }
    const now = Date.UTC(2027, 0, 1);
    const at = (ms: number) =>
      new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
    await Deno.writeTextFile(
      file,
      `{"clientId": "c", "clientSecret": "s", "expiresAt": "${
        at(now + 15 * 60_000)
      }", ` +
        `"scopes": ["sso:account:access"], "grantTypes": ["authorization_code", "refresh_token"]}`,
    );
    const auth = readRegistration(file)!;
    assert.equal(auth.clientId, "c");
    assert.deepEqual(auth.grantTypes, ["authorization_code", "refresh_token"]);
    assert.equal(isRegistrationReusable(auth, "authorization_code", now), true);
    assert.equal(isRegistrationReusable(auth, "device_code", now), false);
    assert.equal(
      isRegistrationReusable(auth, "authorization_code", now + 1000),
      false,
    );
    await Deno.writeTextFile(
      file,
      `{"clientId": "c", "clientSecret": "s", "expiresAt": "${
        at(now + 86_400_000)
      }"}`,
    );
    const device = readRegistration(file)!;
    assert.equal(device.grantTypes, undefined);
    assert.equal(isRegistrationReusable(device, "device_code", now), true);
    // Without grantTypes it is taken for a device registration (the CLI did not always write them).
    assert.equal(
      isRegistrationReusable(device, "authorization_code", now),
      false,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
