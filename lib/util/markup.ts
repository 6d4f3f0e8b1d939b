/**
 * Escaping for the HTML pages and XML documents this tool serves (the
 * callback pages, the emulator's pages and its STS answers).
 *
 * @example
 * ```ts
 * escapeMarkup(`<a href="x">Tom & Jerry's</a>`);
 * // "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
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

/** Escapes text for element content and quoted attribute values, in HTML and in XML. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Reverses {@linkcode escapeMarkup} and XML's other predefined and numeric entities. */
export function unescapeMarkup(text: string): string {
  return text.replace(
    /&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g,
    (_, e: string) => {
      if (e.startsWith("#x")) {
        return String.fromCodePoint(parseInt(e.slice(2), 16));
      }
      if (e.startsWith("#")) return String.fromCodePoint(Number(e.slice(1)));
      return ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]!;
    },
  );
}
