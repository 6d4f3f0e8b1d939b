/**
 * The container credentials endpoint as the chain's last link: botocore's
 * URL check (link-local hosts are checked by the URL alone: nothing here
 * ever connects to one), refusal before any connection, the authorization
 * token and its file (read at each call), retries, the expiry it serves,
 * `credential_source = EcsContainer`, and aws-signin inside `serve` and
 * `exec --server` answering with the server's identity.
 */
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import {
  checkContainerUrl,
  containerUrl,
} from "../../lib/credentials/container_provider.ts";
import {
  baseEnv,
  hasBotocoreLogin,
  ROOT,
  runCliProcess,
  runInProcess,
  runProcess,
  tempHome,
} from "../helpers.ts";
import { ADMIN, roleEmulator, roleHome } from "../roles/_setup.ts";
import { CONTAINER_CREDS, containerEndpoint } from "./_chain.ts";

const ALLOWED = [
  "http://127.0.0.1:8080/creds",
  "http://127.1.2.3/",
  "http://[::1]:9/x",
  "http://localhost:1/",
  "http://169.254.170.2/v2/credentials/abc",
  "http://169.254.170.23/v1/credentials",
  "http://[fd00:ec2::23]/v1/credentials",
  "https://creds.example.com/any",
];

/** Refused URLs and the host botocore names (as Python's urlparse reads it: `127.1` stays `127.1`). */
const REFUSED: [string, string][] = [
  [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "169.254.169.254",
  ],
  ["http://example.com/creds", "example.com"],
  ["http://10.0.0.1:80/", "10.0.0.1"],
  ["http://127.1/", "127.1"],
  ["http://[fd00:ec2::24]/", "fd00:ec2::24"],
  ["", "None"],
];

const refusal = (host: string) =>
  `Unsupported host '${host}'.  Can only retrieve metadata from a loopback address or one of these hosts: ` +
  "169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost";

Deno.test("the URL check allows what botocore allows and refuses the rest in its words (no connection made)", async () => {
  for (const url of ALLOWED) checkContainerUrl(url);
  for (const [url, host] of REFUSED) {
    assert.throws(() => checkContainerUrl(url), { message: refusal(host) });
  }
  assert.equal(
    containerUrl({
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x",
    }),
    "http://169.254.170.2/v2/credentials/x",
  );
  assert.equal(
    containerUrl({
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/rel",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:1/full",
    }),
    "http://169.254.170.2/rel",
    "the relative URI wins, as in botocore",
  );
  // botocore's own check on the same URLs (its validation alone: it connects to nothing).
  if (hasBotocoreLogin) {
    const py = await runProcess("python3", [
      "-c",
      "import json, sys\nfrom botocore.utils import ContainerMetadataFetcher as F\nout = []\n" +
      "for u in json.loads(sys.argv[1]):\n  try:\n    F()._validate_allowed_url(u); out.append('ok')\n" +
      "  except ValueError as e:\n    out.append(str(e))\nprint(json.dumps(out))",
      JSON.stringify([...ALLOWED, ...REFUSED.map(([u]) => u)]),
    ], baseEnv());
    assert.equal(py.code, 0, py.stderr);
    const ours = [...ALLOWED, ...REFUSED.map(([u]) => u)].map((u) => {
      try {
        checkContainerUrl(u);
        return "ok";
      } catch (error) {
        return (error as Error).message;
      }
    });
    assert.deepEqual(ours, JSON.parse(py.stdout));
  }
});

Deno.test("a refused host is refused before any connection; a relative URI goes to the ECS address", async () => {
  await using home = await tempHome();
  const asked: string[] = [];
  const fetch = (input: RequestInfo | URL) => {
    asked.push(String(input instanceof Request ? input.url : input));
    return Promise.resolve(Response.json(CONTAINER_CREDS));
  };
  const run = (env: Record<string, string>) =>
    runInProcess(["configure", "export-credentials"], {
      env: { ...home.env, ...env },
      world: { fetch: fetch as typeof globalThis.fetch },
    });
  const imds = await run({
    AWS_CONTAINER_CREDENTIALS_FULL_URI:
      "http://169.254.169.254/latest/meta-data/",
  });
  assert.equal(imds.code, 253);
  assert.equal(
    imds.stderr,
    `aws-signin: [ERROR]: An error occurred (Configuration): Unable to retrieve credentials: ${
      refusal("169.254.169.254")
    }\nPoint AWS_CONTAINER_CREDENTIALS_FULL_URI at one of those hosts, or at an https:// URL.\n`,
  );
  assert.deepEqual(asked, []);
  // The ECS address is allowed: the request is made (to the fake network above, never to the address).
  const ecs = await run({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/x" });
  assert.equal(ecs.code, 0, ecs.stderr);
  assert.deepEqual(asked, ["http://169.254.170.2/v2/x"]);
  assert.equal(JSON.parse(ecs.stdout).AccessKeyId, CONTAINER_CREDS.AccessKeyId);
});

Deno.test("the endpoint's keys and expiry, its token (the file read at each call), retries, and where it sits in the chain", async () => {
  await using home = await tempHome();
  await using endpoint = containerEndpoint("token-one");
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.writeTextFile(
    home.config,
    "[profile empty]\nregion = us-east-1\n\n[profile keys]\naws_access_key_id = AKIAKEYSINCONFIG0001\n" +
      "aws_secret_access_key = s\n",
  );
  const tokenFile = `${home.dir}/container-token`;
  await Deno.writeTextFile(tokenFile, "token-one");
  const env = {
    ...home.env,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: "ignored-when-the-file-is-set",
  };
  const run = (args: string[] = [], extra: Record<string, string> = {}) =>
    runCliProcess(["configure", "export-credentials", ...args], {
      ...env,
      ...extra,
    });
  const first = await run();
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), {
    Version: 1,
    AccessKeyId: CONTAINER_CREDS.AccessKeyId,
    SecretAccessKey: CONTAINER_CREDS.SecretAccessKey,
    SessionToken: CONTAINER_CREDS.Token,
    Expiration: "2099-01-02T03:04:05+00:00",
  });
  assert.deepEqual(endpoint.seen, [
    { path: "/creds", authorization: "token-one" },
  ]);
  // A named profile without credentials falls through to the container, as in botocore.
  const named = await run(["--profile", "empty"]);
  assert.equal(named.code, 0, named.stderr);
  // A profile with credentials answers before it.
  const keys = await run(["--profile", "keys", "--format", "env-no-export"]);
  assert.match(keys.stdout, /^AWS_ACCESS_KEY_ID=AKIAKEYSINCONFIG0001\n/);
  // The token file is read again at each call.
  await Deno.writeTextFile(tokenFile, "token-two");
  const refused = await run();
  assert.equal(refused.code, 253);
  assert.equal(endpoint.seen.at(-1)?.authorization, "token-two");
  assert.match(
    refused.stderr,
    /Unable to retrieve credentials: Error when retrieving credentials from container-role: Error retrieving metadata: Received non 200 response 401 from container metadata: \{"message": "wrong token"\}\n/,
  );
  assert.equal(endpoint.seen.length, 2 + 3, "three attempts");
  // Two failures, then an answer: three requests, one result.
  await Deno.writeTextFile(tokenFile, "token-one");
  endpoint.seen.length = 0;
  endpoint.failNext.push(500, 503);
  const retried = await run();
  assert.equal(retried.code, 0, retried.stderr);
  assert.equal(endpoint.seen.length, 3);
  // The variable alone, when there is no file; a line break is refused before any request.
  endpoint.seen.length = 0;
  const { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: _, ...noFile } = env;
  const byVar = await runCliProcess(["configure", "export-credentials"], {
    ...noFile,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: "token-one",
  });
  assert.equal(byVar.code, 0, byVar.stderr);
  await Deno.writeTextFile(tokenFile, "token-one\n");
  const newline = await run();
  assert.equal(newline.code, 253);
  assert.match(newline.stderr, /Auth token value is not a legal header value/);
  assert.deepEqual(endpoint.seen, [
    { path: "/creds", authorization: "token-one" },
  ]);
  // Nothing listening: the connection error, after three attempts.
  await Deno.writeTextFile(tokenFile, "token-one");
  const dead = await run([], {
    AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9/creds",
  });
  assert.equal(dead.code, 253);
  assert.match(
    dead.stderr,
    /Error retrieving metadata: Received error when attempting to retrieve container metadata: /,
  );
});

const EXPORTS =
  /^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(http:\/\/127\.0\.0\.1:\d+\/)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=([A-Za-z0-9_-]{43})\n$/;

Deno.test("aws-signin behind serve and inside exec --server answers sts get-caller-identity with the server's identity; credential_source = EcsContainer", async () => {
  await using server = await roleEmulator();
  await using home = await roleHome(server, "");
  const served = spawnCli(["serve", "--profile", "dev"], home.env);
  try {
    const [, url, token] = await served.waitForStdout(EXPORTS);
    // Another computer, as it were: no config, no caches, only the two variables.
    await using inside = await tempHome();
    const env = {
      ...inside.env,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: url!,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token!,
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_REGION: "us-east-1",
    };
    const who = await runCliProcess(
      ["sts", "get-caller-identity", "--query", "Arn"],
      env,
    );
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout, '"arn:aws:iam::111122223333:user/demo"\n');
    // A role assumed with the container's credentials.
    await Deno.mkdir(`${inside.dir}/.aws`);
    await Deno.writeTextFile(
      inside.config,
      `[profile ecsrole]\nrole_arn = ${ADMIN}\ncredential_source = EcsContainer\n`,
    );
    const role = await runCliProcess(
      ["sts", "get-caller-identity", "--profile", "ecsrole", "--query", "Arn"],
      env,
    );
    assert.equal(role.code, 0, role.stderr);
    assert.match(
      role.stdout,
      /^"arn:aws:sts::444455556666:assumed-role\/Admin\/botocore-session-\d+"\n$/,
    );
    // Without the endpoint (and with no role cache entry), the source has no credentials.
    await Deno.remove(`${inside.dir}/.aws/cli`, { recursive: true });
    const { AWS_CONTAINER_CREDENTIALS_FULL_URI: _, ...noEndpoint } = env;
    const missing = await runCliProcess(
      ["sts", "get-caller-identity", "--profile", "ecsrole"],
      { ...noEndpoint, AWS_EC2_METADATA_DISABLED: "true" },
    );
    assert.equal(missing.code, 253, missing.stderr);
    assert.match(
      missing.stderr,
      /No credentials found in credential_source referenced in profile ecsrole/,
    );
  } finally {
    served.kill("SIGTERM");
    await served.finish();
  }
  const inExec = await runCliProcess(
    [
      "exec",
      "--profile",
      "dev",
      "--server",
      "--",
      Deno.execPath(),
      "run",
      "-A",
      "--quiet",
      `${ROOT}/main.ts`,
      "sts",
      "get-caller-identity",
      "--query",
      "Arn",
    ],
    { ...home.env, AWS_REGION: "us-east-1" },
  );
  assert.equal(inExec.code, 0, inExec.stderr);
  assert.equal(inExec.stdout, '"arn:aws:iam::111122223333:user/demo"\n');
});
