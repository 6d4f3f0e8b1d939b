/**
 * The calendar arithmetic behind every time the tool reads or writes agrees
 * with `Date` (which the hot path avoids): formatting any instant from year
 * 0 to 9999, parsing any valid time back, and refusing impossible ones.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatExpiresAt, isoUtc, parseTime } from "../../lib/util/time.ts";

const YEAR_0 = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const YEAR_9999_END = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const instant = fc.integer({ min: YEAR_0, max: YEAR_9999_END });

Deno.test("isoUtc is Date#toISOString for every instant of years 0-9999", () => {
  fc.assert(
    fc.property(instant, (ms) => {
      assert.equal(isoUtc(ms), new Date(ms).toISOString());
    }),
    { numRuns: 20_000 },
  );
  for (
    const ms of [
      0,
      -1,
      951_782_400_000,
      4_107_542_399_999,
      YEAR_0,
      YEAR_9999_END,
      1.9,
      -0.5,
    ]
  ) assert.equal(isoUtc(ms), new Date(ms).toISOString(), String(ms));
});

Deno.test("parseTime reads back what isoUtc and formatExpiresAt write, offsets included", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: YEAR_9999_END }),
      fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
      (ms, offsetMinutes) => {
        assert.equal(parseTime(isoUtc(ms)), ms);
        assert.equal(
          parseTime(formatExpiresAt(ms)),
          Math.floor(ms / 1000) * 1000,
        );
        // The same instant written in another zone.
        const local = isoUtc(ms + offsetMinutes * 60_000).slice(0, 23);
        const sign = offsetMinutes < 0 ? "-" : "+";
        const abs = Math.abs(offsetMinutes);
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${
          String(abs % 60).padStart(2, "0")
        }`;
        const shifted = ms + offsetMinutes * 60_000;
        if (shifted >= 0 && shifted <= YEAR_9999_END) {
          assert.equal(parseTime(local + zone), ms);
        }
      },
    ),
    { numRuns: 5_000 },
  );
});

Deno.test("parseTime refuses exactly the dates a calendar does not have", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      (year, month, day) => {
        const text = `${String(year).padStart(4, "0")}-${
          String(month).padStart(2, "0")
        }-${String(day).padStart(2, "0")}T00:00:00Z`;
        const viaDate = new Date(0);
        viaDate.setUTCFullYear(year, month - 1, day);
        viaDate.setUTCHours(0, 0, 0, 0);
        const real = month >= 1 && month <= 12 && day >= 1 &&
          viaDate.getUTCDate() === day;
        assert.equal(
          parseTime(text),
          real ? viaDate.getTime() : NaN,
          text,
        );
      },
    ),
    { numRuns: 5_000 },
  );
  for (
    const [text, ok] of [
      ["1900-02-29T00:00:00Z", false],
      ["2100-02-29T00:00:00Z", false],
      ["2000-02-29T00:00:00Z", true],
      ["2024-02-29T00:00:00Z", true],
      ["2023-02-29T00:00:00Z", false],
      ["2025-04-31T00:00:00Z", false],
      ["2025-12-31T23:59:59Z", true],
    ] as const
  ) assert.equal(!Number.isNaN(parseTime(text)), ok, text);
});

Deno.test("parseTime's quick reading of the AWS CLI's form answers as its expression does", () => {
  const digits = (n: number) =>
    fc.string({
      unit: fc.constantFrom(..."0123456789x"),
      minLength: n,
      maxLength: n,
    });
  fc.assert(
    fc.property(
      digits(4),
      digits(2),
      digits(2),
      digits(2),
      digits(2),
      digits(2),
      (y, mo, d, h, mi, s) => {
        const text = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
        // A leading space skips the quick reading (the expression trims it).
        assert.equal(
          Object.is(parseTime(text), parseTime(` ${text}`)),
          true,
          text,
        );
      },
    ),
    { numRuns: 20_000 },
  );
});
