/**
 * The plan of `configure sso --all`: one profile for every account and role
 * an IAM Identity Center session can use, named from a template, made safe
 * for INI files and shells, and marked with aws-sso-util's
 * `sso_auto_populated = true` so that a later run updates and prunes only
 * what it wrote for the same session. A profile it did not write is never
 * changed, whatever its name.
 *
 * Names: every run of characters outside `[A-Za-z0-9_.@+-]` becomes one
 * `_`, and leading `-`/`_` and trailing `_` go (a name never looks like a
 * flag); an empty result falls back to `{account_id}-{role_name}`. Names
 * that collide get `-{account_id}`, then `-2`, `-3`, … in the order of the
 * assignments; `default` is never generated.
 *
 * @example
 * ```ts
 * import { buildSharedConfig } from "./profiles.ts";
 * const shared = buildSharedConfig("config", "", "credentials", null);
 * const plan = planPopulate(shared, {
 *   session: "corp",
 *   template: "{account_name}-{role_name}",
 *   assignments: [{ accountId: "111122223333", accountName: "Dev", roleName: "Admin" }],
 * });
 * applyPopulatePlan(null, plan, "config"); // "[profile Dev-Admin]\nsso_session = corp\n…sso_auto_populated = true\n"
 * ```
 * @module
 */

import { UsageError } from "../errors.ts";
import { parseIni } from "./ini.ts";
import {
  configSectionFor,
  profileNameOfSection,
  sectionIsProfile,
  type SharedConfig,
} from "./profiles.ts";
import type { ProfileValues } from "./selection.ts";
import { updateConfigText } from "./writer.ts";

/** The key that marks a profile written by `--all` (aws-sso-util's; every SDK ignores unknown keys). */
export const AUTO_POPULATED_KEY = "sso_auto_populated";

/** The default `--profile-template`. */
export const DEFAULT_PROFILE_TEMPLATE = "{account_name}-{role_name}";

/** The placeholders a template may use. */
export const TEMPLATE_PLACEHOLDERS: readonly string[] = [
  "account_name",
  "account_id",
  "role_name",
  "session",
];

/** One account and role the session can use. */
export interface Assignment {
  readonly accountId: string;
  readonly accountName?: string | undefined;
  readonly roleName: string;
}

/**
 * Refuses a template with an unknown placeholder, a stray brace, or nothing in it.
 *
 * @throws {UsageError} naming `--profile-template` and the placeholders it knows.
 */
export function checkProfileTemplate(template: string): void {
  const known = TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(" ");
  const fail = (why: string) =>
    new UsageError(
      `Invalid --profile-template "${template}": ${why}. It may use ${known}.`,
    );
  if (template.trim() === "") throw fail("it is empty");
  const rest = template.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    if (!TEMPLATE_PLACEHOLDERS.includes(name)) {
      throw fail(`{${name}} is not a placeholder`);
    }
    return "";
  });
  if (/[{}]/.test(rest)) throw fail("a brace is not closed");
}

/**
 * The template with its placeholders filled in (before {@linkcode safeProfileName});
 * an account without a name stands for its id.
 */
export function renderProfileName(
  template: string,
  assignment: Assignment,
  session: string,
): string {
  const values: Record<string, string> = {
    account_name: assignment.accountName || assignment.accountId,
    account_id: assignment.accountId,
    role_name: assignment.roleName,
    session,
  };
  return template.replace(
    /\{([a-z_]+)\}/g,
    (m, name: string) => values[name] ?? m,
  );
}

/**
 * A name that is safe in a section header and unquoted in a shell: every run
 * of other characters becomes one `_`; no leading `-` or `_`, no trailing `_`.
 */
export function safeProfileName(raw: string): string {
  return raw.replace(/[^A-Za-z0-9_.@+-]+/g, "_").replace(/^[-_]+/, "")
    .replace(/_+$/, "");
}

/** What happens to one generated profile. */
export interface PlannedProfile {
  readonly name: string;
  readonly assignment: Assignment;
  /** `add`: new; `update`: its own, with new values; `unchanged`: its own, already so. */
  readonly action: "add" | "update" | "unchanged";
  /** The values to write, in this order. */
  readonly values: Readonly<Record<string, string>>;
}

/** The whole plan. */
export interface PopulatePlan {
  readonly session: string;
  readonly entries: readonly PlannedProfile[];
  /** Its own profiles of this session that no assignment names any more. */
  readonly removed: readonly string[];
  /** Names taken by a profile it did not write: left as they are. */
  readonly skipped: readonly {
    readonly name: string;
    readonly assignment: Assignment;
  }[];
}

/** Whether a profile was written by `--all` for this session. */
export function isAutoPopulated(
  values: ProfileValues | undefined,
  session: string,
): boolean {
  const mark = values?.[AUTO_POPULATED_KEY];
  return typeof mark === "string" && mark.trim().toLowerCase() === "true" &&
    values?.sso_session === session;
}

function uniqueNames(
  names: readonly string[],
  assignments: readonly Assignment[],
): string[] {
  const count = (list: readonly string[]) => {
    const m = new Map<string, number>();
    for (const n of list) m.set(n, (m.get(n) ?? 0) + 1);
    return m;
  };
  const first = count(names);
  const withAccount = names.map((n, i) =>
    first.get(n)! > 1 || n === "default"
      ? `${n}-${assignments[i]!.accountId}`
      : n
  );
  const taken = new Set<string>();
  return withAccount.map((n) => {
    let name = n;
    for (let k = 2; taken.has(name); k++) name = `${n}-${k}`;
    taken.add(name);
    return name;
  });
}

/**
 * Plans the profiles of a session's assignments (in the order given; the
 * caller sorts them as `configure sso` lists them).
 */
export function planPopulate(
  shared: Pick<SharedConfig, "configProfiles" | "credentialProfiles">,
  init: {
    readonly session: string;
    readonly template: string;
    readonly assignments: readonly Assignment[];
    readonly region?: string | undefined;
    readonly output?: string | undefined;
  },
): PopulatePlan {
  const { session } = init;
  const names = uniqueNames(
    init.assignments.map((a) =>
      safeProfileName(renderProfileName(init.template, a, session)) ||
      safeProfileName(`${a.accountId}-${a.roleName}`)
    ),
    init.assignments,
  );
  const entries: PlannedProfile[] = [];
  const skipped: { name: string; assignment: Assignment }[] = [];
  names.forEach((name, i) => {
    const assignment = init.assignments[i]!;
    const values: Record<string, string> = {
      sso_session: session,
      sso_account_id: assignment.accountId,
      sso_role_name: assignment.roleName,
      ...(init.region !== undefined ? { region: init.region } : {}),
      ...(init.output !== undefined ? { output: init.output } : {}),
      [AUTO_POPULATED_KEY]: "true",
    };
    const existing = shared.configProfiles.get(name);
    if (
      shared.credentialProfiles.has(name) ||
      (existing !== undefined && !isAutoPopulated(existing, session))
    ) {
      skipped.push({ name, assignment });
      return;
    }
    const action = existing === undefined
      ? "add"
      : Object.entries(values).every(([k, v]) =>
          k === AUTO_POPULATED_KEY || existing[k] === v
        )
      ? "unchanged"
      : "update";
    entries.push({ name, assignment, action, values });
  });
  const planned = new Set(names);
  const removed = [...shared.configProfiles.entries()]
    .filter(([name, values]) =>
      !planned.has(name) && isAutoPopulated(values, session)
    )
    .map(([name]) => name);
  return { session, entries, removed, skipped };
}

/**
 * Removes a profile's section from config text: its header through its last
 * setting, and the blank lines right after; comments after its last setting
 * stay (they may be about the next section). Text without it is returned as
 * it is.
 */
export function removeConfigSection(
  text: string,
  profile: string,
  file: string,
): string {
  const doc = parseIni(text, file);
  const index = doc.sections.findIndex((s) =>
    profileNameOfSection(s.name) === profile
  );
  if (index < 0) return text;
  const start = doc.sections[index]!.line;
  let end = start;
  for (let i = start + 1; i < doc.lines.length; i++) {
    const kind = doc.lines[i]!.kind;
    if (kind === "section") break;
    if (kind === "option" || kind === "continuation") end = i;
  }
  while (
    end + 1 < doc.lines.length && doc.lines[end + 1]!.kind === "blank"
  ) end++;
  const keep = doc.lines.filter((_, i) => i < start || i > end);
  return keep.map((l) => l.text + l.eol).join("");
}

/**
 * The config text after a plan: profiles added (appended in order) or
 * updated in place by the config writer, pruned ones removed.
 *
 * @throws {ConfigurationError} when the result would not parse (nothing is written then).
 */
export function applyPopulatePlan(
  text: string | null,
  plan: PopulatePlan,
  file: string,
): string {
  let out = text;
  for (const entry of plan.entries) {
    if (entry.action === "unchanged") continue;
    out = updateConfigText(
      out,
      {
        section: configSectionFor(entry.name),
        alsoMatches: sectionIsProfile(entry.name),
      },
      entry.values,
      file,
    );
  }
  for (const name of plan.removed) {
    if (out !== null) out = removeConfigSection(out, name, file);
  }
  return out ?? "";
}
