/**
 * The text forms of `status`: one profile's state, and the credential chain
 * link by link; and the shape of a profile's state (the JSON output's
 * fields). Names, ARNs and account ids come from files: shown with control
 * characters escaped.
 *
 * @example
 * ```ts
 * formatStatusText({ profile: "keys", type: "other", account: null, state: "none", expiresAt: null,
 *   sessionEndsAt: null, cacheFile: null, usable: false }, Date.now());
 * // "profile keys (other)\n  credentials      none\n"
 * ```
 * @module
 */

import { REGION_SOURCE_WORDS, type RegionSource } from "../config/region.ts";
import { type ChainReport, LINK_WORDS } from "../credentials/chain_links.ts";
import { safeText } from "../util/safe_text.ts";
import { relativeTime } from "../util/time.ts";
import {
  autoSignInLine,
  type AutoSignInStatus,
  ssoCredentialWords,
  type SsoProfileFields,
  ssoProfileLines,
} from "./_status_sso.ts";

/** One profile's state. Field names are the JSON output's (stable for scripts). */
export interface ProfileStatus {
  profile: string;
  /** `login`, `assume-role`, `sso` (IAM Identity Center), or `other` (nothing for aws-signin to sign in). */
  type: "login" | "assume-role" | "sso" | "other";
  session?: string | null;
  /** SSO profiles: the `[sso-session]` (`null`: a legacy profile), its start URL and region, the role. */
  ssoSession?: string | null;
  startUrl?: string;
  ssoRegion?: string;
  roleArn?: string;
  sourceProfile?: string | null;
  account: string | null;
  roleName?: string;
  /** `valid`, `needs-refresh`, `expired`, `absent` (logged out / never assumed), `invalid` (unreadable cache). */
  state: "valid" | "needs-refresh" | "expired" | "absent" | "invalid" | "none";
  expiresAt: string | null;
  /** When the console session ends, if the cache says (it does not: always null today). */
  sessionEndsAt: null;
  refreshRegion?: string | null;
  refreshRegionFrom?: string | null;
  /** The region the cache entry says issued the session (`null`: not recorded, e.g. another SDK rewrote the entry). */
  issuingRegion?: string | null;
  cacheFile: string | null;
  /** SSO profiles: the token file their role credentials are fetched with. */
  tokenFile?: string;
  usable: boolean;
  /** Why it is not usable, or what to do. */
  note?: string;
  /** Login and SSO profiles: whether `--auto-login` is on for this run, and whether a browser can open here. */
  autoSignIn?: AutoSignInStatus;
  identity?: { UserId: string; Account: string; Arn: string } | {
    error: string;
  };
}

/** The text form of one profile's status. */
export function formatStatusText(s: ProfileStatus, now: number): string {
  const lines: [string, string][] = [];
  if (s.type === "login") {
    lines.push(["session", s.session ?? ""]);
  }
  if (s.type === "assume-role") {
    lines.push(["role", s.roleArn ?? ""]);
    lines.push(["source", s.sourceProfile ?? "(credential_source)"]);
  }
  if (s.type === "sso" && s.roleName !== undefined) {
    lines.push(...ssoProfileLines(s as SsoProfileFields));
  } else if (s.type !== "other") {
    lines.push(["account", s.account ?? "unknown"]);
  }
  const when = s.expiresAt
    ? `${s.expiresAt} (${relativeTime(Date.parse(s.expiresAt) - now)})`
    : "";
  const state = s.type === "sso" && s.state !== "invalid"
    ? ssoCredentialWords(s as SsoProfileFields, when)
    : {
      "valid": `valid until ${when}`,
      "needs-refresh": `valid until ${when}; refreshed on next use`,
      "expired": s.usable
        ? `expired at ${when}; refreshed on next use`
        : `expired at ${when}`,
      "absent": s.type === "login"
        ? "absent (logged out)"
        : "absent (not assumed yet)",
      "invalid": "unusable",
      "none": "none",
    }[s.state];
  lines.push(["credentials", state]);
  if (s.type === "login") {
    lines.push(["console session", "ends: unknown"]);
    lines.push([
      "refresh region",
      s.refreshRegion
        ? `${s.refreshRegion} (${
          REGION_SOURCE_WORDS[s.refreshRegionFrom as RegionSource] ??
            s.refreshRegionFrom
        })`
        : "unknown",
    ]);
    const auto = autoSignInLine(s.autoSignIn, s.usable);
    if (auto) lines.push(auto);
    if (s.issuingRegion === null && s.state !== "absent") {
      lines.push([
        "issuing region",
        "not recorded (the AWS CLI does not record it, other SDKs drop it): refreshes go to the refresh region",
      ]);
    }
  }
  if (s.cacheFile) lines.push(["cache", s.cacheFile]);
  if (s.identity) {
    lines.push([
      "identity",
      "error" in s.identity
        ? `error: ${s.identity.error}`
        : `${s.identity.Arn} (verified)`,
    ]);
  }
  if (s.note) lines.push(["note", s.note]);
  // Names, ARNs and account ids come from files: shown with control characters escaped.
  return `profile ${safeText(s.profile)} (${s.type})\n${
    lines.map(([k, v]) => `  ${k.padEnd(16)} ${safeText(v)}\n`).join("")
  }`;
}

/** The text form of the chain's report: each link asked, and which answers. */
export function formatChainText(chain: ChainReport): string {
  const lines = chain.links.map((l) =>
    `  ${LINK_WORDS[l.link].padEnd(22)} ${l.answers ? "answers: " : ""}${
      safeText(l.why)
    }\n`
  );
  if (!chain.answeredBy) lines.push(`  ${"answers".padEnd(22)} none\n`);
  return `credential chain for profile ${
    safeText(chain.profile)
  } (the AWS CLI's order: the first link that answers is used)\n${
    lines.join("")
  }`;
}
