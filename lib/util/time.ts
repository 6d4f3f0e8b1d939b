/**
 * The time formats of the shared files: any RFC 3339 time on read
 * (fractions and offsets, as the SDKs write them), and ISO 8601 UTC on write.
 *
 * Done with calendar arithmetic rather than `Date` objects: on the
 * `credential_process` path a first `Date#toISOString()` costs about 2 MiB of
 * memory and a fraction of a millisecond (`deno task bench`), and these
 * functions are all that path needs of dates.
 *
 * @example
 * ```ts
 * parseTime("2025-09-01T18:39:33.250+02:00"); // 1756744773250
 * isoUtc(1756744773250); // "2025-09-01T16:39:33.250Z", as Date#toISOString()
 * formatExpiresAt(1756751973250); // "2025-09-01T18:39:33Z"
 * ```
 * @module
 */

const MS_PER_DAY = 86_400_000;

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1-12). */
function daysFromCivil(year: number, month: number, day: number): number {
  // Count from March, so that the leap day ends the counted year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The date of a day number from 1970-01-01: the inverse of {@linkcode daysFromCivil}. */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra -
    (365 * yearOfEra + Math.floor(yearOfEra / 4) -
      Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** The number written by `length` ASCII digits at `start`, or -1. */
function digitsAt(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Milliseconds since the epoch of a UTC date and time; `NaN` when impossible. */
function utcTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  if (
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour > 23 || minute > 59 || second > 59
  ) return NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute) * 60 + second) * 1000;
}

/** Parses an RFC 3339 / ISO 8601 time (fractions and offsets allowed); `NaN` when invalid or impossible. */
export function parseTime(text: string): number {
  // The form the AWS CLI writes (`2025-09-01T18:39:33Z`) without the expression, whose
  // first use costs its compilation on the hot path; the same answer as below.
  if (
    text.length === 20 && text[4] === "-" && text[7] === "-" &&
    text[10] === "T" && text[13] === ":" && text[16] === ":" &&
    text[19] === "Z"
  ) {
    const year = digitsAt(text, 0, 4), month = digitsAt(text, 5, 2);
    const day = digitsAt(text, 8, 2), hour = digitsAt(text, 11, 2);
    const minute = digitsAt(text, 14, 2), second = digitsAt(text, 17, 2);
    if (Math.min(year, month, day, hour, minute, second) >= 0) {
      return utcTime(year, month, day, hour, minute, second);
    }
  }
  const m = TIME_RE.exec(text.trim());
  if (!m) return NaN;
  let t = utcTime(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  if (Number.isNaN(t)) return NaN;
  t += m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const zone = m[8];
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2));
    if (hours > 23 || minutes > 59) return NaN;
    t -= sign * (hours * 60 + minutes) * 60_000;
  }
  return t;
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** `Date#toISOString()` for years 0-9999: `2025-09-01T16:39:33.250Z`. */
export function isoUtc(time: number): string {
  const ms = Math.trunc(time);
  const days = Math.floor(ms / MS_PER_DAY);
  const [year, month, day] = civilFromDays(days);
  let rest = ms - days * MS_PER_DAY;
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${
    pad(Math.floor(rest / 3600), 2)
  }:${pad(Math.floor(rest / 60) % 60, 2)}:${pad(rest % 60, 2)}.${
    pad(millis, 3)
  }Z`;
}

/** The AWS CLI's `expiresAt`: UTC, whole seconds, `Z`. */
export function formatExpiresAt(ms: number): string {
  return `${isoUtc(Math.floor(ms / 1000) * 1000).slice(0, 19)}Z`;
}

/** A length of time in words, rounded: "45 seconds", "10 minutes", "3 hours", "2 days". */
export function durationInWords(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} seconds`;
  if (s < 7200) return `${Math.round(s / 60)} minutes`;
  if (s < 172_800) return `${Math.round(s / 3600)} hours`;
  return `${Math.round(s / 86_400)} days`;
}

/** A time `deltaMs` from now, in minutes or hours: "in 14 min", "13 h ago", "now". */
export function relativeTime(deltaMs: number): string {
  const minutes = Math.round(deltaMs / 60_000);
  if (minutes === 0) return "now";
  const span = Math.abs(minutes) >= 120
    ? `${Math.round(Math.abs(minutes) / 60)} h`
    : `${Math.abs(minutes)} min`;
  return minutes > 0 ? `in ${span}` : `${span} ago`;
}
