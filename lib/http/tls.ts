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

import { AwsSigninError, ConfigurationError } from "../errors.ts";
import { type ProfileValues, stringSetting } from "../config/selection.ts";
import { isLoopbackHost } from "../endpoints/resolve.ts";
import { proxyFor } from "./proxy.ts";
import { type Env, expandHome } from "../util/env.ts";

/** Where the CA bundle setting came from. */
export interface CaBundleSource {
  readonly path: string;
  /** `--ca-bundle`, `AWS_CA_BUNDLE`, `ca_bundle in the profile` or `REQUESTS_CA_BUNDLE`. */
  readonly from: string;
}

/** The AWS CLI's connection options, as a command got them. */
export interface ConnectionOptions {
  /** `--ca-bundle`. */
  readonly caBundle?: string;
  /** `--no-verify-ssl`: certificates are not checked (with a warning). */
  readonly noVerifySsl?: boolean;
  /** `--cli-connect-timeout` in milliseconds (`Infinity`: wait for ever). */
  readonly connectTimeoutMs?: number;
  /** `--cli-read-timeout` in milliseconds (`Infinity`: wait for ever). */
  readonly readTimeoutMs?: number;
}

/** The AWS CLI 2.36.6's refusal of a CA bundle setting that is empty or blank (a botocore error: exit 255). */
export class InvalidCaBundleError extends AwsSigninError {
  constructor() {
    super(
      "Invalid CA bundle: the configured value (ca_bundle, AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE, or verify) " +
        "resolved to an empty or whitespace-only string. Provide a valid path to a CA bundle file.",
    );
    this.name = "InvalidCaBundleError";
  }
}

/**
 * The CA bundle in effect, in the AWS CLI's order: `--ca-bundle` >
 * `AWS_CA_BUNDLE` > the profile's `ca_bundle` > `REQUESTS_CA_BUNDLE`;
 * `undefined` when none is set (the system's roots alone).
 *
 * @throws {InvalidCaBundleError} when the setting in effect is empty or blank.
 */
export function caBundleSource(
  env: Env,
  profile: ProfileValues,
  flag?: string,
): CaBundleSource | undefined {
  const setting = stringSetting(profile, "ca_bundle");
  const [value, from] = flag !== undefined
    ? [flag, "--ca-bundle"]
    : env.AWS_CA_BUNDLE !== undefined
    ? [env.AWS_CA_BUNDLE, "AWS_CA_BUNDLE"]
    : setting !== undefined
    ? [setting, "ca_bundle in the profile"]
    : env.REQUESTS_CA_BUNDLE !== undefined
    ? [env.REQUESTS_CA_BUNDLE, "REQUESTS_CA_BUNDLE"]
    : [undefined, ""];
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new InvalidCaBundleError();
  return {
    path: expandHome(value, env, from.split(" ")[0]!),
    from,
  };
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
 * The proxy an https:// call without certificate checks goes through: the
 * one Deno's fetch would use (none for this computer's endpoints).
 *
 * @throws {ConfigurationError} for a proxy that is not http:// or https:// (a SOCKS proxy).
 */
function insecureProxy(url: URL): URL | undefined {
  if (isLoopbackHost(url.hostname)) return undefined;
  let env: Env;
  try {
    env = Deno.env.toObject();
  } catch {
    return undefined;
  }
  const route = proxyFor(url, env);
  if (!route || !("proxy" in route)) return undefined;
  if (route.proxy.protocol !== "http:" && route.proxy.protocol !== "https:") {
    throw new ConfigurationError(
      `--no-verify-ssl cannot go through the ${
        route.proxy.protocol.replace(":", "")
      } proxy in ${route.from}: ` +
        "give --ca-bundle with the CA certificates of the endpoint instead, or an http:// or https:// proxy.",
    );
  }
  return route.proxy;
}

/** A fetch that carries the timeouts `sendWithRetries` must apply to each attempt. */
export type TimedFetch = typeof fetch & {
  readonly timeouts?: {
    readonly connectMs: number | undefined;
    readonly readMs: number | undefined;
  };
};

/**
 * The fetch every call to AWS goes through: it trusts the CA bundle in
 * effect as well as the system's roots (or, with `--no-verify-ssl`, checks
 * no certificate, saying so once, through the same proxy), follows `HTTPS_PROXY`/`HTTP_PROXY`/
 * `NO_PROXY` as Deno's own fetch does, never sends a request for an endpoint
 * on this computer (127.0.0.0/8, ::1, localhost) to a proxy, as Go's HTTP
 * client (aws-vault, Terraform) does not, and carries the connect and read
 * timeouts for each attempt.
 */
export function trustingFetch(
  base: typeof fetch,
  init: {
    readonly env: Env;
    readonly profile: ProfileValues;
    readonly connection?: ConnectionOptions;
    readonly warn?: (message: string) => void;
  },
): TimedFetch {
  const connection = init.connection ?? {};
  let client: Deno.HttpClient | undefined;
  const direct = new Map<string, Deno.HttpClient>();
  let warned = false;
  const fetcher = (input: RequestInfo | URL, requestInit?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    // Without verification, https:// goes out through node:https (and a CONNECT tunnel to the proxy
    // Deno's fetch would use); http:// has no certificate to skip, so it takes the way below.
    const insecure = connection.noVerifySsl === true;
    if (insecure && url.protocol === "https:") {
      if (!warned) {
        warned = true;
        init.warn?.(
          `Certificate verification is off (--no-verify-ssl): the TLS certificate of ${url.origin} is not ` +
            "checked, so anyone on the network path can read and change these calls. Use --ca-bundle with " +
            "your company's CA certificates instead.",
        );
      }
      let proxy: URL | undefined;
      try {
        proxy = insecureProxy(url);
      } catch (error) {
        return Promise.reject(error);
      }
      return import("./insecure.ts").then((m) =>
        m.insecureFetch(url, requestInit ?? {}, proxy)
      );
    }
    let source: CaBundleSource | undefined;
    try {
      source = insecure
        ? undefined
        : caBundleSource(init.env, init.profile, connection.caBundle);
    } catch (error) {
      return Promise.reject(error);
    }
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
  return Object.assign(fetcher, {
    timeouts: {
      connectMs: connection.connectTimeoutMs,
      readMs: connection.readTimeoutMs,
    },
  }) as TimedFetch;
}
