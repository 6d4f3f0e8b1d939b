/**
 * The hot path's quick reader of the shared files: wherever it answers, it
 * answers what the full parser does (generated files, built from the lines
 * people and tools write and the odd ones that trip parsers up); it answers
 * for the files people and the AWS CLI actually write; and it gives up on
 * each construct it leaves to the full parser.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { quickProfileFiles } from "../../lib/config/quick_config.ts";
import { buildSharedConfig } from "../../lib/config/profiles.ts";
import type { ProfileFiles } from "../../lib/config/selection.ts";

const plain = (files: ProfileFiles) => ({
  configProfiles: [...files.configProfiles],
  credentialProfiles: [...files.credentialProfiles],
  ssoSessions: [...files.ssoSessions],
  services: [...files.services],
  otherSections: [...files.otherSections],
});

/** The full parser's view, or `"error"` when it refuses the files. */
function full(config: string | null, credentials: string | null) {
  try {
    return plain(
      buildSharedConfig("config", config, "credentials", credentials),
    );
  } catch {
    return "error";
  }
}

const quick = (config: string | null, credentials: string | null) => {
  const files = quickProfileFiles("config", config, "credentials", credentials);
  return files && plain(files);
};

const usualName = fc.constantFrom("dev", "default", "prod-eu", "a.b@c", "Dev");
const name = fc.oneof(
  { arbitrary: usualName, weight: 4 },
  fc.constantFrom(
    "DEFAULT",
    "__proto__",
    "x]y",
    "my name",
    "'q'",
    '"dq"',
    "back\\slash",
    "",
    "\u00e9t\u00e9",
  ),
);
const header = fc.oneof(
  { arbitrary: name.map((n) => `[profile ${n}]`), weight: 6 },
  { arbitrary: name.map((n) => `[${n}]`), weight: 4 },
  name.map((n) => `[profile  ${n} ]`),
  name.map((n) => `[sso-session ${n}]`),
  name.map((n) => `[services ${n}]`),
  name.map((n) => `[profile${n}]`),
  name.map((n) => `  [profile ${n}]`),
  name.map((n) => `[profile ${n}] trailing`),
  fc.constantFrom("[]", "[profile]", "[plugins]", "[ default ]"),
);
const key = fc.constantFrom(
  "region",
  "output",
  "login_session",
  "Region",
  "login_session",
  "credential_process",
  "aws_access_key_id",
  "role_arn",
  "source_profile",
  "s3",
  "__proto__",
  "my key",
  "",
);
const value = fc.constantFrom(
  "us-east-1",
  "arn:aws:iam::111122223333:user/alice",
  "aws-signin configure export-credentials --profile dev",
  "",
  " spaced ",
  "a = b",
  "x # not a comment",
  "http://localhost:8080",
  "\u00fcber",
);
const sep = fc.constantFrom(" = ", "=", " =", "= ", "\t=\t", ": ", " : ");
const option = fc.tuple(key, sep, value).map(([k, s, v]) => `${k}${s}${v}`);
const odd = fc.oneof(
  header,
  fc.tuple(fc.constantFrom("  ", "\t"), key, value).map(([i, k, v]) =>
    `${i}${k} = ${v}`
  ),
  fc.constantFrom(
    "  # indented comment",
    "\u00a0",
    "\u2028",
    "\v",
    "\ufeff[default]",
    "\ufffd",
    "no separator",
    "\r",
  ),
);
const bodyLine = fc.oneof(
  { arbitrary: option, weight: 12 },
  { arbitrary: fc.constantFrom("", "   ", "# comment", "; c"), weight: 3 },
  { arbitrary: odd, weight: 1 },
);
const eol = fc.constantFrom("\n", "\n", "\n", "\r\n");
// A file as people write one: sections of settings, with now and then a
// line that trips parsers up (also before the first section).
const file = fc.tuple(
  fc.array(fc.oneof(bodyLine, odd), { maxLength: 1 }),
  fc.array(fc.tuple(header, fc.array(bodyLine, { maxLength: 4 })), {
    maxLength: 4,
  }),
  eol,
).map(([before, sections, e]) =>
  [...before, ...sections.flatMap(([h, body]) => [h, ...body])].map((l) =>
    l + e
  ).join("")
);
const maybeFile = fc.option(file, { nil: null });

Deno.test("where the quick reader answers, it answers what the full parser does", () => {
  let answered = 0;
  fc.assert(
    fc.property(maybeFile, maybeFile, (config, credentials) => {
      const q = quick(config, credentials);
      if (q === undefined) return;
      answered++;
      assert.deepEqual(q, full(config, credentials));
    }),
    { numRuns: 3000 },
  );
  // The property means something only if the quick reader answers often.
  assert.ok(answered > 300, `the quick reader answered ${answered} of 3000`);
});

Deno.test("the quick reader answers for the files people and the AWS CLI write", () => {
  const config = [
    "[default]",
    "region = us-east-1",
    "",
    "# work account",
    "[profile dev]",
    "login_session = arn:aws:iam::111122223333:user/alice",
    "region = eu-west-1",
    "output=json",
    "",
    "[profile admin]",
    "role_arn = arn:aws:iam::444455556666:role/Admin",
    "source_profile = dev",
    "",
    "[profile tool]",
    "credential_process = aws-signin configure export-credentials --profile dev",
    "",
    "[sso-session corp]",
    "sso_start_url = https://example.awsapps.com/start",
    "",
    "[services local]",
    "; a comment",
    "[plugins]",
    "cli_legacy_plugin_path = /opt/plugins",
    "",
  ];
  for (const eolText of ["\n", "\r\n"]) {
    const text = config.join(eolText);
    const credentials =
      `[static]${eolText}aws_access_key_id = AKIAIOSFODNN7EXAMPLE${eolText}aws_secret_access_key = s${eolText}`;
    const q = quick(text, credentials);
    assert.ok(q, "the quick reader gave up");
    assert.deepEqual(q, full(text, credentials));
    assert.deepEqual(q.configProfiles.map(([n]) => n), [
      "default",
      "dev",
      "admin",
      "tool",
    ]);
  }
  assert.deepEqual(quick(null, null), full(null, null));
});

Deno.test("the quick reader leaves to the full parser what only it gets right", () => {
  const cases: [string, string, "config only"?][] = [
    ["[DEFAULT] lends its settings", "[DEFAULT]\nregion = x\n[default]\n"],
    ["nested settings", "[default]\ns3 =\n  max_concurrent_requests = 10\n"],
    ["continuation lines", "[default]\na = b\n  c\n"],
    ["':' separators", "[default]\nregion: us-east-1\n"],
    ["a repeated section", "[default]\n[default]\n"],
    ["a repeated key", "[default]\nregion = a\nRegion = b\n"],
    ["a quoted profile name", "[profile 'my name']\n", "config only"],
    [
      "[profile default] beside [default]",
      "[default]\n[profile default]\n",
      "config only",
    ],
    ["a setting before any section", "region = x\n[default]\n"],
    ["text after a header", "[default] x\n"],
    ["a line without '='", "[default]\nnothing\n"],
    ["other whitespace", "[default]\nregion =\u00a0x\n"],
    ["a lone carriage return", "[default]\rregion = x\n"],
    ["invalid UTF-8", "[default]\nregion = \ufffd\n"],
    ["a byte-order mark", "\ufeff[default]\n"],
  ];
  for (const [what, text, configOnly] of cases) {
    assert.equal(quick(text, null), undefined, what);
    if (configOnly) continue;
    assert.equal(quick(null, text), undefined, `${what} (credentials file)`);
    // Both files are checked in one match: neither hides the other's oddity.
    assert.equal(
      quick(text, "[x]\n"),
      undefined,
      `${what} (beside credentials)`,
    );
    assert.equal(
      quick("[default]\n", text),
      undefined,
      `${what} (beside config)`,
    );
  }
  // A carriage return that ends the config file is lone, whatever the credentials file starts with.
  assert.equal(quick("[default]\nregion = x\r", "\n[x]\n"), undefined);
  assert.ok(quick("[default]\r\nregion = x\r\n", "[x]\r\n"));
  // Tabs, quotes and backslashes in a profile name are shlex's: the full parser's.
  for (const name of ["a\tb", "a'b", 'a"b', "a\\b"]) {
    assert.equal(quick(`[profile ${name}]\n`, null), undefined, name);
  }
});
