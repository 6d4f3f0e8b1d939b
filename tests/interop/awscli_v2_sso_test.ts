/**
 * Two-way interop with the AWS CLI v2 (2.36.7, run from source; see
 * dev/awscli_v2) on IAM Identity Center, against the emulator: each tool
 * signs in (`sso login`, both flows, and the legacy form) and the other
 * reads the token, gets role credentials and shares the role cache
 * (protocol-sso.md §8.3 S1, S2, S3, S5, S6, S13); the cache files have the
 * same bytes apart from their values; what each prints is compared byte for
 * byte where aws-signin means to print the same. Skipped unless
 * `AWS_SIGNIN_AWSCLI_V2` names a checkout.
 */
import assert from "node:assert/strict";
import {
  cliTest,
  DEV_ROLE,
  LEGACY_REGISTRATION,
  LEGACY_ROLE,
  LEGACY_TOKEN,
  names,
  sandbox,
  SESSION_REGISTRATION,
  SESSION_TOKEN,
  shape,
  START_URL,
} from "./_awscli_v2.ts";
import type { RunResult } from "../helpers.ts";

/** What `aws sso login` prints in the authorization code flow (§2.6), the URL aside. */
const AUTH_OUT = (url: string) =>
  "Attempting to open your default browser. If the browser does not open, open the following URL.\n" +
  "If you are unable to open the URL on this device, run this command again with the '--use-device-code' option.\n" +
  `\n${url}\n\nSuccessfully logged into Start URL: ${START_URL}\n`;

/** What it prints in the device flow (§2.6), the page and the code aside. */
const DEVICE_OUT = (page: string, code: string) =>
  "Attempting to open your default browser.\n" +
  "If the browser does not open or you wish to use a different device to authorize this request, open the " +
  `following URL:\n\n${page}\n\nThen enter the code:\n\n${code}\n` +
  `Successfully logged into Start URL: ${START_URL}\n`;

/** The shapes (values replaced, `shape()`) of the files the AWS CLI writes (§2.3, §3.1, §3.4). */
const TOKEN_SHAPE =
  '{"startUrl": S, "region": S, "accessToken": S, "expiresAt": T, "clientId": S, "clientSecret": S, ' +
  '"registrationExpiresAt": T, "refreshToken": S}';
const LEGACY_TOKEN_SHAPE =
  '{"startUrl": S, "region": S, "accessToken": S, "expiresAt": T, "clientId": S, "clientSecret": S, ' +
  '"registrationExpiresAt": T}';
const AUTH_REGISTRATION_SHAPE =
  '{"clientId": S, "clientSecret": S, "expiresAt": T, "scopes": [S], "grantTypes": [S, S]}';
const DEVICE_REGISTRATION_SHAPE =
  '{"clientId": S, "clientSecret": S, "expiresAt": T, "scopes": [S]}';
const LEGACY_REGISTRATION_SHAPE =
  '{"clientId": S, "clientSecret": S, "expiresAt": T}';
const ROLE_SHAPE =
  '{"ProviderType": S, "Credentials": {"AccessKeyId": S, "SecretAccessKey": S, "SessionToken": S, ' +
  '"Expiration": T, "AccountId": S}}';

const ok = (r: RunResult, what: string) =>
  assert.equal(r.code, 0, `${what}: ${r.stdout}\n${r.stderr}`);

async function fileShape(path: string): Promise<string> {
  return shape(await Deno.readTextFile(path));
}

async function mode(path: string): Promise<string> {
  return ((await Deno.stat(path)).mode! & 0o777).toString(8);
}

Deno.test(cliTest(
  "S1/S3: the AWS CLI's sso login (authorization code, its callback reached through the emulator); aws-signin reads its token and shares its role cache",
  async () => {
    await using box = await sandbox();
    const login = await box.aws(["sso", "login", "--profile", "dev"]);
    ok(login, "aws sso login");
    const url = /\n\n(http:\/\/\S+)\n\n/.exec(login.stdout)?.[1] ?? "";
    assert.equal(login.stdout, AUTH_OUT(url));
    assert.equal(login.stderr, "");
    assert.match(
      url,
      new RegExp(
        `^${box.url}/authorize\\?response_type=code&client_id=[\\w-]+&redirect_uri=http%3A%2F%2F127\\.0\\.0\\.1%3A\\d+` +
          "%2Foauth%2Fcallback&state=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}" +
          "&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=[\\w-]{43}$",
      ),
    );
    assert.deepEqual(await names(box.ssoCache), [
      SESSION_TOKEN,
      SESSION_REGISTRATION,
    ]);
    assert.equal(
      await fileShape(`${box.ssoCache}/${SESSION_TOKEN}`),
      TOKEN_SHAPE,
    );
    assert.equal(
      await fileShape(`${box.ssoCache}/${SESSION_REGISTRATION}`),
      AUTH_REGISTRATION_SHAPE,
    );

    // aws-signin: the CLI's token, no browser and no sign-in of its own.
    const before = (await box.calls()).length;
    const exported = await box.signin(
      ["configure", "export-credentials", "--profile", "dev"],
      { browser: "none" },
    );
    ok(exported, "aws-signin export-credentials");
    const creds = JSON.parse(exported.stdout);
    assert.match(creds.AccessKeyId, /^ASIA/);
    assert.deepEqual((await box.calls()).slice(before), [
      "GetRoleCredentials 200",
    ]);
    assert.equal(
      await fileShape(`${box.roleCache}/${DEV_ROLE}`),
      ROLE_SHAPE,
      "aws-signin writes the role file the AWS CLI writes",
    );
    // The AWS CLI takes aws-signin's role file: the same keys, no call.
    const theirs = await box.aws([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ]);
    ok(theirs, "aws configure export-credentials");
    assert.equal(JSON.parse(theirs.stdout).AccessKeyId, creds.AccessKeyId);
    assert.equal(theirs.stdout, exported.stdout, "the same bytes");
    assert.deepEqual(
      (await box.calls(["GetRoleCredentials", "CreateToken"])).length,
      2,
      "the CLI's CreateToken and one GetRoleCredentials, nothing more",
    );
  },
));

Deno.test(cliTest(
  "S2/S3: aws-signin sso login; the AWS CLI's export-credentials and sts get-caller-identity read its token; the files have the AWS CLI's bytes",
  async () => {
    await using box = await sandbox();
    const login = await box.signin(["sso", "login", "--profile", "dev"]);
    ok(login, "aws-signin sso login");
    // The same text; the URL is aws-signin's one-time local link (the authorize URL stays out of ps).
    const url = /\n\n(http:\/\/\S+)\n\n/.exec(login.stdout)?.[1] ?? "";
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/start\/[\w-]+$/);
    assert.equal(login.stdout, AUTH_OUT(url));
    assert.equal(login.stderr, "");
    assert.equal(
      await fileShape(`${box.ssoCache}/${SESSION_TOKEN}`),
      TOKEN_SHAPE,
    );
    assert.equal(
      await fileShape(`${box.ssoCache}/${SESSION_REGISTRATION}`),
      AUTH_REGISTRATION_SHAPE,
    );
    assert.equal(await mode(`${box.ssoCache}/${SESSION_TOKEN}`), "600");
    assert.equal(
      await mode(`${box.ssoCache}/${SESSION_REGISTRATION}`),
      "600",
    );

    const exported = await box.aws([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ]);
    ok(exported, "aws configure export-credentials");
    assert.match(JSON.parse(exported.stdout).AccessKeyId, /^ASIA/);
    assert.equal(await fileShape(`${box.roleCache}/${DEV_ROLE}`), ROLE_SHAPE);
    const who = await box.aws([
      "sts",
      "get-caller-identity",
      "--profile",
      "dev",
    ]);
    ok(who, "aws sts get-caller-identity");
    assert.match(
      JSON.parse(who.stdout).Arn,
      /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Admin_[0-9a-f]{16}\/demo$/,
    );
    // aws-signin takes the CLI's role file.
    const ours = await box.signin(
      ["configure", "export-credentials", "--profile", "dev"],
      { browser: "none" },
    );
    ok(ours, "aws-signin export-credentials");
    assert.equal(ours.stdout, exported.stdout);
    assert.deepEqual(await box.calls(["GetRoleCredentials"]), [
      "GetRoleCredentials 200",
    ]);
  },
));

Deno.test(cliTest(
  "S5: the device flow both ways (--use-device-code): the same text, one registration shared, each reads the other's token",
  async () => {
    await using box = await sandbox();
    const theirs = await box.aws([
      "sso",
      "login",
      "--profile",
      "dev",
      "--use-device-code",
    ]);
    ok(theirs, "aws sso login --use-device-code");
    const code = (r: RunResult) =>
      /\n\n([A-Z]{4}-[A-Z]{4})\n/.exec(r.stdout)?.[1] ?? "";
    assert.equal(theirs.stdout, DEVICE_OUT(`${box.url}/device`, code(theirs)));
    assert.equal(
      await fileShape(`${box.ssoCache}/${SESSION_REGISTRATION}`),
      DEVICE_REGISTRATION_SHAPE,
    );
    const tokenShape = await fileShape(`${box.ssoCache}/${SESSION_TOKEN}`);
    assert.equal(tokenShape, TOKEN_SHAPE, "scopes: a refresh token");
    ok(
      await box.signin(
        ["configure", "export-credentials", "--profile", "dev"],
        {
          browser: "none",
        },
      ),
      "aws-signin export-credentials on the CLI's device token",
    );

    const registration = await Deno.readTextFile(
      `${box.ssoCache}/${SESSION_REGISTRATION}`,
    );
    const ours = await box.signin([
      "sso",
      "login",
      "--profile",
      "dev",
      "--use-device-code",
    ]);
    ok(ours, "aws-signin sso login --use-device-code");
    assert.equal(ours.stdout, DEVICE_OUT(`${box.url}/device`, code(ours)));
    assert.equal(ours.stderr, "");
    assert.equal(
      await Deno.readTextFile(`${box.ssoCache}/${SESSION_REGISTRATION}`),
      registration,
      "aws-signin reuses the CLI's device registration, as the CLI would",
    );
    assert.equal(
      await fileShape(`${box.ssoCache}/${SESSION_TOKEN}`),
      tokenShape,
    );
    await Deno.remove(`${box.roleCache}/${DEV_ROLE}`);
    ok(
      await box.aws(["configure", "export-credentials", "--profile", "dev"]),
      "aws export-credentials on aws-signin's device token",
    );
    assert.deepEqual(await box.calls(["RegisterClient"]), [
      "RegisterClient 200",
    ]);
  },
));

Deno.test(cliTest(
  "S6: a legacy profile: both use the device flow unasked, no refresh token, GetRoleCredentials; an expired legacy token fails alike (255)",
  async () => {
    await using box = await sandbox();
    const theirs = await box.aws(["sso", "login", "--profile", "legacy"]);
    ok(theirs, "aws sso login (legacy)");
    assert.match(theirs.stdout, /^Attempting to open your default browser\.\n/);
    assert.equal(
      await fileShape(`${box.ssoCache}/${LEGACY_TOKEN}`),
      LEGACY_TOKEN_SHAPE,
    );
    assert.equal(
      await fileShape(`${box.ssoCache}/${LEGACY_REGISTRATION}`),
      LEGACY_REGISTRATION_SHAPE,
    );
    ok(
      await box.signin(
        ["configure", "export-credentials", "--profile", "legacy"],
        { browser: "none" },
      ),
      "aws-signin on the CLI's legacy token",
    );
    assert.equal(
      await fileShape(`${box.roleCache}/${LEGACY_ROLE}`),
      ROLE_SHAPE,
    );
    await Deno.remove(`${box.ssoCache}/${LEGACY_TOKEN}`);
    await Deno.remove(`${box.roleCache}/${LEGACY_ROLE}`);

    const ours = await box.signin(["sso", "login", "--profile", "legacy"]);
    ok(ours, "aws-signin sso login (legacy)");
    assert.equal(
      ours.stdout.replace(/[A-Z]{4}-[A-Z]{4}/, "CODE"),
      theirs.stdout.replace(/[A-Z]{4}-[A-Z]{4}/, "CODE"),
    );
    assert.equal(
      await fileShape(`${box.ssoCache}/${LEGACY_TOKEN}`),
      LEGACY_TOKEN_SHAPE,
    );
    ok(
      await box.aws(["configure", "export-credentials", "--profile", "legacy"]),
      "aws on aws-signin's legacy token",
    );

    // Expired: both fail locally, with the AWS CLI's text (aws-signin names itself and adds the command).
    await Deno.remove(`${box.roleCache}/${LEGACY_ROLE}`);
    const file = `${box.ssoCache}/${LEGACY_TOKEN}`;
    await Deno.writeTextFile(
      file,
      (await Deno.readTextFile(file)).replace(
        /"expiresAt": "[^"]+"/,
        '"expiresAt": "2020-01-01T00:00:00Z"',
      ),
    );
    const calls = (await box.calls()).length;
    const a = await box.aws([
      "configure",
      "export-credentials",
      "--profile",
      "legacy",
    ]);
    const b = await box.signin(
      ["configure", "export-credentials", "--profile", "legacy"],
      { browser: "none" },
    );
    const text =
      "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO " +
      "session run aws sso login with the corresponding profile.";
    assert.deepEqual([a.code, a.stderr], [255, `\naws: [ERROR]: ${text}\n`]);
    assert.equal(b.code, 255);
    assert.equal(
      b.stderr,
      `aws-signin: [ERROR]: ${
        text.replace("aws sso login", "aws-signin sso login")
      }\nRun 'aws-signin sso login --profile legacy' to sign in again.\n`,
    );
    assert.equal((await box.calls()).length, calls, "no call by either");
  },
));

Deno.test(cliTest(
  "S13: aws sso logout after aws-signin's logins, aws-signin sso logout after the CLI's: tokens and SSO role files go, Logout with each token",
  async () => {
    await using box = await sandbox();
    for (const profile of ["dev", "legacy"]) {
      ok(
        await box.signin(["sso", "login", "--profile", profile]),
        `aws-signin sso login ${profile}`,
      );
      ok(
        await box.signin(
          ["configure", "export-credentials", "--profile", profile],
          { browser: "none" },
        ),
        `aws-signin export ${profile}`,
      );
    }
    const out = await box.aws(["sso", "logout"]);
    assert.deepEqual([out.code, out.stdout, out.stderr], [0, "", ""]);
    assert.deepEqual(await box.calls(["Logout"]), ["Logout 200", "Logout 200"]);
    const json = (list: string[]) => list.filter((n) => n.endsWith(".json"));
    assert.deepEqual(json(await names(box.ssoCache)), [
      LEGACY_REGISTRATION,
      SESSION_REGISTRATION,
    ], "registrations stay");
    assert.deepEqual(json(await names(box.roleCache)), []);

    for (const profile of ["dev", "legacy"]) {
      ok(
        await box.aws(["sso", "login", "--profile", profile]),
        `aws sso login ${profile}`,
      );
      ok(
        await box.aws([
          "configure",
          "export-credentials",
          "--profile",
          profile,
        ]),
        `aws export ${profile}`,
      );
    }
    const ours = await box.signin(["sso", "logout"]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(ours.stdout, "", "stdout as empty as the AWS CLI's");
    assert.match(ours.stderr, /Removed 2 IAM Identity Center session tokens/);
    assert.deepEqual((await box.calls(["Logout"])).slice(2), [
      "Logout 200",
      "Logout 200",
    ]);
    assert.deepEqual(json(await names(box.ssoCache)), [
      LEGACY_REGISTRATION,
      SESSION_REGISTRATION,
    ]);
    assert.deepEqual(json(await names(box.roleCache)), []);
    // Both ended: neither tool gets credentials.
    const after = await box.aws([
      "configure",
      "export-credentials",
      "--profile",
      "dev",
    ]);
    assert.equal(after.code, 255);
  },
));

Deno.test(cliTest(
  "S4: a session without sso_registration_scopes: the same file names and bytes from both tools, both flows (the device flow gets no refresh token)",
  async () => {
    const config =
      `[sso-session s]\nsso_start_url = ${START_URL}\nsso_region = us-east-1\n\n` +
      "[profile p]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = Admin\n";
    for (const flow of [[], ["--use-device-code"]]) {
      const seen: string[][] = [];
      for (const tool of ["aws", "signin"] as const) {
        await using box = await sandbox({ config });
        ok(await box[tool](["sso", "login", "--profile", "p", ...flow]), tool);
        const files: string[] = [];
        for (const name of await names(box.ssoCache)) {
          if (name.endsWith(".json")) {
            files.push(`${name} ${await fileShape(`${box.ssoCache}/${name}`)}`);
          }
        }
        seen.push(files);
      }
      // sha1("s"); the registration key with "scopes": null.
      assert.deepEqual(seen[0], [
        `a0f1490a20d0211c997b44bc357e1972deab8ae3.json ${
          flow.length ? LEGACY_TOKEN_SHAPE : TOKEN_SHAPE
        }`,
        `b4cc1ce9867d797f84503d595654f72e5a21a168.json ${
          flow.length ? LEGACY_REGISTRATION_SHAPE : AUTH_REGISTRATION_SHAPE
        }`,
      ]);
      assert.deepEqual(seen[1], seen[0]);
    }
  },
));
