/**
 * `doctor`'s online checks, each with a short deadline so the whole command
 * stays within a few seconds on a dead network: for every Sign-In and STS
 * endpoint the profiles resolve to, DNS, TCP and TLS (with the CA bundle in
 * effect), the proxy in use and whether `NO_PROXY` applies; this computer's
 * clock against the endpoint's `Date`; and one `GetCallerIdentity` with
 * credentials usable as they are. The network checks send only `HEAD`
 * requests without credentials.
 *
 * @example
 * ```ts
 * import type { Context } from "../cli/context.ts";
 * import type { Target } from "./session.ts";
 * declare const ctx: Context;
 * declare const targets: Target[];
 * const checks = await onlineChecks(ctx, targets);
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import { REGION_SOURCE_WORDS } from "../config/region.ts";
import {
  loginCommand,
  profileArgument,
  type ProfileValues,
} from "../config/selection.ts";
import { isValidRegionName, stsEndpoint } from "../endpoints/partitions.ts";
import { trustingFetch } from "../http/tls.ts";
import { getCallerIdentity } from "../sts/client.ts";
import { safeText } from "../util/safe_text.ts";
import { type Check, check, clause, shellWord } from "./check.ts";
import type { Target } from "./session.ts";
import { DEADLINES, probe, type Service, TIMEOUT, within } from "./network.ts";

/** The online checks of the targets: each endpoint once, then each identity. */
export async function onlineChecks(
  ctx: Context,
  targets: readonly Target[],
): Promise<Check[]> {
  const endpoints = new Map<
    string,
    { service: Service; settings: ProfileValues; profiles: Set<string> }
  >();
  for (const t of targets) {
    for (const service of ["signin", "sts"] as const) {
      const endpoint = t[service];
      if (!endpoint) continue;
      const key = `${service} ${endpoint.url}`;
      const seen = endpoints.get(key) ??
        { service, settings: t.profile.settings, profiles: new Set() };
      seen.profiles.add(t.profile.name);
      endpoints.set(key, seen);
    }
  }
  const probes = [...endpoints].map(([key, e]) =>
    probe(
      ctx,
      e.service,
      key.slice(key.indexOf(" ") + 1),
      e.settings,
      e.profiles.size === 1 ? [...e.profiles][0]! : null,
    )
  );
  const identities = targets.map((t) => identity(ctx, t));
  const results = await Promise.all([...probes, ...identities]);
  return results.flat();
}

async function identity(ctx: Context, t: Target): Promise<Check[]> {
  const name = t.profile.name;
  if (!t.credentials || !t.sts) {
    return [
      check(
        "identity.caller",
        "ok",
        "identity",
        name,
        `Not checked: ${t.noIdentity ?? "no credentials"}.`,
      ),
    ];
  }
  const fetcher = trustingFetch(ctx.fetch, {
    env: ctx.env,
    profile: t.profile.settings,
    connection: ctx.connection,
  });
  const signal = AbortSignal.timeout(DEADLINES.identity);
  const result = await within(
    getCallerIdentity({
      endpoint: t.sts.url,
      region: t.sts.region,
      credentials: t.credentials.value,
      fetch: fetcher,
      now: ctx.now,
      sleep: ctx.sleep,
      signal,
    }).then((id) => id, (e: Error) => e),
    DEADLINES.identity + 200,
  );
  if (result instanceof Error && !signal.aborted) {
    const scope = scopeCheck(t, result.message);
    if (scope) return [scope];
  }
  if (result === TIMEOUT || result instanceof Error) {
    const text = result === TIMEOUT || signal.aborted
      ? `STS did not answer within ${DEADLINES.identity / 1000} s`
      : safeText(clause(result.message));
    const denied = result !== TIMEOUT &&
      /AccessDenied|InvalidClientTokenId|ExpiredToken|SignatureDoesNotMatch/
        .test(`${(result as { code?: string }).code ?? ""} ${result.message}`);
    return [
      check(
        "identity.caller",
        "error",
        "identity",
        name,
        `GetCallerIdentity with ${t.credentials.from} failed: ${text}.`,
        denied
          ? t.loginProfile !== undefined
            ? `${
              loginCommand(safeText(t.loginProfile))
            }   (if refreshes are refused with AccessDenied, ask for the SignInLocalDevelopmentAccess managed policy)`
            : t.again !== undefined
            ? safeText(t.again)
            : "The keys are no longer valid: replace them, or remove them and sign in with aws-signin login."
          : "See the network checks above.",
      ),
    ];
  }
  return [
    check(
      "identity.caller",
      "ok",
      "identity",
      name,
      `The credentials (from ${t.credentials.from}) belong to ${
        safeText(result.Arn)
      } in account ${safeText(result.Account)}.`,
    ),
  ];
}

/**
 * The region an STS endpoint of AWS's own answers for, from its host name
 * (`sts.eu-west-1.amazonaws.com`; the global `sts.amazonaws.com` is
 * us-east-1), or `undefined` for any other endpoint (an emulator, a proxy).
 */
export function stsRegionOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = parsed.hostname.toLowerCase();
  if (host === "sts.amazonaws.com") return "us-east-1";
  const m = /^sts(-fips)?\.([a-z0-9-]+)\./.exec(host);
  if (!m || !isValidRegionName(m[2]!)) return undefined;
  const region = m[2]!;
  const fips = m[1] !== undefined;
  return [false, true].some((dualStack) =>
      stsEndpoint(region, { fips, dualStack }) === `https://${host}`
    )
    ? region
    : undefined;
}

/** Where the region STS calls are signed for comes from, in words for "signed for R (...)". */
function regionFrom(t: Target): string {
  const sts = t.sts!;
  const own = sts.profile === undefined || sts.profile === t.profile.name;
  const of = own ? "" : ` of profile '${safeText(sts.profile!)}'`;
  switch (sts.source) {
    case "default":
      return "the default: no region is configured";
    case "profile":
      return own ? "from the profile's region" : `from the region${of}`;
    case "login session":
      return `from the region that issued the session${of}`;
    default:
      return `from ${REGION_SOURCE_WORDS[sts.source]}`;
  }
}

/**
 * STS refused the request for its credential scope, not its credentials:
 * signed for a region the endpoint does not answer for ("Credential should
 * be scoped to a valid region, not 'eu-west-1'"), or the endpoint is not
 * STS ("... scoped to correct service"). The finding names the region the
 * requests were signed for and where it comes from, and the fix sets the
 * one the endpoint expects (where doctor can tell which) instead of a login.
 */
function scopeCheck(t: Target, message: string): Check | undefined {
  const sts = t.sts!;
  const region = /scoped to (?:a valid |correct (?:service\/)?)region/i.test(
    message,
  ) || /the region '[^']*' is wrong/i.test(message);
  const service = !region && /scoped to correct service/i.test(message);
  if (!region && !service) return undefined;
  const name = t.profile.name;
  const endpoint = `${safeText(sts.url)} (from ${
    safeText(sts.endpointSource)
  })`;
  const quoted = `"${
    safeText(clause(message.replace(/^.*? operation: /, "")))
  }"`;
  const configured = !sts.endpointSource.startsWith("partition ");
  if (service) {
    return check(
      "identity.caller",
      "error",
      "identity",
      name,
      `GetCallerIdentity with ${
        t.credentials!.from
      } was refused by the endpoint ${endpoint}, which is not STS: ${quoted}.`,
      configured
        ? `Point ${
          safeText(sts.endpointSource)
        } at an STS endpoint, or remove it.`
        : "See the network checks above.",
    );
  }
  const expected = /expecting '([^']+)'/i.exec(message)?.[1] ??
    stsRegionOf(sts.url);
  const want = expected === undefined ? "REGION" : shellWord(expected);
  const set = sts.source === "AWS_REGION" || sts.source === "AWS_DEFAULT_REGION"
    ? `export ${sts.source}=${want}`
    : `aws-signin configure set region ${want}${profileArgument(name)}`;
  return check(
    "identity.caller",
    "error",
    "identity",
    name,
    `GetCallerIdentity with ${
      t.credentials!.from
    } was refused for its region, not its credentials: the requests were signed for ${
      safeText(sts.region)
    } (${regionFrom(t)}), and the STS endpoint ${endpoint} expects ${
      expected === undefined ? "another region" : safeText(expected)
    }: ${quoted}.`,
    expected !== undefined
      ? set
      : `${set}   (REGION: the region the STS endpoint ${
        safeText(sts.url)
      } answers for${
        configured
          ? `; or point ${
            safeText(sts.endpointSource)
          } at the STS endpoint of ${safeText(sts.region)}`
          : ""
      })`,
  );
}
