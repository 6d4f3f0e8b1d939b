/**
 * pyJsonDumps writes what Python's json.dumps writes (the bytes behind
 * botocore's role and SSO cache keys): any nesting, any Unicode, sorted or
 * not, compact or not, against python3 itself (skipped without it).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { pyJsonDumps } from "../../lib/util/py_json.ts";

const hasPython = (() => {
  try {
    return new Deno.Command("python3", { args: ["-c", "0"] }).outputSync()
      .success;
  } catch {
    return false;
  }
})();

const text = fc.string({ unit: "binary", maxLength: 12 });
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("any"), { maxLength: 4 }),
    fc.dictionary(text, tie("any"), { maxKeys: 5 }),
  ),
})).any;

Deno.test({
  name: "pyJsonDumps is Python's json.dumps (sort_keys, separators)",
  ignore: !hasPython,
  fn() {
    const cases = fc.sample(
      fc.record({
        value,
        sortKeys: fc.boolean(),
        compact: fc.boolean(),
      }),
      { numRuns: 1_500, seed: 27 },
    );
    cases.push(
      {
        value: { "b": 1, "a": [1, "é"], "\u{1F600}": null, "\uFFFF": 2 },
        sortKeys: true,
        compact: true,
      },
      {
        value: { RoleArn: "arn:aws:iam::1:role/x", DurationSeconds: 900 },
        sortKeys: false,
        compact: false,
      },
    );
    const script = [
      "import json, sys",
      "for line in sys.stdin:",
      "    c = json.loads(line)",
      "    sep = (',', ':') if c['compact'] else (', ', ': ')",
      "    print(json.dumps(json.dumps(c['value'], sort_keys=c['sortKeys'], separators=sep)))",
    ].join("\n");
    const out = new Deno.Command("python3", {
      args: ["-c", script],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = out.stdin.getWriter();
    void writer.write(
      new TextEncoder().encode(
        cases.map((c) => JSON.stringify(c)).join("\n") + "\n",
      ),
    ).then(() => writer.close());
    return out.output().then((result) => {
      const expected = new TextDecoder().decode(result.stdout).trim().split(
        "\n",
      ).map((l) => JSON.parse(l) as string);
      assert.equal(expected.length, cases.length);
      cases.forEach((c, i) => {
        assert.equal(
          pyJsonDumps(c.value, { sortKeys: c.sortKeys, compact: c.compact }),
          expected[i],
          JSON.stringify(c),
        );
      });
    });
  },
});
