/**
 * Which endpoint a service call goes to, as the AWS SDKs decide it
 * ("service-specific endpoints"): `--endpoint-url` > `AWS_ENDPOINT_URL_<SERVICE>`
 * > `AWS_ENDPOINT_URL` > the profile's `services` section > the profile's
 * `endpoint_url` > the partition's endpoint for the region (FIPS and
 * dual-stack variants from `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint` and
 * `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`).
 *
 * @example
 * ```ts
 * resolveEndpoint("signin", { region: "us-east-1", env: {}, profile: {} });
 * // { url: "https://us-east-1.signin.aws.amazon.com", source: "partition aws" }
 * ```
 * @module
 */

import { ConfigurationError, UsageError } from "../errors.ts";
import type { Env } from "../util/env.ts";
import {
  type ProfileFiles,
  type ProfileValues,
  stringSetting,
} from "../config/selection.ts";
import {
  partitionOf,
  signinEndpoint,
  ssoOidcEndpoint,
  ssoPortalEndpoint,
  stsEndpoint,
} from "./partitions.ts";

/**
 * The services whose endpoints are resolved here, by their client names:
 * Sign-In, STS, and IAM Identity Center's OIDC (`sso-oidc`) and portal
 * (`sso`) services.
 */
export type EndpointService = "signin" | "sts" | "sso-oidc" | "sso";

/**
 * The name of a service in override settings, as botocore derives it (the
 * hyphens of the client name become `_`): `sso-oidc` is
 * `AWS_ENDPOINT_URL_SSO_OIDC` and the `[services]` key `sso_oidc`.
 *
 * @example
 * ```ts
 * endpointEnvName("sso-oidc"); // "AWS_ENDPOINT_URL_SSO_OIDC"
 * ```
 */
export function endpointEnvName(service: EndpointService): string {
  return `AWS_ENDPOINT_URL_${servicesKey(service).toUpperCase()}`;
}

/**
 * The key of a service in a `[services NAME]` section (`sso_oidc`, `sso`,
 * `sts`, `signin`).
 *
 * @example
 * ```ts
 * servicesKey("sso-oidc"); // "sso_oidc"
 * ```
 */
export function servicesKey(service: EndpointService): string {
  return service.replaceAll("-", "_");
}

/** A resolved endpoint and where it came from (for `--debug`). */
export interface ResolvedEndpoint {
  readonly url: string;
  readonly source: string;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === "true";
}

/** Checks an endpoint URL (http or https, with a host). */
export function checkEndpointUrl(url: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `Invalid endpoint URL "${url}" from ${source}: expected a URL such as https://example.com.`,
    );
  }
  if (
    (parsed.protocol !== "https:" && parsed.protocol !== "http:") ||
    parsed.host === ""
  ) {
    throw new UsageError(
      `Invalid endpoint URL "${url}" from ${source}: expected an http:// or https:// URL.`,
    );
  }
  return url.replace(/\/+$/, "");
}

/**
 * Resolves the endpoint of `signin`, `sts`, `sso-oidc` or `sso`. A
 * configured endpoint wins over FIPS and dual-stack (botocore leaves them
 * out of the rules when an endpoint URL is configured).
 */
export function resolveEndpoint(
  service: EndpointService,
  init: {
    readonly region: string;
    readonly env: Env;
    readonly profile: ProfileValues;
    readonly shared?: ProfileFiles;
    readonly flag?: string | undefined;
  },
): ResolvedEndpoint {
  const { env, profile } = init;
  if (init.flag) {
    return {
      url: checkEndpointUrl(init.flag, "--endpoint-url"),
      source: "--endpoint-url",
    };
  }
  const ignore = isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ||
    (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === undefined &&
      isTrue(stringSetting(profile, "ignore_configured_endpoint_urls")));
  if (!ignore) {
    const specific = endpointEnvName(service);
    if (env[specific]) {
      return {
        url: checkEndpointUrl(env[specific]!, specific),
        source: specific,
      };
    }
    if (env.AWS_ENDPOINT_URL) {
      return {
        url: checkEndpointUrl(env.AWS_ENDPOINT_URL, "AWS_ENDPOINT_URL"),
        source: "AWS_ENDPOINT_URL",
      };
    }
    const servicesName = stringSetting(profile, "services");
    const section = servicesName
      ? init.shared?.services.get(servicesName)
      : undefined;
    const key = servicesKey(service);
    const nested = section?.[key];
    if (nested && typeof nested === "object" && nested.endpoint_url) {
      const source = `[services ${servicesName}] ${key}.endpoint_url`;
      return { url: checkEndpointUrl(nested.endpoint_url, source), source };
    }
    const profileUrl = stringSetting(profile, "endpoint_url");
    if (profileUrl) {
      return {
        url: checkEndpointUrl(profileUrl, "endpoint_url"),
        source: "endpoint_url",
      };
    }
  }
  const fips = isTrue(
    env.AWS_USE_FIPS_ENDPOINT ?? stringSetting(profile, "use_fips_endpoint"),
  );
  const dualStack = isTrue(
    env.AWS_USE_DUALSTACK_ENDPOINT ??
      stringSetting(profile, "use_dualstack_endpoint"),
  );
  if (init.region === "") {
    throw new ConfigurationError("Invalid Configuration: Missing Region");
  }
  const rules = {
    signin: signinEndpoint,
    sts: stsEndpoint,
    "sso-oidc": ssoOidcEndpoint,
    sso: ssoPortalEndpoint,
  }[service];
  const url = rules(init.region, { fips, dualStack });
  return { url, source: `partition ${partitionOf(init.region).id}` };
}

/** The authorize base of an endpoint: scheme and host only, as botocore keeps it. */
export function authorizeBase(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.protocol}//${url.host}`;
}

/** Whether a URL's host is this computer (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") ||
    host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * A warning for a plain-HTTP endpoint that is not on this computer (what
 * crosses the network unencrypted), or `undefined` when there is nothing to
 * warn about.
 */
export function plainHttpWarning(
  url: string,
  service: EndpointService,
): string | undefined {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" || isLoopbackHost(parsed.hostname)) {
    return undefined;
  }
  if (service === "sso-oidc" || service === "sso") {
    return `The IAM Identity Center endpoint ${url} is plain HTTP and not on this computer: access tokens, ` +
      "refresh tokens and credentials cross the network unencrypted.";
  }
  return service === "signin"
    ? `The Sign-In endpoint ${url} is plain HTTP and not on this computer: refresh tokens and credentials ` +
      "cross the network unencrypted."
    : `The STS endpoint ${url} is plain HTTP and not on this computer: signed requests and credentials ` +
      "cross the network unencrypted.";
}
