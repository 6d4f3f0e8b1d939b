/**
 * Writer cases where the AWS CLI 2.9.19 damages the file and we deliberately
 * do not (the byte-for-byte agreement is in configure_set_compat_test.ts).
 */
import assert from "node:assert/strict";
import { parseIni } from "../../lib/config/ini.ts";
import { sectionIsProfile } from "../../lib/config/profiles.ts";
import { updateConfigText } from "../../lib/config/writer.ts";
import { hasAwsCli, runAwsCli, runInProcess, tempHome } from "../helpers.ts";

Deno.test("a key written with capitals is updated, not duplicated", () => {
  assert.equal(
    updateConfigText(
      "[default]\nRegion = us-west-2\n",
      { section: "default" },
      { region: "eu-west-1" },
      "c",
    ),
    "[default]\nregion = eu-west-1\n",
  );
});

Deno.test("a nested line with the same name is not mistaken for the setting", () => {
  const text = "[default]\ns3 =\n    region = inner\noutput = json\n";
  const out = updateConfigText(text, { section: "default" }, {
    region: "us-east-1",
  }, "c");
  assert.equal(
    out,
    "[default]\ns3 =\n    region = inner\noutput = json\nregion = us-east-1\n",
  );
});

Deno.test("an indented section header is found instead of adding a second section", () => {
  const out = updateConfigText(
    "  [default]\nregion = a\n",
    { section: "default" },
    { region: "b" },
    "c",
  );
  assert.equal(out, "  [default]\nregion = b\n");
});

Deno.test('[profile "my name"] is found for profile `my name`', () => {
  const out = updateConfigText(
    '[profile "my name"]\nregion = a\n',
    { section: "profile 'my name'", alsoMatches: sectionIsProfile("my name") },
    { region: "b" },
    "c",
  );
  assert.equal(out, '[profile "my name"]\nregion = b\n');
});

Deno.test("[profile default] is found for the default profile", () => {
  const out = updateConfigText(
    "[profile default]\nregion = a\n",
    { section: "default", alsoMatches: sectionIsProfile("default") },
    { region: "b" },
    "c",
  );
  assert.equal(out, "[profile default]\nregion = b\n");
});

Deno.test("a nested key added at the end of a file without a final newline gets its own line", () => {
  const out = updateConfigText(
    "[default]\ns3 =\n    a = 1",
    { section: "default" },
    { s3: { b: "2" } },
    "c",
  );
  assert.equal(out, "[default]\ns3 =\n    a = 1\n    b = 2\n");
});

Deno.test("a nested key for a `key =` that ends the file", () => {
  const out = updateConfigText("[default]\ns3 =\n", { section: "default" }, {
    s3: { b: "2" },
  }, "c");
  assert.equal(out, "[default]\ns3 =\n    b = 2\n");
  parseIni(out, "c");
});

Deno.test("a value with a line break is refused", () => {
  assert.throws(
    () =>
      updateConfigText(
        "",
        { section: "default" },
        { region: "a\n[evil]" },
        "c",
      ),
    /line break/,
  );
});

Deno.test({
  name:
    "the AWS CLI's own result for `Region = ...` no longer parses, ours does",
  ignore: !hasAwsCli,
  async fn() {
    await using theirs = await tempHome();
    await using ours = await tempHome();
    for (const home of [theirs, ours]) {
      await Deno.mkdir(`${home.dir}/.aws`, { recursive: true });
      await Deno.writeTextFile(home.config, "[default]\nRegion = us-west-2\n");
    }
    assert.equal(
      (await runAwsCli(["configure", "set", "region", "eu-west-1"], theirs.env))
        .code,
      0,
    );
    assert.notEqual(
      (await runAwsCli(["configure", "get", "region"], theirs.env)).code,
      0,
    );
    assert.equal(
      (await runInProcess(
        ["configure", "set", "region", "eu-west-1"],
        { env: ours.env },
      )).code,
      0,
    );
    assert.equal(
      (await runAwsCli(["configure", "get", "region"], ours.env)).stdout,
      "eu-west-1\n",
    );
  },
});
