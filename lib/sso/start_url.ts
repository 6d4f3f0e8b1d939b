/**
 * Start URL resolution as the AWS CLI does it since 2.35.13
 * (protocol-sso.md §2.2, [SSO-RESOLVE]): an AWS-owned start URL is used as
 * it is, with the configured `sso_region`; a vanity URL (a company's own
 * host) is resolved by at most one redirect (`HEAD`, then `GET` on 405 or
 * 501, the `Location` joined but not requested), normalised, checked to be
 * AWS-owned and https, and its region read from the portal host (else the
 * configured one). Every failure is a {@linkcode ConfigurationError} (253)
 * with the AWS CLI's text. The resolved URL is what RegisterClient and
 * StartDeviceAuthorization get; the token file keeps the configured one.
 *
 * @example
 * ```ts
 * await resolveStartUrl("https://d-1234567890.awsapps.com/start", { configuredRegion: "us-east-1" });
 * // { url: "https://d-1234567890.awsapps.com/start", region: "us-east-1", vanity: false }
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";

const OWNED_SUFFIXES = [
  ".app.aws",
  ".portal.amazonaws.com",
  ".portal.amazonaws.com.cn",
  ".app.amazonwebservices.com.cn",
  ".portal.amazonaws.eu",
  ".api.amazonwebservices.eu",
  ".awsapps.com",
  ".awsapps.cn",
];

const OWNED_EXACT = [
  "identitycenter.amazonaws.com",
  "identitycenter.amazonaws.com.cn",
  "identitycenter.amazonaws.eu",
  "identitycenter.us-gov.amazonaws.com",
];

const REGION_PATTERNS = [
  /^[^.]+\.portal\.([a-z0-9-]+)\.app\.aws$/,
  /^[^.]+\.([a-z0-9-]+)\.portal\.amazonaws\.com$/,
  /^[^.]+\.([a-z0-9-]+)\.portal\.amazonaws\.com\.cn$/,
  /^[^.]+\.portal\.([a-z0-9-]+)\.app\.amazonwebservices\.com\.cn$/,
  /^[^.]+\.([a-z0-9-]+)\.portal\.amazonaws\.eu$/,
  /^[^.]+\.portal\.([a-z0-9-]+)\.api\.amazonwebservices\.eu$/,
];

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The AWS CLI's default wait for the vanity URL's answer (`--cli-connect-timeout` replaces it). */
export const START_URL_TIMEOUT_MS = 10_000;

const clean = (hostname: string) => hostname.toLowerCase().replace(/\.$/, "");

/**
 * Whether a host is AWS's own (the AWS CLI's allowlist: exact names, and
 * names equal to or ending with its suffixes; any case, a trailing dot
 * ignored).
 *
 * @example
 * ```ts
 * isAwsOwnedHost("d-1234567890.awsapps.com"); // true
 * isAwsOwnedHost("sso.example.com"); // false
 * ```
 */
export function isAwsOwnedHost(hostname: string): boolean {
  const host = clean(hostname);
  return OWNED_EXACT.includes(host) ||
    OWNED_SUFFIXES.some((suffix) =>
      host === suffix.slice(1) || host.endsWith(suffix)
    );
}

/**
 * The region in a portal host name (`{id}.portal.{region}.app.aws`,
 * `{id}.{region}.portal.amazonaws.com`, and the China and EUSC forms), or
 * `undefined` (an `awsapps.com` host names none).
 *
 * @example
 * ```ts
 * regionFromPortalHost("ssoins-1.portal.eu-west-1.app.aws"); // "eu-west-1"
 * ```
 */
export function regionFromPortalHost(hostname: string): string | undefined {
  const host = clean(hostname);
  for (const pattern of REGION_PATTERNS) {
    const m = pattern.exec(host);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The AWS CLI's normalisation of a resolved URL: scheme, lowercased host,
 * the port only when not the scheme's default, the path without trailing
 * `/`, no query or fragment.
 *
 * @example
 * ```ts
 * normalizeResolvedUrl("https://X.portal.eu-west-1.app.aws:443/start/?a#b"); // "https://x.portal.eu-west-1.app.aws/start"
 * ```
 */
export function normalizeResolvedUrl(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port ? `:${parsed.port}` : "";
  return `${parsed.protocol}//${parsed.hostname}${port}${
    parsed.pathname.replace(/\/+$/, "")
  }`;
}

/** What {@linkcode resolveStartUrl} found. */
export interface ResolvedStartUrl {
  /** The URL to register and authorize with (the configured one when AWS-owned). */
  readonly url: string;
  /** The SSO region to use (from the portal host, else the configured one). */
  readonly region: string;
  /** Whether the start URL was a vanity URL (the AWS CLI then adds the feature id `SSO_LOGIN_VANITY_URL`). */
  readonly vanity: boolean;
}

/** Options of {@linkcode resolveStartUrl}. */
export interface ResolveStartUrlOptions {
  /** The configured `sso_region`, if any. */
  readonly configuredRegion?: string | undefined;
  /** The project's fetch (CA bundle, proxies). Default: the runtime's. */
  readonly fetch?: typeof fetch;
  /** How long the vanity URL may take to answer. Default 10 s (the AWS CLI's). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal | undefined;
  readonly debug?: (message: string) => void;
}

function failure(error: unknown, timedOut: boolean): ConfigurationError {
  if (timedOut) {
    return new ConfigurationError("Failed to resolve start URL: timed out");
  }
  const cause = (error as { cause?: unknown }).cause;
  const detail = (cause instanceof Error ? cause.message : String(
    (error as Error).message ?? error,
  )).replace(/^error sending request for url \([^)]*\): /, "");
  return new ConfigurationError(`Failed to resolve start URL: ${detail}`, {
    cause: error,
  });
}

/** One request without following redirects: its status and `Location`. */
async function probe(
  url: string,
  method: "HEAD" | "GET",
  options: ResolveStartUrlOptions,
): Promise<{ status: number; location: string | null }> {
  const timeout = AbortSignal.timeout(
    options.timeoutMs ?? START_URL_TIMEOUT_MS,
  );
  const signal = options.signal
    ? AbortSignal.any([options.signal, timeout])
    : timeout;
  options.debug?.(`${method} ${url} (resolving the start URL)`);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method,
      redirect: "manual",
      signal,
    });
  } catch (error) {
    throw failure(error, timeout.aborted);
  }
  await response.body?.cancel().catch(() => {});
  return {
    status: response.status,
    location: response.headers.get("location"),
  };
}

/** The answer's verdict: the URL to use, or the AWS CLI's error. */
function follow(
  url: string,
  answer: { status: number; location: string | null },
): string {
  if (answer.status >= 200 && answer.status < 300) return url;
  if (REDIRECTS.has(answer.status)) {
    if (!answer.location) {
      throw new ConfigurationError(
        "Redirect response missing Location header.",
      );
    }
    try {
      return new URL(answer.location, url).href;
    } catch {
      throw new ConfigurationError(
        `Failed to resolve start URL: invalid Location "${answer.location}"`,
      );
    }
  }
  throw new ConfigurationError(
    `Failed to resolve start URL: HTTP ${answer.status}`,
  );
}

/**
 * Resolves a configured start URL to the URL and region `sso login` uses.
 *
 * @example
 * ```ts
 * const out = await resolveStartUrl("https://sso.example.com/start", { configuredRegion: "us-east-1" })
 *   .catch(() => undefined); // a vanity URL: one request to sso.example.com
 * ```
 * @throws {ConfigurationError} with the AWS CLI's texts (exit 253).
 */
export async function resolveStartUrl(
  startUrl: string,
  options: ResolveStartUrlOptions = {},
): Promise<ResolvedStartUrl> {
  let parsed: URL | undefined;
  try {
    parsed = new URL(startUrl);
  } catch {
    parsed = undefined;
  }
  const scheme = parsed?.protocol ??
    (/^([A-Za-z][A-Za-z0-9+.-]*):/.exec(startUrl)?.[1]?.toLowerCase() ?? "") +
      ":";
  if (scheme !== "https:") {
    throw new ConfigurationError(
      "The sso_start_url must use the https scheme.",
    );
  }
  if (!parsed || parsed.hostname === "" || !/^https:\/\/[^/]/i.test(startUrl)) {
    throw new ConfigurationError(`Invalid sso_start_url: '${startUrl}'`);
  }
  if (isAwsOwnedHost(parsed.hostname)) {
    if (!options.configuredRegion) {
      throw new ConfigurationError(
        "Missing required configuration: sso_region. Please run 'aws-signin configure sso' to set it.",
      );
    }
    return { url: startUrl, region: options.configuredRegion, vanity: false };
  }
  let answer = await probe(startUrl, "HEAD", options);
  if (answer.status === 405 || answer.status === 501) {
    options.debug?.(`HEAD answered ${answer.status}; trying GET`);
    answer = await probe(startUrl, "GET", options);
  }
  const resolved = normalizeResolvedUrl(follow(startUrl, answer));
  const host = new URL(resolved).hostname;
  if (!host || !isAwsOwnedHost(host)) {
    throw new ConfigurationError(
      `Could not resolve start URL '${startUrl}' to an AWS-owned endpoint. Final URL: '${resolved}'`,
    );
  }
  if (!resolved.startsWith("https:")) {
    throw new ConfigurationError(
      `Resolved URL must use https. Got: '${resolved}'`,
    );
  }
  const region = regionFromPortalHost(host) ?? options.configuredRegion;
  if (!region) {
    throw new ConfigurationError(
      `Cannot determine region from start URL '${startUrl}'. Please provide sso_region in your configuration.`,
    );
  }
  return { url: resolved, region, vanity: true };
}
