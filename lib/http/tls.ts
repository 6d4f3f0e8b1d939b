/**
 * Trusting a company's CA, as the AWS CLI and SDKs do: `AWS_CA_BUNDLE` (or
 * `ca_bundle` in the profile) names a PEM file whose certificates are trusted
 * in addition to the system's, for every HTTPS call (Sign-In and STS). The
 * file is read when the first call is made, so a `credential_process` served
 * from the cache never touches it.
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

/**
 * A fetch that trusts the configured CA bundle as well as the system's
 * roots (the same fetch when none is configured). Proxies from
 * `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` apply as they do to Deno's own fetch.
 */
export function trustingFetch(
  base: typeof fetch,
  init: { readonly env: Env; readonly profile: ProfileValues },
): typeof fetch {
  const source = caBundleSource(init.env, init.profile);
  if (!source) return base;
  let client: Deno.HttpClient | undefined;
  return (input, requestInit) => {
    try {
      client ??= Deno.createHttpClient({ caCerts: [readCaBundle(source)] });
    } catch (error) {
      return Promise.reject(error);
    }
    const withClient: RequestInit & { client: Deno.HttpClient } = {
      ...requestInit,
      client,
    };
    return base(input, withClient);
  };
}
