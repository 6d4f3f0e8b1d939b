/**
 * A quick reader for the shared files as people and the AWS CLI write them
 * (`[profile NAME]` headers, `key = value` lines, comments, blank lines),
 * for the `credential_process` hot path. It reads what it is sure about and
 * gives up (`undefined`) on anything else, so the caller falls back to the
 * full parser (`./ini.ts`) and its behaviour and errors: `[DEFAULT]`,
 * indented lines (continuations, nested settings), `:` separators, repeated
 * sections or keys, quoted or odd section names, whitespace other than
 * spaces and tabs, control characters, lone carriage returns, and text that
 * is not valid UTF-8 (U+FFFD), a byte-order mark. Where it answers, the answer is the full
 * parser's (`tests/config/quick_config_test.ts` checks it against
 * {@linkcode import("./profiles.ts").buildSharedConfig} on generated files).
 *
 * @example
 * ```ts
 * const files = quickProfileFiles("config", "[profile dev]\nregion = eu-west-1\n", "credentials", null);
 * files?.configProfiles.get("dev"); // { region: "eu-west-1" }
 * quickProfileFiles("config", "[DEFAULT]\nregion = eu-west-1\n", "credentials", null); // undefined
 * ```
 * @module
 */

import type { ProfileFiles, ProfileValues } from "./selection.ts";

// Characters the full parser treats specially (Python's other whitespace,
// line separators, control characters) and U+FFFD: give up on all of them.
const UNUSUAL =
  // deno-lint-ignore no-control-regex -- control characters are exactly what is refused
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\ufffd]|\r(?!\n)/;

/**
 * A section name that needs no shlex: no whitespace, quotes or backslashes.
 * In a file {@linkcode UNUSUAL} let through, the only white space left is
 * the space and the tab (string searches, not an expression that V8 would
 * compile twice for a handful of names: it tiers up after one match).
 */
function plain(name: string): boolean {
  return name !== "" && !name.includes(" ") && !name.includes("\t") &&
    !name.includes('"') && !name.includes("'") && !name.includes("\\");
}

/** `profile NAME`, `sso-session NAME`, `services NAME` with a plain name; `undefined` otherwise. */
function secondWord(header: string, prefix: string): string | undefined {
  const rest = header.slice(prefix.length);
  const space = rest.charCodeAt(0);
  if (space !== 32 && space !== 9) return undefined;
  const name = rest.trim();
  return plain(name) ? name : undefined;
}

type Sections = Map<string, Record<string, string>>;

/** The sections of one file (checked by {@linkcode UNUSUAL}), or `undefined` where the full parser must decide. */
function quickSections(text: string): Sections | undefined {
  const sections: Sections = new Map();
  let current: Record<string, string> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const stripped = line.trim();
    if (stripped === "" || stripped[0] === "#" || stripped[0] === ";") {
      continue;
    }
    // Indented: a continuation or nested setting.
    if (line[0] === " " || line[0] === "\t") return undefined;
    if (stripped[0] === "[") {
      const name = stripped.slice(1, -1);
      if (
        stripped[stripped.length - 1] !== "]" || name.length < 1 ||
        name.includes("]") || name === "DEFAULT" || sections.has(name)
      ) return undefined;
      current = Object.create(null) as Record<string, string>;
      sections.set(name, current);
      continue;
    }
    const eq = stripped.indexOf("=");
    const colon = stripped.indexOf(":");
    if (!current || eq < 1 || (colon >= 0 && colon < eq)) return undefined;
    const key = stripped.slice(0, eq).trimEnd().toLowerCase();
    if (key === "" || key === "__proto__" || key in current) return undefined;
    current[key] = stripped.slice(eq + 1).trim();
  }
  return sections;
}

/**
 * Both shared files as {@linkcode ProfileFiles}, or `undefined` when either
 * has anything the quick reader leaves to the full parser.
 *
 * @param configText The config file (`null`: no such file).
 * @param credentialsText The credentials file (`null`: no such file).
 */
export function quickProfileFiles(
  configPath: string,
  configText: string | null,
  credentialsPath: string,
  credentialsText: string | null,
): ProfileFiles | undefined {
  // Both files at once (a space between them keeps a lone carriage return
  // at the end of the first one lone): one match, which V8 runs on the
  // expression's bytecode, where a second would have it compiled to machine code.
  if (UNUSUAL.test(`${configText ?? ""} ${credentialsText ?? ""}`)) {
    return undefined;
  }
  const config = configText === null ? new Map() : quickSections(configText);
  const credentials = credentialsText === null
    ? new Map()
    : quickSections(credentialsText);
  if (!config || !credentials) return undefined;
  const configProfiles = new Map<string, ProfileValues>();
  const ssoSessions = new Map<string, ProfileValues>();
  const services = new Map<string, ProfileValues>();
  const otherSections = new Map<string, ProfileValues>();
  for (const [header, values] of config) {
    const plain = { ...values };
    if (header === "default") {
      if (configProfiles.has("default")) return undefined;
      configProfiles.set("default", plain);
    } else if (header.startsWith("profile")) {
      const name = secondWord(header, "profile");
      if (name === undefined || configProfiles.has(name)) return undefined;
      configProfiles.set(name, plain);
    } else if (header.startsWith("sso-session")) {
      const name = secondWord(header, "sso-session");
      if (name === undefined || ssoSessions.has(name)) return undefined;
      ssoSessions.set(name, plain);
    } else if (header.startsWith("services")) {
      const name = secondWord(header, "services");
      if (name === undefined || services.has(name)) return undefined;
      services.set(name, plain);
    } else {
      otherSections.set(header, plain);
    }
  }
  const credentialProfiles = new Map<string, ProfileValues>();
  for (const [header, values] of credentials) {
    credentialProfiles.set(header, { ...values });
  }
  return {
    configPath,
    credentialsPath,
    configProfiles,
    credentialProfiles,
    ssoSessions,
    services,
    otherSections,
  };
}
