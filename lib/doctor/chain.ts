/**
 * `doctor`'s chain check (`selection.chain`): for the profile checked, the
 * link of the credential chain that answers right now, and why each link
 * before it does not (`lib/credentials/chain_links.ts`), or that none does.
 *
 * @example
 * ```ts
 * import { buildSharedConfig } from "../config/profiles.ts";
 * import { resolveProfile } from "../config/selection.ts";
 * const shared = buildSharedConfig("config", "[profile dev]\nregion = us-east-1\n", "credentials", null);
 * chainCheck(resolveProfile(shared, { name: "dev", source: "flag" }), {}).level; // "warning"
 * ```
 * @module
 */

import { loginCommand, type ResolvedProfile } from "../config/selection.ts";
import { explainChain, LINK_WORDS } from "../credentials/chain_links.ts";
import { IMDS_NOT_USED } from "../credentials/imds.ts";
import type { Env } from "../util/env.ts";
import { safeText } from "../util/safe_text.ts";
import { type Check, check, clause } from "./check.ts";

/** Which link of the chain answers for the profile, and why the ones before it do not. */
export function chainCheck(profile: ResolvedProfile, env: Env): Check {
  const report = explainChain(profile, env);
  const name = safeText(profile.name);
  const said = (l: { link: keyof typeof LINK_WORDS; why: string }) =>
    `${LINK_WORDS[l.link]} (${safeText(l.why)})`;
  const asked = report.links.filter((l) => !l.answers);
  if (report.answeredBy) {
    const answer = report.links.at(-1)!;
    return check(
      "selection.chain",
      "ok",
      "selection",
      profile.name,
      `The credential chain for profile '${name}' answers with ${said(answer)}${
        asked.length > 0 ? `; before it: ${asked.map(said).join(", ")}` : ""
      }.`,
    );
  }
  return check(
    "selection.chain",
    "warning",
    "selection",
    profile.name,
    `No link of the credential chain answers for profile '${name}' (${
      asked.filter((l) => l.link !== "instance-metadata").map((l) =>
        `${LINK_WORDS[l.link]}: ${safeText(l.why)}`
      ).join("; ")
    }); ${clause(IMDS_NOT_USED.replace(/:.*$/, ""))}.`,
    loginCommand(profile.name),
  );
}
