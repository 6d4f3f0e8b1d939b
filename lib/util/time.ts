/**
 * The two time formats of the shared files: any RFC 3339 time on read
 * (fractions and offsets, as the SDKs write them), and the AWS CLI's
 * whole-second `Z` form on write.
 *
 * @example
 * ```ts
 * parseTime("2025-09-01T18:39:33.250+02:00"); // 1756744773250
 * formatExpiresAt(1756751973250); // "2025-09-01T18:39:33Z"
 * ```
 * @module
 */

/** Parses an RFC 3339 / ISO 8601 time (fractions and offsets allowed); `NaN` when invalid. */
export function parseTime(text: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/
      .exec(text.trim());
  if (!m) return NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  let t = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!, ms);
  // Date.UTC rolls 2099-13-45 over into 2100: a time that does not exist is invalid.
  const d = new Date(t);
  if (
    d.getUTCFullYear() !== year || d.getUTCMonth() !== month! - 1 ||
    d.getUTCDate() !== day || d.getUTCHours() !== hour ||
    d.getUTCMinutes() !== minute || d.getUTCSeconds() !== second
  ) return NaN;
  const zone = m[8];
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const [hours, minutes] = [
      Number(digits.slice(0, 2)),
      Number(digits.slice(2)),
    ];
    if (hours > 23 || minutes > 59) return NaN;
    t -= sign * (hours * 60 + minutes) * 60_000;
  }
  return t;
}

/** The AWS CLI's `expiresAt`: UTC, whole seconds, `Z`. */
export function formatExpiresAt(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(
    ".000Z",
    "Z",
  );
}
