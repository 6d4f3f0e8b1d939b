/**
 * HTML escaping for the pages this tool serves (the callback pages and the
 * emulator's).
 *
 * @example
 * ```ts
 * `<code>${escapeHtml(profile)}</code>`
 * ```
 * @module
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
