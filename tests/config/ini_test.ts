import assert from "node:assert/strict";
import {
  ConfigParseError,
  parseIni,
  sectionValues,
  serializeIni,
} from "../../lib/config/ini.ts";
import { buildSharedConfig, mergedProfile } from "../../lib/config/profiles.ts";

function values(text: string): Record<string, unknown> {
  const doc = parseIni(text, "config");
  return Object.fromEntries(
    doc.sections.map((s) => [s.name, sectionValues(doc, s)]),
  );
}

function parseError(text: string): ConfigParseError {
  try {
    parseIni(text, "/home/u/.aws/config");
  } catch (error) {
    assert.ok(error instanceof ConfigParseError);
    return error;
  }
  throw new Error("expected a parse error");
}

Deno.test("values are everything after the first delimiter, trimmed; keys are lowercased", () => {
  assert.deepEqual(
    values(
      "[default]\nRegion=us-east-1\nurl = https://x/?a=b \nrole: arn:aws:iam::1:role/r\n",
    ),
    {
      default: {
        region: "us-east-1",
        url: "https://x/?a=b",
        role: "arn:aws:iam::1:role/r",
      },
    },
  );
});

Deno.test("inline # is part of the value, as in botocore", () => {
  assert.deepEqual(values("[default]\nregion = us-east-1 # comment\n"), {
    default: { region: "us-east-1 # comment" },
  });
});

Deno.test("an indented block after `key =` is a nested map", () => {
  const text =
    "[default]\ns3 =\n    max_concurrent_requests = 20\n\n    max_queue_size = 10000\nregion = x\n";
  assert.deepEqual(values(text), {
    default: {
      s3: { max_concurrent_requests: "20", max_queue_size: "10000" },
      region: "x",
    },
  });
});

Deno.test("an indented line after a value continues it", () => {
  assert.deepEqual(values("[a]\nkey = one\n  two\n"), {
    a: { key: "one\ntwo" },
  });
});

Deno.test("comments and blank lines are kept byte for byte", () => {
  const text =
    "# top\r\n\r\n[default]\r\n; c\r\nregion = x\r\n\tnested = y\r\n\n[b]\rk=v";
  assert.equal(serializeIni(parseIni(text, "f")), text);
});

Deno.test("[DEFAULT] settings are lent to every section, as configparser does", () => {
  assert.deepEqual(
    values("[DEFAULT]\noutput = json\n[default]\nregion = x\n"),
    {
      DEFAULT: { output: "json" },
      default: { output: "json", region: "x" },
    },
  );
});

Deno.test("a repeated section is refused with both line numbers", () => {
  const e = parseError("[default]\nregion = a\n[profile x]\n[default]\n");
  assert.equal(e.lineNumber, 4);
  assert.match(
    e.message,
    /^Cannot parse config file "\/home\/u\/.aws\/config" at line 4: section \[default\] already appears at line 1\./,
  );
});

Deno.test("a repeated key in a section is refused, case-insensitively", () => {
  const e = parseError("[default]\nregion = a\nRegion = b\n");
  assert.equal(e.lineNumber, 3);
  assert.match(e.message, /"region" is already set at line 2/);
});

Deno.test("a line that is neither section, setting nor comment is refused, without quoting it", () => {
  const e = parseError("[default]\naws_secret_access_key wJalrXUtnFEMI\n");
  assert.equal(e.lineNumber, 2);
  assert.match(
    e.message,
    /expected "key = value", a \[section\] header or a comment/,
  );
  assert.doesNotMatch(e.message, /wJalr/);
});

Deno.test("a setting before the first section is refused", () => {
  assert.equal(parseError("\n# c\nregion = x\n").lineNumber, 3);
});

Deno.test("an empty key is refused", () => {
  assert.equal(parseError("[default]\n= x\n").lineNumber, 2);
});

Deno.test("a nested line without = is refused (botocore cannot read it)", () => {
  const e = parseError("[default]\ns3 =\n  max_queue_size = 1\n  oops\n");
  assert.equal(e.lineNumber, 4);
  assert.match(e.message, /nested "s3" settings/);
});

Deno.test("profiles: [profile NAME], quoted names, default, credentials laid over config", () => {
  const shared = buildSharedConfig(
    "config",
    '[default]\nregion = a\n[profile "my name"]\nregion = b\n[profile dev]\nregion = c\noutput = json\n' +
      "[profile too many words]\nregion = d\n[sso-session corp]\nsso_region = us-east-1\n[services s]\nsts =\n  endpoint_url = http://x\n",
    "credentials",
    "[dev]\noutput = text\naws_access_key_id = AKIA\n[profile dev]\nregion = z\n",
  );
  assert.deepEqual([...shared.configProfiles.keys()], [
    "default",
    "my name",
    "dev",
  ]);
  assert.deepEqual(mergedProfile(shared, "dev"), {
    region: "c",
    output: "text",
    aws_access_key_id: "AKIA",
  });
  assert.deepEqual(shared.ssoSessions.get("corp"), { sso_region: "us-east-1" });
  assert.deepEqual(shared.services.get("s"), {
    sts: { endpoint_url: "http://x" },
  });
  assert.equal(shared.credentialProfiles.get("profile dev")?.region, "z");
});
