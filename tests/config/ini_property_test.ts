import assert from "node:assert/strict";
import fc from "fast-check";
import { parseIni, sectionValues, serializeIni } from "../../lib/config/ini.ts";
import { updateConfigText } from "../../lib/config/writer.ts";

const CHARS = [
  "[",
  "]",
  "=",
  ":",
  "#",
  ";",
  " ",
  "\t",
  "\r",
  "\n",
  "a",
  "b",
  "p",
  "r",
  "o",
  "f",
  "i",
  "l",
  "e",
  "é",
  "1",
];

function tryParse(text: string) {
  try {
    return parseIni(text, "f");
  } catch {
    return undefined;
  }
}

Deno.test("serialize(parse(s)) === s for every text the parser accepts", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...CHARS), { maxLength: 80 }).map((a) =>
        a.join("")
      ),
      (text) => {
        const doc = tryParse(text);
        if (doc) assert.equal(serializeIni(doc), text);
      },
    ),
    { numRuns: 3000 },
  );
});

const SECTIONS = [
  "default",
  "profile dev",
  "profile prod",
  "sso-session corp",
  "services s",
];
const KEYS = [
  "region",
  "output",
  "login_session",
  "aws_access_key_id",
  "cli_pager",
];
const value = fc.stringMatching(/^[a-z0-9\-/.:=]{1,12}$/);
const noise = fc.constantFrom(
  "",
  "# comment",
  "; other = comment",
  "   ",
  "#[not a section]",
);

const document = fc.uniqueArray(fc.constantFrom(...SECTIONS), {
  minLength: 1,
  maxLength: 4,
}).chain((names) =>
  fc.tuple(
    ...names.map((name) =>
      fc.tuple(
        fc.constant(name),
        fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 4 }).chain((
          keys,
        ) =>
          fc.tuple(...keys.map((k) =>
            fc.tuple(
              fc.constant(k),
              value,
              fc.constantFrom(" = ", "=", " =  "),
              noise,
            )
          ))
        ),
        noise,
      )
    ),
  )
).map((sections) =>
  sections.map(([name, options, after]) =>
    `[${name}]\n${
      options.map(([k, v, sep, n]) =>
        `${k}${sep}${v}\n${n === "" ? "" : `${n}\n`}`
      ).join("")
    }${after === "" ? "" : `${after}\n`}`
  ).join("")
);

function valuesBySection(text: string): Map<string, unknown> {
  const doc = parseIni(text, "f");
  return new Map(doc.sections.map((s) => [s.name, sectionValues(doc, s)]));
}

Deno.test("an edit changes only the setting it targets and touches at most the lines it must", () => {
  fc.assert(
    fc.property(
      document,
      fc.constantFrom(...SECTIONS),
      fc.constantFrom(...KEYS),
      value,
      (text, section, key, v) => {
        const out = updateConfigText(text, { section }, { [key]: v }, "f");
        const before = valuesBySection(text);
        const after = valuesBySection(out);
        for (const [name, values] of before) {
          if (name !== section) assert.deepEqual(after.get(name), values);
        }
        assert.deepEqual(after.get(section), {
          ...(before.get(section) as object),
          [key]: v,
        });
        // Line-level: a common prefix and suffix cover everything but the changed lines.
        const a = text.split("\n");
        const b = out.split("\n");
        let prefix = 0;
        while (
          prefix < a.length && prefix < b.length && a[prefix] === b[prefix]
        ) prefix++;
        let suffix = 0;
        while (
          suffix < a.length - prefix && suffix < b.length - prefix &&
          a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
        ) suffix++;
        const removed = a.length - prefix - suffix;
        const added = b.length - prefix - suffix;
        assert.ok(removed <= 1, `removed ${removed} lines`);
        assert.ok(
          added <= (before.has(section) ? 1 : 2),
          `added ${added} lines`,
        );
      },
    ),
    { numRuns: 1500 },
  );
});

Deno.test("nested edits keep every other setting", () => {
  fc.assert(
    fc.property(
      document,
      fc.constantFrom(...SECTIONS),
      value,
      (text, section, v) => {
        const withBlock = updateConfigText(text, { section }, {
          s3: { max_queue_size: "1" },
        }, "f");
        const out = updateConfigText(withBlock, { section }, {
          s3: { addressing_style: v },
        }, "f");
        const before = valuesBySection(withBlock);
        const after = valuesBySection(out);
        for (const [name, values] of before) {
          if (name !== section) assert.deepEqual(after.get(name), values);
        }
        assert.deepEqual((after.get(section) as Record<string, unknown>).s3, {
          max_queue_size: "1",
          addressing_style: v,
        });
      },
    ),
    { numRuns: 500 },
  );
});
