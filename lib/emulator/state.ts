/**
 * Everything the emulator remembers: its options, its clock (which tests can
 * move forward), pending sign-ins, codes, sessions, refresh tokens, issued
 * keys, seen DPoP proofs, queued faults and the request log. Route modules
 * are plain functions of this state and a request.
 *
 * @example
 * ```ts
 * const state = createState({ autoApprove: true });
 * state.log({ method: "GET", path: "/", operation: "Unknown", status: 404 });
 * state.requests.length; // 1
 * ```
 * @module
 */

import {
  base64url,
  type RandomSource,
  randomString,
  secureRandom,
} from "../util/encoding.ts";
import { timerMs } from "../util/sleep.ts";
import { createSsoState, type SsoOptions, type SsoState } from "./sso_state.ts";

/** The principal the emulator signs in when none is given. */
export const DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:user/demo";

/** How the emulator behaves. */
export interface EmulatorOptions {
  /** The region it signs STS requests for (default `us-east-1`). */
  readonly region?: string;
  /** IAM identities whose console sessions it grants (default {@linkcode DEFAULT_PRINCIPAL}). */
  readonly principals?: readonly string[];
  /** Skip the picker page: `/v1/authorize` redirects at once, for the first principal. */
  readonly autoApprove?: boolean;
  /** Lifetime of issued credentials in seconds (1–900, default 900). */
  readonly accessTtl?: number;
  /** How long refreshes keep working after the login, in seconds (default 43200). */
  readonly sessionTtl?: number;
  /** Lifetime of an authorization code in seconds (default 300). */
  readonly codeTtl?: number;
  /** Milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  readonly random?: RandomSource;
  /** Called with every request log entry (the command appends them to `--request-log`). */
  readonly onRequestLog?: (entry: RequestLogEntry) => void;
  /** Roles (ARNs) any emulator principal may assume with STS `AssumeRole`. */
  readonly roles?: readonly string[];
  /** The external id a role requires (role ARN → id). */
  readonly roleExternalIds?: Readonly<Record<string, string>>;
  /** Roles that require MFA (`SerialNumber` and `TokenCode`). */
  readonly roleMfa?: readonly string[];
  /** The one MFA code the emulator accepts (default `123456`). */
  readonly mfaCode?: string;
  /**
   * How `CreateOAuth2Token` answers a DPoP proof whose `iat` is too far from
   * its clock: `invalid-request` (400 `ValidationException`, the default) or
   * `token-expired` (401 `AccessDeniedException` `TOKEN_EXPIRED`, as users of
   * skewed VMs saw in aws/aws-cli#10330).
   */
  readonly skewAnswer?: "invalid-request" | "token-expired";
  /** IAM Identity Center (sso-oidc and the access portal): start URLs, user, accounts, lifetimes. */
  readonly sso?: SsoOptions;
  /** Which tokens `AssumeRoleWithWebIdentity` takes: the ones it `issued` (default), or `any` well-formed JWT. */
  readonly webIdentityTokens?: "issued" | "any";
}

/** One line of the request log. Never contains a secret, token or code. */
export interface RequestLogEntry {
  /** The emulator's clock, ISO 8601. */
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /**
   * `Authorize`, `AuthorizeDecision`, `Confirmation`, `CreateOAuth2Token`,
   * `GetCallerIdentity`, `AssumeRole`, `GetSigninToken`, `ConsoleLogin`,
   * `Federation`, IAM Identity Center's `RegisterClient`,
   * `StartDeviceAuthorization`, `CreateToken`, `DeviceVerification`,
   * `DeviceDecision`, `SsoAuthorize`, `SsoAuthorizeDecision`,
   * `GetRoleCredentials`, `ListAccounts`, `ListAccountRoles`, `Logout`;
   * `Control`, `Unknown`.
   */
  readonly operation: string;
  /** For `CreateOAuth2Token` and `CreateToken`: the grant type as sent. */
  readonly grantType?: string;
  readonly clientId?: string;
  readonly status: number;
  /** The error code, when the answer was an error. */
  readonly error?: string;
}

/** Operations a fault can be injected into. */
export const FAULT_OPERATIONS = [
  "CreateOAuth2Token",
  "GetCallerIdentity",
  "AssumeRole",
  "RegisterClient",
  "StartDeviceAuthorization",
  "CreateToken",
  "GetRoleCredentials",
  "ListAccounts",
  "ListAccountRoles",
  "Logout",
  "AssumeRoleWithWebIdentity",
] as const;

/** One queued fault: the next `remaining` calls of the operation fail or are delayed. */
export interface Fault {
  readonly operation: typeof FAULT_OPERATIONS[number];
  remaining: number;
  readonly error?: string;
  readonly status?: number;
  readonly message?: string;
  readonly delayMs?: number;
}

/** A sign-in waiting on the picker page. */
export interface PendingAuthorization {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly challenge: string;
  readonly createdAt: number;
}

/** An authorization code and what it was issued for. */
export interface AuthCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly principal: string;
  readonly issuedAt: number;
  used: boolean;
}

/** A console session granted to a client, bound to its DPoP key. */
export interface Session {
  readonly principal: string;
  readonly clientId: string;
  readonly thumbprint: string;
  readonly createdAt: number;
  revoked: boolean;
}

/** A refresh token; once used, its answer is replayed for a minute (idempotent retries). */
export interface RefreshRecord {
  readonly sessionId: string;
  rotatedAt?: number;
  result?: Record<string, unknown>;
}

/** Temporary credentials the emulator issued. */
export interface AccessKey {
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAt: number;
  /** The identity the credentials belong to (what GetCallerIdentity answers). */
  readonly principal: string;
  /** Assumed with another role's credentials (role chaining: a console session of at most an hour). */
  readonly chained?: boolean;
}

/** A federation sign-in token (`getSigninToken`), good for one console sign-in within 15 minutes. */
export interface SigninToken {
  readonly principal: string;
  readonly expiresAt: number;
  /** The console session's length, in seconds. */
  readonly sessionDuration: number;
  used: boolean;
}

/** What assuming a role requires. */
export interface RoleRules {
  readonly externalId?: string;
  readonly mfa: boolean;
}

/** The emulator's state. */
export interface EmulatorState {
  /** How a skewed DPoP proof is answered (the control API can change it). */
  skewAnswer: "invalid-request" | "token-expired";
  readonly region: string;
  readonly principals: readonly string[];
  readonly autoApprove: boolean;
  readonly accessTtl: number;
  readonly sessionTtl: number;
  readonly codeTtl: number;
  readonly random: RandomSource;
  /** Assumable roles and their conditions. */
  readonly roles: ReadonlyMap<string, RoleRules>;
  readonly mfaCode: string;
  /** Web identity tokens: which are taken, and the key that signs the emulator's own. */
  readonly webIdentityTokens: "issued" | "any";
  readonly webIdentityKey: Uint8Array;
  /** The emulator's clock: the wall clock plus whatever tests moved it forward. */
  now(): number;
  advanceClock(seconds: number): void;
  readonly requests: RequestLogEntry[];
  log(entry: Omit<RequestLogEntry, "time">): void;
  readonly faults: Fault[];
  /** Takes one fault for the operation, if one is queued. */
  takeFault(operation: Fault["operation"]): Fault | undefined;
  /** A random unguessable token of `bytes` random bytes (base64url). */
  token(bytes: number): string;
  readonly pending: Map<string, PendingAuthorization>;
  readonly codes: Map<string, AuthCode>;
  readonly sessions: Map<string, Session>;
  readonly refreshTokens: Map<string, RefreshRecord>;
  readonly accessKeys: Map<string, AccessKey>;
  readonly signinTokens: Map<string, SigninToken>;
  /** DPoP `jti`s seen, with when they may be forgotten. */
  readonly seenJti: Map<string, number>;
  /** The key that signs ID tokens (made on first use). */
  idTokenKey(): Promise<CryptoKeyPair>;
  /** The IAM Identity Center instance. */
  readonly sso: SsoState;
}

/** Creates an emulator's state from its options. */
export function createState(options: EmulatorOptions = {}): EmulatorState {
  const wallClock = options.now ?? Date.now;
  const random = options.random ?? secureRandom;
  let offsetMs = 0;
  let idTokenKey: Promise<CryptoKeyPair> | undefined;
  const requests: RequestLogEntry[] = [];
  const faults: Fault[] = [];
  const now = () => wallClock() + offsetMs;
  return {
    region: options.region ?? "us-east-1",
    skewAnswer: options.skewAnswer ?? "invalid-request",
    principals: options.principals && options.principals.length > 0
      ? options.principals
      : [DEFAULT_PRINCIPAL],
    autoApprove: options.autoApprove ?? false,
    accessTtl: Math.min(options.accessTtl ?? 900, 900),
    sessionTtl: options.sessionTtl ?? 43_200,
    codeTtl: options.codeTtl ?? 300,
    random,
    roles: new Map(
      (options.roles ?? []).map((arn) => {
        const externalId = options.roleExternalIds?.[arn];
        return [arn, {
          ...(externalId === undefined ? {} : { externalId }),
          mfa: options.roleMfa?.includes(arn) ?? false,
        }];
      }),
    ),
    mfaCode: options.mfaCode ?? "123456",
    webIdentityTokens: options.webIdentityTokens ?? "issued",
    webIdentityKey: secureRandom(32),
    now,
    advanceClock(seconds) {
      offsetMs += seconds * 1000;
    },
    requests,
    log(entry) {
      const full: RequestLogEntry = {
        time: new Date(now()).toISOString(),
        ...entry,
      };
      requests.push(full);
      options.onRequestLog?.(full);
    },
    faults,
    takeFault(operation) {
      const fault = faults.find((f) =>
        f.operation === operation && f.remaining > 0
      );
      if (fault) fault.remaining--;
      return fault;
    },
    token: (bytes) => base64url(random(bytes)),
    pending: new Map(),
    codes: new Map(),
    sessions: new Map(),
    refreshTokens: new Map(),
    accessKeys: new Map(),
    signinTokens: new Map(),
    seenJti: new Map(),
    sso: createSsoState(options.sso),
    idTokenKey() {
      idTokenKey ??= crypto.subtle.generateKey(
        { name: "ECDSA", namedCurve: "P-256" },
        false,
        ["sign"],
      ) as Promise<CryptoKeyPair>;
      return idTokenKey;
    },
  };
}

/** Waits out a fault's delay, if it has one. */
export async function faultDelay(fault: Fault | undefined): Promise<void> {
  const delayMs = fault?.delayMs;
  if (delayMs) {
    await new Promise((r) => setTimeout(r, timerMs(delayMs)));
  }
}

/** New temporary credentials for a principal, remembered for STS. */
export function issueCredentials(
  state: EmulatorState,
  principal: string,
  lifetimeMs: number = state.accessTtl * 1000,
): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  const accessKeyId = `ASIA${
    randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", state.random)
  }`;
  const secretAccessKey = randomString(
    40,
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    state.random,
  );
  const sessionToken = `IQoJb3JpZ2luX2VjE${state.random(240).toBase64()}`;
  state.accessKeys.set(accessKeyId, {
    secretAccessKey,
    sessionToken,
    expiresAt: state.now() + lifetimeMs,
    principal,
  });
  return { accessKeyId, secretAccessKey, sessionToken };
}
