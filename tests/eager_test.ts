/**
 * The hot path's functions are compiled with its module, so Deno's code
 * cache holds them: from the second run on, V8 compiles none of them again
 * (it did compile some forty on every call). And the rewrite that makes
 * them so (`scripts/eager.ts`) keeps the module's meaning: hoisting, strings,
 * templates, regular expressions and comments that look like code.
 */
import assert from "node:assert/strict";
import { eagerFunctions, tokenize } from "../scripts/eager.ts";
import { formatExpiresAt } from "../lib/util/time.ts";
import {
  roleCacheFile,
  roleCacheKey,
  ssoRoleCacheKey,
} from "../lib/cache/role_cache.ts";
import {
  writeRoleCache,
  writeSsoRoleCache,
} from "../lib/cache/role_cache_write.ts";
import { buildSharedConfig } from "../lib/config/profiles.ts";
import { resolveProfile } from "../lib/config/selection.ts";
import { roleChain } from "../lib/credentials/role_config.ts";
import {
  baseEnv,
  PERMISSIONS,
  ROOT,
  runProcess,
  sha256HexSync,
  tempHome,
} from "./helpers.ts";

Deno.test("eagerFunctions wraps and hoists top-level functions, and keeps what they do", async () => {
  const src = [
    "var early = later(2);",
    "function later(x) {",
    "  const t = `a\n}\nfunction fake() {\n${x + 1}`;",
    '  const s = "function nope() {}" + /[}{]\\/*/.source;',
    "  // function neither() {}",
    "  return t + s;",
    "}",
    "async function wait(ms) {",
    "  return await Promise.resolve(ms / 2 / 1 - -0 + +0);",
    "}",
    "var arrow = (y) => y * 3;",
    "var plain = 4;",
    "export {",
    "  early,",
    "  wait,",
    "  arrow,",
    "  plain",
    "};",
  ].join("\n");
  const out = eagerFunctions(src);
  assert.match(out, /^var later = \(function later\(x\) \{/);
  assert.match(out, /\nvar wait = \(async function wait\(ms\) \{/);
  assert.match(out, /\nvar arrow = \(\(y\) => y \* 3\);/);
  assert.doesNotMatch(out, /function fake\(\) \{\n\$\{x \+ 1\}`;\n\}\);/);
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, text] of [["m", out]] as const) {
      await Deno.writeTextFile(`${dir}/${name}.js`, text);
      const m = await import(`file://${dir}/${name}.js`);
      assert.equal(
        m.early,
        "a\n}\nfunction fake() {\n3function nope() {}[}{]\\/*",
        name,
      );
      assert.equal(await m.wait(8), 4);
      assert.equal(m.arrow(2), 6);
      assert.equal(m.plain, 4);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.throws(() => eagerFunctions("function f( {\n"), /eager:/);
  // Where a slash starts a regular expression and where it divides, as esbuild's minified output has them.
  const regexes = (text: string) =>
    tokenize(text).filter((t) => t.kind === "regex").map((t) => t.text);
  assert.deepEqual(regexes("for(let o of n)/a, b/.test(o)&&t++;"), [
    "/a, b/",
  ]);
  assert.deepEqual(regexes("if(a)/x  y/.test(c);while(b)/z/g.exec(d)"), [
    "/x  y/",
    "/z/g",
  ]);
  assert.deepEqual(regexes("x=`${/a  b/.test(s)?1:2}`/2;"), ["/a  b/"]);
  assert.deepEqual(regexes("if(a){b()}/x y/.test(c);"), ["/x y/"]);
  assert.deepEqual(
    regexes("x=i--/2/1;y=j++/3/1;z=o.return/t/1;w=f(a)/2/b"),
    [],
  );
  assert.deepEqual(regexes("x=a+ +/b/.source;y=--/c/.lastIndex"), [
    "/b/",
    "/c/",
  ]);
  assert.deepEqual(
    tokenize("a = b / c / d; e = /x\\/y[/]/g.test(f);").filter((t) =>
      t.kind === "regex"
    ).map((t) => t.text),
    ["/x\\/y[/]/g"],
  );
});

Deno.test("eagerFunctions keeps regular expressions esbuild writes after a loop head or in a template", async () => {
  const src =
    "function m(e){let n=0;for(let o of e)/a, b/.test(o)&&n++;return n}" +
    "function t(s){return`${/a  b/.test(s)?1:2}`}\nexport{m,t};\n";
  const out = eagerFunctions(src);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/m.js`, out);
    const mod = await import(`file://${dir}/m.js`);
    assert.equal(mod.m(["a, b", "ab"]), 1);
    assert.equal(mod.t("a  b"), "1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "from the second run on, V8 compiles no function of the hot path's module (the code cache holds them)",
  ignore: Deno.env.get("AWS_SIGNIN_BIN") !== undefined,
  async fn() {
    await using home = await tempHome();
    await Deno.mkdir(home.cache, { recursive: true });
    const roleCache = `${home.dir}/.aws/cli/cache`;
    await Deno.mkdir(roleCache, { recursive: true });
    const session = "arn:aws:iam::111122223333:user/eager";
    const config =
      `[default]\nlogin_session = ${session}\nregion = us-east-1\n` +
      "[profile tool]\ncredential_process = aws-signin configure export-credentials\n" +
      "[profile role]\nrole_arn = arn:aws:iam::444455556666:role/R\nsource_profile = default\n" +
      "[profile sso]\nsso_session = s\nsso_account_id = 111122223333\nsso_role_name = R\n" +
      "[sso-session s]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n";
    await Deno.writeTextFile(home.config, config);
    const now = Date.now();
    await Deno.writeTextFile(
      `${home.cache}/${sha256HexSync(session)}.json`,
      JSON.stringify({
        accessToken: {
          accessKeyId: "ASIAEAGER0000000001",
          secretAccessKey: "secret",
          sessionToken: "token",
          accountId: "111122223333",
          expiresAt: formatExpiresAt(now + 3600_000),
        },
        tokenType: "aws_sigv4",
        clientId: "arn:aws:signin:::devtools/same-device",
        refreshToken: "r",
        dpopKey: "k",
      }),
    );
    const shared = buildSharedConfig(home.config, config, "", null);
    const role = roleChain(
      resolveProfile(shared, { name: "role", source: "flag" }),
      now,
    )[0]!;
    const credentials = {
      accessKeyId: "ASIAEAGER0000000002",
      secretAccessKey: "s",
      sessionToken: "t",
      accountId: "444455556666",
    };
    await writeRoleCache(
      roleCacheFile(roleCache, await roleCacheKey(role.args)),
      {
        ...credentials,
        expiresAtMs: now + 3600_000,
        assumedRoleId: "AROAEXAMPLE:e",
        arn: "arn:aws:sts::444455556666:assumed-role/R/e",
        requestId: "00000000-0000-0000-0000-000000000000",
      },
    );
    await writeSsoRoleCache(
      roleCacheFile(
        roleCache,
        await ssoRoleCacheKey({
          accountId: "111122223333",
          roleName: "R",
          sessionName: "s",
          startUrl: "https://d-1234567890.awsapps.com/start",
        }),
      ),
      { ...credentials, expirationMs: now + 3600_000 },
    );
    for (const profile of ["default", "tool", "role", "sso"]) {
      const log = `${home.dir}/v8-${profile}.log`;
      const run = () =>
        runProcess(Deno.execPath(), [
          "run",
          "--quiet",
          `--v8-flags=--log-function-events,--logfile=${log},--no-logfile-per-isolate`,
          ...PERMISSIONS,
          `${ROOT}/main.ts`,
          "configure",
          "export-credentials",
          "--profile",
          profile,
        ], { ...baseEnv(), ...home.env, DENO_DIR: `${home.dir}/deno` });
      await run();
      const second = await run();
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /"AccessKeyId": "ASIAEAGER000000000[12]"/);
      const lines = (await Deno.readTextFile(log)).split("\n").map((l) =>
        l.split(",")
      );
      const script = lines.find((f) =>
        f[0] === "script-details" &&
        f[2]?.endsWith("/export_credentials_fast.generated.js")
      )?.[1];
      assert.ok(script, `${profile}: the hot path's module was loaded`);
      const compiled = lines.filter((f) =>
        f[0] === "function" && f[1] === "interpreter" && f[2] === script
      ).map((f) => f[7]);
      assert.deepEqual(compiled, [], profile);
    }
  },
});
