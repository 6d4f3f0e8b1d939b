/**
 * The two pieces of Python's `shlex` that the AWS tools apply to section
 * names: `split` (botocore reads `[profile "my name"]` with it) and `quote`
 * (the AWS CLI writes `[profile 'my name']` with it).
 *
 * @example
 * ```ts
 * shlexSplit('profile "my name"'); // ["profile", "my name"]
 * shlexQuote("my name"); // "'my name'"
 * ```
 * @module
 */

const SPLIT_WS = " \t\r\n";

/**
 * POSIX-mode `shlex.split`: whitespace-separated words, `'...'` literal,
 * `"..."` with `\"` and `\\` escapes, `\x` outside quotes.
 *
 * @returns the words, or `undefined` where Python raises (unclosed quote,
 * trailing backslash).
 */
export function shlexSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (SPLIT_WS.includes(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (
          d === "\\" && i + 1 < text.length &&
          (text[i + 1] === '"' || text[i + 1] === "\\")
        ) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        word += d;
        i++;
      }
      if (!closed) return undefined;
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 >= text.length) return undefined;
      word += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const SAFE = /^[\w@%+=:,./-]+$/; // ASCII \w, as Python's re.ASCII

/** Whether a word needs no quoting in a POSIX shell. */
export function isShellSafe(text: string): boolean {
  return SAFE.test(text);
}

/** Python's `shlex.quote`. */
export function shlexQuote(text: string): string {
  if (text === "") return "''";
  if (SAFE.test(text)) return text;
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}
