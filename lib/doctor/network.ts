/**
 * The way to one endpoint, each step with a short deadline: the proxy in use
 * (or the `NO_PROXY` entry that skips it), DNS and TCP to the endpoint or the
 * proxy, then one `HEAD` request without credentials through the same fetch
 * every call uses (CA bundle, proxy, loopback direct), whose `Date` tells
 * how far this computer's clock is off.
 *
 * @example
 * ```ts
 * proxyFor(new URL("https://sts.us-east-1.amazonaws.com"), { HTTPS_PROXY: "http://proxy:3128", NO_PROXY: ".amazonaws.com" });
 * // { bypass: ".amazonaws.com" }
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import type { ProfileValues } from "../config/selection.ts";
import { isLoopbackHost } from "../endpoints/resolve.ts";
import { caBundleSource, trustingFetch } from "../http/tls.ts";
import { proxyFor } from "../http/proxy.ts";
import { isWsl } from "../util/desktop.ts";
import { safeText } from "../util/safe_text.ts";
import { timerMs } from "../util/sleep.ts";
import { durationInWords } from "../util/time.ts";
import { CLOCK_FIXES, CLOCK_TOLERANCE_MS } from "../signin/token_client.ts";
import { type Area, type Check, check, clause } from "./check.ts";

export { proxyFor };

/** Deadlines of each step, in milliseconds. */
export const DEADLINES = { dns: 1500, tcp: 1500, http: 2500, identity: 3000 };

/** The endpoints checked. */
export type Service = "signin" | "sts";
const NAMES: Readonly<Record<Service, string>> = {
  signin: "Sign-In",
  sts: "STS",
};

/** What {@linkcode within} gives when the deadline passed first. */
export const TIMEOUT: unique symbol = Symbol("timeout");

/** `promise`, or {@linkcode TIMEOUT} after `ms` (the promise is left to settle on its own). */
export function within<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | typeof TIMEOUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<typeof TIMEOUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMEOUT), timerMs(ms));
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A proxy URL with any password hidden. */
function shownProxy(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = "****";
  return copy.href.replace(/\/$/, "");
}

const isAddress = (host: string) =>
  /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");

function clockFix(): string {
  if (Deno.build.os === "darwin" || Deno.build.os === "windows") {
    return `${CLOCK_FIXES.desktop[0]!.toUpperCase()}${
      CLOCK_FIXES.desktop.slice(1)
    }.`;
  }
  if (isWsl({})) {
    return `${CLOCK_FIXES.wsl}   (WSL's clock drifts after the computer sleeps)`;
  }
  return `${CLOCK_FIXES.linux}   (or sync the clock with your NTP service)`;
}

/** One endpoint's reachability, and the clock it reports. */
export async function probe(
  ctx: Context,
  service: Service,
  url: string,
  settings: ProfileValues,
  profile: string | null,
): Promise<Check[]> {
  const out: Check[] = [];
  const name = NAMES[service];
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port) ||
    (target.protocol === "https:" ? 443 : 80);
  const add = (
    step: string,
    level: Check["level"],
    message: string,
    fix: string | null = null,
    area: Area = "network",
  ) =>
    out.push(
      check(
        `${area}.${service}${step}`,
        level,
        area,
        profile,
        message,
        fix,
      ),
    );
  const loopback = isLoopbackHost(target.hostname);
  const route = loopback ? undefined : proxyFor(target, ctx.env);
  let connectHost = host;
  let connectPort = port;
  if (route && "proxy" in route) {
    add(
      "-proxy",
      route.star ? "warning" : "ok",
      `Calls to ${safeText(target.host)} go through the proxy ${
        safeText(shownProxy(route.proxy))
      } (from ${route.from})${
        route.star
          ? '; NO_PROXY has "*", which aws-signin (Deno) does not honour'
          : ""
      }.`,
      route.star
        ? "List the hosts to reach directly in NO_PROXY (domains and addresses), not *."
        : null,
    );
    connectHost = route.proxy.hostname.replace(/^\[|\]$/g, "");
    connectPort = Number(route.proxy.port) ||
      (route.proxy.protocol === "https:" ? 443 : 80);
  } else if (route && "bypass" in route) {
    add(
      "-proxy",
      "ok",
      `NO_PROXY (${safeText(route.bypass)}) sends calls to ${
        safeText(target.host)
      } directly, not through the proxy.`,
    );
  } else if (
    loopback && ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"]
      .some((v) => ctx.env[v])
  ) {
    add(
      "-proxy",
      "ok",
      `${
        safeText(target.host)
      } is this computer: reached directly, never through the proxy.`,
    );
  }
  const through = connectHost === host ? "" : " (the proxy)";
  if (!isAddress(connectHost) && connectHost !== "localhost") {
    // Imported when called: the bundle's program is a script, where only a dynamic import of node: works.
    const { lookup } = await import("node:dns/promises");
    const found = await within(
      lookup(connectHost, { all: true }).then(
        (a) => a.map((x) => x.address),
        (e: Error & { code?: string }) => e,
      ),
      DEADLINES.dns,
    );
    if (found === TIMEOUT || found instanceof Error) {
      add(
        "-dns",
        "error",
        found === TIMEOUT
          ? `The name ${
            safeText(connectHost)
          }${through} did not resolve within ${
            DEADLINES.dns / 1000
          } s: no DNS answer.`
          : `The name ${safeText(connectHost)}${through} does not resolve (${
            safeText(found.code ?? found.message)
          }).`,
        route && "proxy" in route
          ? "Check the proxy's address in " + route.from + "."
          : "Check the network connection, VPN and DNS settings (or a proxy: HTTPS_PROXY).",
      );
      return out.concat(clockUnknown(service, profile));
    }
    add(
      "-dns",
      "ok",
      `${safeText(connectHost)}${through} resolves to ${
        found.slice(0, 3).join(", ")
      }.`,
    );
  }
  const connected = await within(
    Deno.connect({ hostname: connectHost, port: connectPort }).then(
      (conn) => {
        conn.close();
        return true as const;
      },
      (e: Error) => e,
    ),
    DEADLINES.tcp,
  );
  if (connected !== true) {
    add(
      "-tcp",
      "error",
      connected === TIMEOUT
        ? `${
          safeText(connectHost)
        }:${connectPort}${through} did not accept a connection within ${
          DEADLINES.tcp / 1000
        } s.`
        : `${
          safeText(connectHost)
        }:${connectPort}${through} refused the connection (${
          safeText(connected.message.split(" (os error")[0]!)
        }).`,
      route && "proxy" in route
        ? `Check that the proxy in ${route.from} is running and reachable.`
        : loopback
        ? `Nothing listens on ${
          safeText(target.host)
        }: start the endpoint (the emulator?), or unset the endpoint override (AWS_ENDPOINT_URL_${service.toUpperCase()}, AWS_ENDPOINT_URL, endpoint_url).`
        : "Check the firewall, VPN or proxy (HTTPS_PROXY) between this computer and AWS.",
    );
    return out.concat(clockUnknown(service, profile));
  }
  add(
    "-tcp",
    "ok",
    `${safeText(connectHost)}:${connectPort}${through} accepts connections.`,
  );
  const ca = (() => {
    try {
      return caBundleSource(ctx.env, settings, ctx.connection.caBundle);
    } catch {
      return undefined;
    }
  })();
  const trust = ctx.connection.noVerifySsl
    ? "certificates not checked (--no-verify-ssl)"
    : ca
    ? `the system's CAs and ${safeText(ca.path)} (from ${ca.from})`
    : "the system's CAs";
  const fetcher = trustingFetch(ctx.fetch, {
    env: ctx.env,
    profile: settings,
    connection: ctx.connection,
  });
  const sent = Date.now();
  const answer = await within(
    fetcher(url.endsWith("/") ? url : `${url}/`, {
      method: "HEAD",
      redirect: "manual",
      signal: AbortSignal.timeout(DEADLINES.http),
    }).then(async (r) => {
      await r.body?.cancel();
      return r;
    }, (e: Error) => e),
    DEADLINES.http + 200,
  );
  const received = Date.now();
  const tlsStep = target.protocol === "https:" ? "-tls" : "-http";
  if (answer === TIMEOUT || answer instanceof Error) {
    const text = answer === TIMEOUT ? "timeout" : errorText(answer);
    const certificate = /certificate|UnknownIssuer|CertNotValid|self.signed/i
      .test(text);
    add(
      tlsStep,
      "error",
      answer === TIMEOUT ||
        (answer instanceof Error && /timed? ?out|abort/i.test(text))
        ? `${name} at ${safeText(target.host)} did not answer within ${
          DEADLINES.http / 1000
        } s.`
        : certificate
        ? `The TLS certificate of ${
          safeText(target.host)
        } does not verify against ${trust}: ${safeText(clause(text))}.`
        : `${name} at ${safeText(target.host)} could not be reached: ${
          safeText(clause(text))
        }.`,
      certificate
        ? ca
          ? `${ca.from} (${
            safeText(ca.path)
          }) does not hold the CA that signed this certificate: point it at your company's CA certificates (PEM).`
          : "Your network (a company proxy or firewall) presents its own certificate: export AWS_CA_BUNDLE=/path/to/company-ca.pem (ask IT for the PEM file)."
        : /CA bundle/i.test(text)
        ? "Point the CA bundle setting at a readable PEM file of CA certificates."
        : "Check the proxy, firewall or VPN; run the command again with --debug for details.",
    );
    return out.concat(clockUnknown(service, profile));
  }
  add(
    tlsStep,
    "ok",
    target.protocol === "https:"
      ? `${name} at ${
        safeText(target.host)
      } answers over TLS, verified with ${trust}.`
      : `${name} at ${safeText(target.host)} answers over plain HTTP${
        loopback ? " (on this computer)" : ""
      }.`,
  );
  const date = Date.parse(answer.headers.get("date") ?? "");
  if (Number.isNaN(date)) {
    return out.concat(clockUnknown(service, profile, "sent no Date header"));
  }
  // The Date header has whole seconds: compare with the middle of the exchange.
  const local = ctx.now() - (received - sent) / 2;
  const skew = date - local;
  // More than a minute off is an error: the SDKs' proofs and signatures carry our time, and not all of them correct for skew as aws-signin does.
  if (Math.abs(skew) > CLOCK_TOLERANCE_MS) {
    add(
      "",
      "error",
      `This computer's clock is ${durationInWords(skew)} ${
        skew > 0 ? "behind" : "ahead of"
      } ${name}'s (which said ${
        new Date(date).toISOString().replace(/\.\d{3}Z$/, "Z")
      }): refreshes by tools that do not correct for it fail in ways that look like "The refresh token has expired", and STS refuses signatures more than 5 minutes off.`,
      clockFix(),
      "clock",
    );
  } else {
    add(
      "",
      "ok",
      `This computer's clock agrees with ${name}'s (within ${
        Math.max(1, Math.round(Math.abs(skew) / 1000))
      } s).`,
      null,
      "clock",
    );
  }
  return out;
}

function errorText(error: Error): string {
  let text = error.message;
  let cause = (error as { cause?: unknown }).cause;
  while (cause instanceof Error) {
    text += `: ${cause.message}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return text.replace(/^error sending request for url \([^)]*\): /, "");
}

function clockUnknown(
  service: Service,
  profile: string | null,
  why = "did not answer",
): Check[] {
  return [
    check(
      `clock.${service}`,
      "warning",
      "clock",
      profile,
      `This computer's clock could not be compared with ${
        NAMES[service]
      }'s: it ${why}.`,
      "See the network checks above.",
    ),
  ];
}
