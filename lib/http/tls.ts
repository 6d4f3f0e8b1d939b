/**
 * Trusting a company's CA, as the AWS CLI and SDKs do: `AWS_CA_BUNDLE` (or
 * `ca_bundle` in the profile) names a PEM file whose certificates are trusted
 * in addition to the system's, for every HTTPS call (Sign-In and STS). The
 * file is read when the first call is made, so a `credential_process` served
 * from the cache never touches it. Proxies are followed, except for
 * endpoints on this computer, which are always reached directly.
 *
 * @example
 * ```ts
 * const trusted = trustingFetch(fetch, { env: { AWS_CA_BUNDLE: "/etc/ssl/corp-ca.pem" }, profile: {} });
 * await trusted("https://sts.us-east-1.amazonaws.com/").catch(() => undefined);
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import { type ProfileValues, stringSetting } from "../config/selection.ts";
import { isLoopbackHost } from "../endpoints/resolve.ts";
import { type Env, expandHome } from "../util/env.ts";

/** Where the CA bundle setting came from. */
export interface CaBundleSource {
  readonly path: string;
  /** `AWS_CA_BUNDLE` or `ca_bundle in the profile`. */
  readonly from: string;
}

/** The configured CA bundle: `AWS_CA_BUNDLE` > the profile's `ca_bundle`; `undefined` when neither is set. */
export function caBundleSource(
  env: Env,
  profile: ProfileValues,
): CaBundleSource | undefined {
  if (env.AWS_CA_BUNDLE) {
    return {
      path: expandHome(env.AWS_CA_BUNDLE, env, "AWS_CA_BUNDLE"),
      from: "AWS_CA_BUNDLE",
    };
  }
  const setting = stringSetting(profile, "ca_bundle");
  if (setting) {
    return {
      path: expandHome(setting, env, "ca_bundle"),
      from: "ca_bundle in the profile",
    };
  }
  return undefined;
}

/**
 * The PEM text of a CA bundle.
 *
 * @throws {ConfigurationError} naming the file and the setting when it cannot be read or holds no certificate.
 */
export function readCaBundle(source: CaBundleSource): string {
  let pem: string;
  try {
    pem = Deno.readTextFileSync(source.path);
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read the CA bundle "${source.path}" (from ${source.from}): ${
        (error as Error).message
      }. Point ${source.from.split(" ")[0]} at a PEM file of CA certificates.`,
    );
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigurationError(
      `The CA bundle "${source.path}" (from ${source.from}) holds no PEM certificate ("-----BEGIN ` +
        `CERTIFICATE-----"). Point ${
          source.from.split(" ")[0]
        } at a PEM file of CA certificates.`,
    );
  }
  return pem;
}

/** The proxy variables Deno's fetch follows. */
const PROXY_VARS = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
];

/**
 * A client that reaches `host` directly, never through a proxy: a proxy
 * cannot reach this computer's loopback, and must not see what is sent there
 * (a refresh token to a plain-http emulator). Deno's fetch reads `NO_PROXY`
 * when a client is made, so the client is made with `host` in it (the
 * environment is restored at once, before anything else can run).
 */
function directClient(host: string, caCerts: string[] | undefined) {
  const names = [host, host.replace(/^\[|\]$/g, "")];
  const saved = ["NO_PROXY", "no_proxy"].map((k) => [k, Deno.env.get(k)]);
  try {
    for (const [k, v] of saved) {
      Deno.env.set(k!, [...(v ? [v] : []), ...names].join(","));
    }
    return Deno.createHttpClient(caCerts ? { caCerts } : {});
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) Deno.env.delete(k!);
      else Deno.env.set(k!, v);
    }
  }
}

function proxySet(): boolean {
  try {
    return PROXY_VARS.some((k) => Deno.env.get(k));
  } catch {
    return false;
  }
}

/**
 * The fetch every call to AWS goes through: it trusts the configured CA
 * bundle as well as the system's roots, follows `HTTPS_PROXY`/`HTTP_PROXY`/
 * `NO_PROXY` as Deno's own fetch does, and never sends a request for an
 * endpoint on this computer (127.0.0.0/8, ::1, localhost) to a proxy, as Go's
 * HTTP client (aws-vault, Terraform) does not.
 */
export function trustingFetch(
  base: typeof fetch,
  init: { readonly env: Env; readonly profile: ProfileValues },
): typeof fetch {
  const source = caBundleSource(init.env, init.profile);
  let client: Deno.HttpClient | undefined;
  const direct = new Map<string, Deno.HttpClient>();
  return (input, requestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const loopback = isLoopbackHost(url.hostname) && proxySet();
    if (!source && !loopback) return base(input, requestInit);
    let chosen: Deno.HttpClient;
    try {
      const caCerts = source ? [readCaBundle(source)] : undefined;
      if (loopback) {
        chosen = direct.get(url.hostname) ??
          directClient(url.hostname, caCerts);
        direct.set(url.hostname, chosen);
      } else chosen = client ??= Deno.createHttpClient({ caCerts: caCerts! });
    } catch (error) {
      return Promise.reject(error);
    }
    const withClient: RequestInit & { client: Deno.HttpClient } = {
      ...requestInit,
      client: chosen,
    };
    return base(input, withClient);
  };
}
