/**
 * The OIDC client registration the AWS CLI caches beside the tokens
 * (protocol-sso.md §2.3, §3.2): `~/.aws/sso/cache/{key}.json`, where the
 * key is SHA-1 of botocore's arguments as Python's `json.dumps(...,
 * sort_keys=True)` writes them (grant types are not in it, so both flows
 * share one file and overwrite each other); the file holds `clientId,
 * clientSecret, expiresAt[, scopes][, grantTypes]`. A registration is reused
 * while 15 minutes or more are left and it was made for the flow at hand.
 * Written with {@linkcode import("./sso_token_cache.ts").writeSsoCacheFile}.
 *
 * @example
 * ```ts
 * await registrationKey({ startUrl: "https://d-1234567890.awsapps.com/start", region: "us-east-1",
 *   scopes: ["sso:account:access"], sessionName: "my-sso" });
 * // "a8343d65418848d0bc13a5f25cbb32508ceec5d1"
 * ```
 * @module
 */

import { sha1Hex } from "../util/encoding.ts";
import { pyJsonDumps } from "../util/py_json.ts";
import { formatExpiresAt, parseTime } from "../util/time.ts";
import { readSsoCacheJson } from "./sso_token_cache.ts";

/** The two sign-in flows, as registrations tell them apart. */
export type RegistrationFlow = "authorization_code" | "device_code";

/** The scope a registration for the authorization-code flow gets when none is configured. */
export const DEFAULT_SSO_SCOPE = "sso:account:access";

/** The grant types of an authorization-code registration. */
export const AUTH_GRANT_TYPES: readonly string[] = [
  "authorization_code",
  "refresh_token",
];

/** botocore's `_EXPIRY_WINDOW`: a registration with less left is made again. */
export const REGISTRATION_EXPIRY_WINDOW_MS = 15 * 60_000;

/**
 * botocore's registration cache key (`_registration_cache_key`): `scopes` is
 * the configured list (`null` when `sso_registration_scopes` is absent, `[]`
 * when it is empty), `sessionName` `null` for a legacy profile, `startUrl`
 * the configured one.
 *
 * @example
 * ```ts
 * await registrationKey({ startUrl: "https://d-1234567890.awsapps.com/start", region: "us-east-1",
 *   scopes: null, sessionName: null });
 * // "365414a68be7c9bfc776c660981dbdbd942acea4"
 * ```
 */
export function registrationKey(init: {
  readonly startUrl: string;
  readonly region: string;
  readonly scopes: readonly string[] | null;
  readonly sessionName: string | null;
}): Promise<string> {
  return sha1Hex(pyJsonDumps({
    tool: "botocore",
    startUrl: init.startUrl,
    region: init.region,
    scopes: init.scopes,
    session_name: init.sessionName,
  }, { sortKeys: true }));
}

/** A registration as cached. */
export interface Registration {
  readonly clientId: string;
  readonly clientSecret: string;
  /** As written (copied into the token's `registrationExpiresAt`). */
  readonly expiresAt: string;
  /** Milliseconds since the epoch. */
  readonly expiresAtMs: number;
  readonly scopes?: readonly string[];
  readonly grantTypes?: readonly string[];
}

/**
 * The registration botocore caches after `RegisterClient`: `expiresAt` from
 * `clientSecretExpiresAt` (epoch seconds) in UTC, whole seconds; the
 * authorization-code flow records the scopes it registered (the configured
 * ones, else `sso:account:access`) and its grant types; the device flow
 * records scopes only when some are configured.
 *
 * @example
 * ```ts
 * registrationFromResponse({ clientId: "cid-1", clientSecret: "csecret-1", clientSecretExpiresAt: 1804181181 },
 *   { flow: "device_code", scopes: null }).expiresAt; // "2027-03-04T17:26:21Z"
 * ```
 */
export function registrationFromResponse(
  response: {
    readonly clientId: string;
    readonly clientSecret: string;
    /** Epoch seconds. */
    readonly clientSecretExpiresAt: number;
  },
  init: {
    readonly flow: RegistrationFlow;
    readonly scopes: readonly string[] | null;
  },
): Registration {
  const expiresAtMs = Math.floor(response.clientSecretExpiresAt) * 1000;
  const base = {
    clientId: response.clientId,
    clientSecret: response.clientSecret,
    expiresAt: formatExpiresAt(expiresAtMs),
    expiresAtMs,
  };
  if (init.flow === "authorization_code") {
    return {
      ...base,
      scopes: registeredScopes(init.scopes),
      grantTypes: [...AUTH_GRANT_TYPES],
    };
  }
  return init.scopes && init.scopes.length > 0
    ? { ...base, scopes: [...init.scopes] }
    : base;
}

/**
 * The scopes the authorization-code flow registers and asks for: the
 * configured ones, else `sso:account:access` (an empty list counts as none).
 *
 * @example
 * ```ts
 * registeredScopes(null); // ["sso:account:access"]
 * ```
 */
export function registeredScopes(
  configured: readonly string[] | null,
): string[] {
  return configured && configured.length > 0
    ? [...configured]
    : [DEFAULT_SSO_SCOPE];
}

/**
 * The registration file's bytes as the AWS CLI writes them: `clientId,
 * clientSecret, expiresAt[, scopes][, grantTypes]`, Python's separators, no
 * final newline.
 *
 * @example
 * ```ts
 * registrationJson({ clientId: "c", clientSecret: "s", expiresAt: "2027-03-04T17:26:21Z", expiresAtMs: 0 });
 * // '{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-03-04T17:26:21Z"}'
 * ```
 */
export function registrationJson(registration: Registration): string {
  return pyJsonDumps({
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    expiresAt: registration.expiresAt,
    ...(registration.scopes ? { scopes: registration.scopes } : {}),
    ...(registration.grantTypes ? { grantTypes: registration.grantTypes } : {}),
  });
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === "string")
    ? v as string[]
    : undefined;

/**
 * Reads a cached registration; `undefined` when there is none or it is not
 * usable (botocore registers again then).
 *
 * @example
 * ```ts
 * readRegistration("/nonexistent/a8343d65418848d0bc13a5f25cbb32508ceec5d1.json"); // undefined
 * ```
 */
export function readRegistration(file: string): Registration | undefined {
  const raw = readSsoCacheJson(file);
  if (!raw) return undefined;
  const { clientId, clientSecret, expiresAt } = raw;
  if (
    typeof clientId !== "string" || clientId === "" ||
    typeof clientSecret !== "string" || clientSecret === "" ||
    typeof expiresAt !== "string"
  ) return undefined;
  const expiresAtMs = parseTime(expiresAt);
  if (Number.isNaN(expiresAtMs)) return undefined;
  const scopes = strings(raw.scopes);
  const grantTypes = strings(raw.grantTypes);
  return {
    clientId,
    clientSecret,
    expiresAt,
    expiresAtMs,
    ...(scopes ? { scopes } : {}),
    ...(grantTypes ? { grantTypes } : {}),
  };
}

/**
 * Whether botocore would reuse a cached registration: 15 minutes or more
 * left, and made for the flow (`grantTypes` holding `authorization_code`
 * for the authorization-code flow, not holding it for the device flow).
 *
 * @example
 * ```ts
 * isRegistrationReusable({ clientId: "c", clientSecret: "s", expiresAt: "", expiresAtMs: Date.now() + 86_400_000 },
 *   "device_code", Date.now()); // true
 * ```
 */
export function isRegistrationReusable(
  registration: Registration,
  flow: RegistrationFlow,
  now: number,
): boolean {
  if (registration.expiresAtMs - now < REGISTRATION_EXPIRY_WINDOW_MS) {
    return false;
  }
  const forAuthCode = registration.grantTypes?.includes("authorization_code") ??
    false;
  return flow === "authorization_code" ? forAuthCode : !forAuthCode;
}
