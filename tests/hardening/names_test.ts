/**
 * Hardening 1: a profile or section name with a line break, "[", "]" or
 * another control character is refused wherever a name enters (flags,
 * AWS_PROFILE / AWS_DEFAULT_PROFILE, dotted keys), with a usage error (252)
 * naming the rule, before any network call or write. A session ARN from the
 * service (the ID token's `sub`) is held to the same rule before it is
 * written to the config.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../lib/emulator/server.ts";
import { hasControlCharacters } from "../../lib/util/safe_text.ts";
import {
  listDir,
  mapLimit,
  readOrNull,
  runCliProcess,
  runInProcess,
  standInBrowser,
  tempHome,
} from "../helpers.ts";

const EVIL = "dev]\ncredential_process=/tmp/evil.sh\n[default";
const RULE =
  /a profile name cannot contain line breaks, "\[", "\]" or other control characters/;

Deno.test("an injected profile name is refused everywhere a name enters, with 252 and no file touched", async () => {
  await using server = await startEmulator({ autoApprove: true });
  await using home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  const config = "[profile dev]\nregion = us-east-1\n";
  const credentials = "[dev]\naws_access_key_id = AKIAEXAMPLE\n";
  await Deno.writeTextFile(home.config, config);
  await Deno.writeTextFile(home.credentials, credentials);
  const cases: [string[], Record<string, string>][] = [
    [["configure", "set", "region", "us-east-1", "--profile", EVIL], {}],
    [["configure", "set", "aws_secret_access_key", "x", "--profile", EVIL], {}],
    [["configure", "set", `profile.a]\n[default.region`, "x"], {}],
    [["configure", "set", "region", "x"], { AWS_PROFILE: EVIL }],
    [["configure", "set", "region", "x"], { AWS_DEFAULT_PROFILE: EVIL }],
    [["configure", "get", "region", "--profile", EVIL], {}],
    [["configure", "get", `profile.${EVIL}.region`], {}],
    [["configure", "export-credentials"], { AWS_PROFILE: EVIL }],
    [["configure", "list", "--profile", EVIL], {}],
    [["sts", "get-caller-identity", "--profile", EVIL], {
      AWS_ENDPOINT_URL_STS: server.url,
    }],
    [["logout", "--profile", EVIL], {}],
    [["login", "--profile", EVIL, "--region", "us-east-1"], {
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      BROWSER: standInBrowser("approve"),
    }],
    [["login", "--region", "us-east-1"], {
      AWS_PROFILE: "a\x1b]0;title\x07",
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      BROWSER: standInBrowser("approve"),
    }],
  ];
  await mapLimit(cases, 4, async ([argv, env]) => {
    const result = await runCliProcess(argv, { ...home.env, ...env });
    const what = `${JSON.stringify(argv)} ${JSON.stringify(env)}`;
    assert.equal(result.code, 252, `${what}: ${result.stderr}`);
    assert.match(result.stderr, RULE, what);
    assert.equal(result.stdout, "", what);
    // The name is shown escaped: no raw line break or escape reaches the terminal.
    assert.ok(
      !hasControlCharacters(result.stderr.replaceAll("\n", "")),
      what,
    );
    assert.equal(result.stderr.split("\n").length, 2, what);
  });
  assert.equal(await Deno.readTextFile(home.config), config);
  assert.equal(await Deno.readTextFile(home.credentials), credentials);
  assert.deepEqual(server.emulator.requests, []);
});

Deno.test("the message says where the name came from and shows it escaped", async () => {
  const result = await runInProcess(["configure", "export-credentials"], {
    env: { HOME: "/nonexistent", AWS_PROFILE: EVIL },
  });
  assert.equal(result.code, 252);
  assert.equal(
    result.stderr,
    'aws-signin: [ERROR]: An error occurred (ParamValidation): Invalid profile name "dev]\\ncredential_process=/tmp/evil.sh\\n[default" (from ' +
      'AWS_PROFILE): a profile name cannot contain line breaks, "[", "]" or other control characters.\n',
  );
});

Deno.test("names with spaces, dots, @ and unicode still work", async () => {
  await using home = await tempHome();
  for (const name of ["my name", "team.dev", "alice@corp", "ünïcode"]) {
    const set = await runInProcess(
      ["configure", "set", "region", "eu-west-1", "--profile", name],
      { env: home.env },
    );
    assert.equal(set.code, 0, set.stderr);
    const get = await runInProcess(
      ["configure", "get", "region", "--profile", name],
      { env: home.env },
    );
    assert.equal(get.stdout, "eu-west-1\n", name);
  }
});

Deno.test("a session ARN with a line break from the service is refused before anything is written", async () => {
  await using server = await startEmulator({
    autoApprove: true,
    principals: [
      "arn:aws:iam::111122223333:user/x\n[default]\ncredential_process = /tmp/evil.sh",
    ],
  });
  await using home = await tempHome();
  const result = await runCliProcess(
    ["login", "--profile", "dev", "--region", "us-east-1"],
    {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
      BROWSER: standInBrowser("approve"),
    },
  );
  assert.equal(result.code, 255, result.stderr);
  assert.match(
    result.stderr,
    /Error loading or redeeming a login authorization code: Invalid JWT token - "sub" is not a session ARN/,
  );
  assert.ok(!hasControlCharacters(result.stderr.replaceAll("\n", "")));
  assert.equal(await readOrNull(home.config), null);
  assert.deepEqual(await listDir(home.cache), []);
});
