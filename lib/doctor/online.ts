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
import { loginCommand, type ProfileValues } from "../config/selection.ts";
import { trustingFetch } from "../http/tls.ts";
import { getCallerIdentity } from "../sts/client.ts";
import { safeText } from "../util/safe_text.ts";
import { type Check, check, clause } from "./check.ts";
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
