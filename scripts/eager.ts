/**
 * Eager functions for a short process: rewrites a bundled module so that V8
 * compiles its top-level functions together with the module, and Deno's code
 * cache (made when the module is first compiled, before it runs) holds them.
 *
 * V8 compiles a function lazily, the first time it is called, unless the
 * function is wrapped in parentheses (its "possibly invoked function
 * expression" hint). Deno caches a module's compiled code, but only what
 * was compiled with the module: the hot path's forty-odd functions were
 * parsed and compiled again on every run (about 5 million instructions, a
 * tenth of an empty `deno run`). Here every top-level
 * `function f(...) {...}` becomes `var f = (function f(...) {...});`, moved
 * to the top of the module (declarations are hoisted: moving them first
 * keeps every use before their place working), and every top-level
 * `var f = (...) => ...` gets its parentheses.
 *
 * The input is `deno bundle`'s (esbuild's) output, minified or not (the
 * rewrite goes after the minifier, which would drop the parentheses): a
 * tokenizer that knows comments, strings, template literals and regular
 * expressions (a slash after a loop or `if` head, a block or a template's
 * `${` starts one; after an operand or a postfix `++` it divides) finds the
 * top-level statements. Nothing but those statements is touched: no white
 * space is taken out, so a misread regular expression cannot change; each
 * moved function must parse by itself and the result as a whole, so a
 * misread fails the build instead of shipping.
 *
 * @module
 */

interface Token {
  readonly kind: "word" | "num" | "str" | "tmpl" | "regex" | "punct";
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Nesting of (), [], {} and template substitutions at the token. */
  readonly depth: number;
  /** A `)` that closes the head of `if`, `for`, `while` or `with` (a statement follows). */
  readonly head?: boolean;
}

/** Keywords whose `(...)` head is followed by a statement. */
const HEAD_KEYWORDS = new Set(["if", "for", "while", "with"]);

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

const isIdStart = (c: string) => /[A-Za-z_$#\u0080-\uffff]/.test(c);
const isIdPart = (c: string) => /[\w$\u0080-\uffff]/.test(c);

/** Whether a `/` after these tokens starts a regular expression (rather than dividing). */
function regexAllowed(out: readonly Token[]): boolean {
  const prev = out.at(-1);
  if (!prev) return true;
  const before = out.at(-2);
  switch (prev.kind) {
    case "num":
    case "str":
    case "regex":
      return false;
    case "tmpl":
      // `${` opens an expression; a closing backquote ends an operand.
      return prev.text.endsWith("${");
    case "word":
      // `o.return / t` divides a property.
      return before?.text !== "." && KEYWORDS_BEFORE_EXPRESSION.has(prev.text);
    default:
      if (prev.text === ")") return prev.head === true;
      if (prev.text === "]") return false;
      // A block's end (an object literal is never divided).
      if (prev.text === "}") return true;
      if (
        (prev.text === "+" || prev.text === "-") &&
        before?.text === prev.text && before.end === prev.start
      ) {
        // `++`/`--`: postfix after an operand (then `/` divides), prefix otherwise.
        const operand = out.at(-3);
        return !operand ||
          (operand.kind === "punct" && !/^[)\]]$/.test(operand.text)) ||
          (operand.kind === "word" &&
            KEYWORDS_BEFORE_EXPRESSION.has(operand.text));
      }
      return true;
  }
}

/** Whether a `(` after these tokens opens the head of `if`, `for` (`for await`), `while` or `with`. */
function isHead(out: readonly Token[]): boolean {
  let k = out.length - 1;
  if (out[k]?.text === "await") k--;
  const keyword = out[k];
  return keyword?.kind === "word" && HEAD_KEYWORDS.has(keyword.text) &&
    out[k - 1]?.text !== ".";
}

/** The tokens of a script or module (comments and white space left out). */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  // What each open brace is: a block/object, or a template's substitution.
  const braces: ("brace" | "template")[] = [];
  // For each open "(": whether it opens an `if`/`for`/`while`/`with` head.
  const parens: boolean[] = [];
  let depth = 0;
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`eager: ${what} at offset ${i}`);
  };
  // Reads a template's text from i (just after ` or }) to its end or next ${.
  const templatePart = (start: number) => {
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === "\\") i++;
      else if (c === "`") {
        i++;
        out.push({
          kind: "tmpl",
          text: src.slice(start, i),
          start,
          end: i,
          depth,
        });
        return;
      } else if (c === "$" && src[i + 1] === "{") {
        i += 2;
        out.push({
          kind: "tmpl",
          text: src.slice(start, i),
          start,
          end: i,
          depth,
        });
        braces.push("template");
        depth++;
        return;
      }
    }
    fail("unterminated template literal");
  };
  while (i < src.length) {
    const c = src[i]!;
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && src[i + 1] === "/") {
      while (i < src.length && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      if (end < 0) fail("unterminated comment");
      i = end + 2;
    } else if (isIdStart(c)) {
      i++;
      while (i < src.length && isIdPart(src[i]!)) i++;
      out.push({
        kind: "word",
        text: src.slice(start, i),
        start,
        end: i,
        depth,
      });
    } else if (/\d/.test(c) || (c === "." && /\d/.test(src[i + 1] ?? ""))) {
      i++;
      while (i < src.length && /[\w.]/.test(src[i]!)) i++;
      out.push({
        kind: "num",
        text: src.slice(start, i),
        start,
        end: i,
        depth,
      });
    } else if (c === '"' || c === "'") {
      for (i++; i < src.length && src[i] !== c; i++) {
        if (src[i] === "\\") i++;
        if (src[i] === "\n") fail("line break in a string");
      }
      if (i >= src.length) fail("unterminated string");
      i++;
      out.push({
        kind: "str",
        text: src.slice(start, i),
        start,
        end: i,
        depth,
      });
    } else if (c === "`") {
      i++;
      templatePart(start);
    } else if (c === "/" && regexAllowed(out)) {
      let inClass = false;
      for (i++; i < src.length; i++) {
        const d = src[i];
        if (d === "\\") i++;
        else if (d === "[") inClass = true;
        else if (d === "]") inClass = false;
        else if (d === "/" && !inClass) break;
        else if (d === "\n") fail("line break in a regular expression");
      }
      if (i >= src.length) fail("unterminated regular expression");
      i++;
      while (i < src.length && isIdPart(src[i]!)) i++;
      out.push({
        kind: "regex",
        text: src.slice(start, i),
        start,
        end: i,
        depth,
      });
    } else if (c === "}" && braces.at(-1) === "template") {
      braces.pop();
      depth--;
      i++;
      templatePart(start);
    } else {
      i++;
      if (c === "{" || c === "(" || c === "[") {
        if (c === "(") parens.push(isHead(out));
        out.push({ kind: "punct", text: c, start, end: i, depth });
        if (c === "{") braces.push("brace");
        depth++;
      } else if (c === "}" || c === ")" || c === "]") {
        if (c === "}") braces.pop();
        depth--;
        if (depth < 0) fail(`unbalanced "${c}"`);
        const head = c === ")" && parens.pop() === true;
        out.push({
          kind: "punct",
          text: c,
          start,
          end: i,
          depth,
          ...(head ? { head } : {}),
        });
      } else {
        out.push({ kind: "punct", text: c, start, end: i, depth });
      }
    }
  }
  if (depth !== 0) fail("unbalanced brackets at the end");
  return out;
}

/** The index of the token that closes the bracket opened at `open`. */
function closing(tokens: readonly Token[], open: number): number {
  const depth = tokens[open]!.depth;
  for (let k = open + 1; k < tokens.length; k++) {
    if (tokens[k]!.depth === depth && /^[)\]}]$/.test(tokens[k]!.text)) {
      return k;
    }
  }
  throw new Error(
    `eager: no closing bracket for offset ${tokens[open]!.start}`,
  );
}

const startsStatement = (prev: Token | undefined) =>
  !prev || prev.text === ";" || prev.text === "}";

/**
 * The module with its top-level functions compiled eagerly (see the module
 * documentation); throws when the text cannot be read or the result does
 * not parse.
 */
export function eagerFunctions(src: string): string {
  const tokens = tokenize(src);
  const hoisted: string[] = [];
  // Edits to the original text: [start, end, replacement].
  const edits: [number, number, string][] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.depth !== 0 || t.kind !== "word") continue;
    const isAsync = t.text === "async" && tokens[k + 1]?.text === "function";
    if ((t.text === "function" || isAsync) && startsStatement(tokens[k - 1])) {
      const fn = isAsync ? k + 1 : k;
      let name = fn + 1;
      if (tokens[name]?.text === "*") name++;
      const params = name + 1;
      if (tokens[name]?.kind !== "word" || tokens[params]?.text !== "(") {
        throw new Error(`eager: unexpected function at offset ${t.start}`);
      }
      const body = closing(tokens, params) + 1;
      if (tokens[body]?.text !== "{") {
        throw new Error(`eager: no body for function at offset ${t.start}`);
      }
      const end = tokens[closing(tokens, body)]!.end;
      checkFunction(src.slice(t.start, end));
      hoisted.push(
        `var ${tokens[name]!.text} = (${src.slice(t.start, end)});`,
      );
      edits.push([t.start, end, ""]);
      k = closing(tokens, body);
    } else if (
      (t.text === "var" || t.text === "let" || t.text === "const") &&
      startsStatement(tokens[k - 1]) && tokens[k + 1]?.kind === "word" &&
      tokens[k + 2]?.text === "="
    ) {
      // `var f = (a) => ...;` or `var f = a => ...;`: parenthesized up to the `;`.
      const init = k + 3;
      const arrow = tokens[init]?.text === "("
        ? closing(tokens, init) + 1
        : tokens[init]?.kind === "word"
        ? init + 1
        : -1;
      const isArrow = arrow > 0 && tokens[arrow]?.text === "=" &&
        tokens[arrow + 1]?.text === ">" &&
        tokens[arrow + 1]!.start === tokens[arrow]!.end;
      if (!isArrow) continue;
      let end = arrow + 2;
      while (
        end < tokens.length &&
        !(tokens[end]!.depth === 0 && /^[;,]$/.test(tokens[end]!.text))
      ) end++;
      if (tokens[end]?.text !== ";") continue;
      edits.push([tokens[init]!.start, tokens[init]!.start, "("]);
      edits.push([tokens[end]!.start, tokens[end]!.start, ")"]);
      k = end;
    }
  }
  let rest = src;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) {
    rest = rest.slice(0, start) + text + rest.slice(end);
  }
  const result = `${hoisted.join("\n")}\n${rest}`;
  checkSyntax(result);
  return result;
}

/** Parses (never runs) one function declaration's text: it must be exactly one function. */
function checkFunction(text: string): void {
  try {
    new Function(`"use strict";return (${text}\n);`);
  } catch (error) {
    throw new Error(
      `eager: a function read from the module does not parse by itself: ${
        (error as Error).message
      }`,
    );
  }
}

/** Parses (never runs) a module without imports, whose only export is its last statement. */
function checkSyntax(module: string): void {
  const exported = /(?<=^|[\n;}])export\s*\{[^}]*\};?\s*$/.exec(module);
  if (!exported || /^\s*import[\s{*"']/m.test(module)) {
    throw new Error(
      "eager: expected a module without imports ending in one export",
    );
  }
  try {
    new Function(`"use strict";${module.slice(0, exported.index)}`);
  } catch (error) {
    throw new Error(
      `eager: the rewritten module does not parse: ${(error as Error).message}`,
    );
  }
}
