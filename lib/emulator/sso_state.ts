/**
 * What the emulator's IAM Identity Center instance remembers: its settings
 * (which tests can change through the control API), the start URLs, user,
 * accounts and roles it knows, and the clients, device authorizations,
 * authorization codes, sessions and tokens it issued. The routes
 * (`sso_oidc.ts`, `sso_token.ts`, `sso_browser.ts`, `sso_portal.ts`) are
 * plain functions of this state and a request.
 *
 * @example
 * ```ts
 * const sso = createSsoState({ pageSize: 1 });
 * sso.settings.pageSize; // 1
 * normalizeStartUrl("https://d-1234567890.awsapps.com/start/#/"); // "https://d-1234567890.awsapps.com/start"
 * ```
 * @module
 */

/** The start URL the emulator knows by default (the spec's example instance). */
export const DEFAULT_START_URL = "https://d-1234567890.awsapps.com/start";

/** An AWS account the user is assigned to, with the roles (permission sets) they may use there. */
export interface SsoAccount {
  readonly accountId: string;
  readonly accountName?: string;
  readonly emailAddress?: string;
  readonly roles: readonly string[];
}

/** The default assignments: two accounts with two roles each. */
export const DEFAULT_SSO_ACCOUNTS: readonly SsoAccount[] = [
  {
    accountId: "111122223333",
    accountName: "Development",
    emailAddress: "dev@example.com",
    roles: ["Admin", "ReadOnly"],
  },
  {
    accountId: "444455556666",
    accountName: "Production",
    emailAddress: "prod@example.com",
    roles: ["Admin", "ReadOnly"],
  },
];

/** How the refresh-token grant treats the refresh token it is given. */
export type Rotation = "none" | "strict";

/** What tests may change while the emulator runs (`POST /_emulator/sso/settings`); all times in seconds. */
export interface SsoSettings {
  /** How long an IdC session (one login) lasts: refreshes fail after it (default 28800, 8 h). */
  sessionTtl: number;
  /** `expiresIn` of tokens for clients registered with scopes (default 3600). */
  accessTokenTtl: number;
  /** `expiresIn` of tokens for clients registered without scopes (default 28800); no refresh token. */
  legacyTokenTtl: number;
  /** `clientSecretExpiresAt - clientIdIssuedAt` of new registrations (default 7776000, 90 days). */
  registrationTtl: number;
  /** Lifetime of role credentials from GetRoleCredentials (default 3600). */
  roleTtl: number;
  /** `expiresIn` of device authorizations (default 600). */
  deviceCodeTtl: number;
  /** `interval` of device authorizations (default 1). */
  deviceInterval: number;
  /** Most items per ListAccounts / ListAccountRoles page (default 20). */
  pageSize: number;
  /** `strict` (default): every refresh returns a new refresh token and the old one stops working; `none`: no new one, the old one keeps working. */
  rotation: Rotation;
}

/** How the emulator's IAM Identity Center instance is set up. */
export interface SsoOptions extends Partial<SsoSettings> {
  /** Start URLs of the instance (default {@linkcode DEFAULT_START_URL}); compared without a trailing `/` or `#…`. */
  readonly startUrls?: readonly string[];
  /** The instance's region, shown on its pages (default `us-east-1`). */
  readonly region?: string;
  /** The user who signs in (the session name of the role ARN; default `demo`). */
  readonly user?: string;
  /** Accounts and roles assigned to the user (default {@linkcode DEFAULT_SSO_ACCOUNTS}). */
  readonly accounts?: readonly SsoAccount[];
}

/** A registered client (RegisterClient). */
export interface SsoClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clientName: string;
  /** `undefined` when registered without scopes (the legacy form). */
  readonly scopes: readonly string[] | undefined;
  /** `undefined` when registered without grant types (any but the authorization code). */
  readonly grantTypes: readonly string[] | undefined;
  readonly redirectUris: readonly string[];
  readonly issuedAt: number;
  expiresAt: number;
}

/** A device authorization (StartDeviceAuthorization) and its polling. */
export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly clientId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  /** The interval the client must keep, in seconds (grows by 5 with every SlowDownException). */
  interval: number;
  polls: number;
  lastPollAt?: number;
  status: "pending" | "approved" | "denied" | "redeemed";
}

/** An `/authorize` request waiting on the consent page. */
export interface SsoPendingAuthorization {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly challenge: string;
  readonly scopes: readonly string[];
  readonly createdAt: number;
}

/** An authorization code and what it was issued for. */
export interface SsoCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  used: boolean;
}

/** An IdC session: one login, continued by its refreshes. */
export interface SsoSession {
  readonly createdAt: number;
  /** Ended early (control API): refreshes fail, issued access tokens run out. */
  ended: boolean;
  /** Logged out or revoked: every token of the session stops working at once. */
  revoked: boolean;
}

/** An access token and what it may do. */
export interface SsoAccessToken {
  readonly sessionId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
}

/** A refresh token. */
export interface SsoRefreshToken {
  readonly sessionId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  used: boolean;
}

/** The instance's state. */
export interface SsoState {
  readonly settings: SsoSettings;
  /** Normalized start URLs (see {@linkcode normalizeStartUrl}). */
  readonly startUrls: readonly string[];
  readonly region: string;
  readonly user: string;
  readonly accounts: readonly SsoAccount[];
  readonly clients: Map<string, SsoClient>;
  /** By device code. */
  readonly devices: Map<string, DeviceAuthorization>;
  /** User code → device code. */
  readonly userCodes: Map<string, string>;
  readonly pending: Map<string, SsoPendingAuthorization>;
  readonly codes: Map<string, SsoCode>;
  readonly sessions: Map<string, SsoSession>;
  readonly accessTokens: Map<string, SsoAccessToken>;
  readonly refreshTokens: Map<string, SsoRefreshToken>;
}

/** The default settings. */
export const DEFAULT_SSO_SETTINGS: Readonly<SsoSettings> = {
  sessionTtl: 28_800,
  accessTokenTtl: 3600,
  legacyTokenTtl: 28_800,
  registrationTtl: 7_776_000,
  roleTtl: 3600,
  deviceCodeTtl: 600,
  deviceInterval: 1,
  pageSize: 20,
  rotation: "strict",
};

/** The largest value of each numeric setting (the session: 90 days, as IdC allows). */
const MAXIMA: Readonly<Record<Exclude<keyof SsoSettings, "rotation">, number>> =
  {
    sessionTtl: 7_776_000,
    accessTokenTtl: 7_776_000,
    legacyTokenTtl: 7_776_000,
    registrationTtl: 31_536_000,
    roleTtl: 43_200,
    deviceCodeTtl: 86_400,
    deviceInterval: 60,
    pageSize: 100,
  };

/**
 * Checks and applies settings (a JSON object from the control API, or
 * options); throws an `Error` naming the first bad one.
 */
export function applySsoSettings(
  settings: SsoSettings,
  changes: Readonly<Record<string, unknown>>,
): void {
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (key === "rotation") {
      if (value !== "none" && value !== "strict") {
        throw new Error('rotation must be "none" or "strict"');
      }
      settings.rotation = value;
    } else if (Object.hasOwn(MAXIMA, key)) {
      const max = MAXIMA[key as keyof typeof MAXIMA];
      if (
        typeof value !== "number" || !Number.isInteger(value) || value < 1 ||
        value > max
      ) {
        throw new Error(`${key} must be a whole number from 1 to ${max}`);
      }
      settings[key as keyof typeof MAXIMA] = value;
    } else {
      throw new Error(
        `unknown setting ${JSON.stringify(key)} (known: ${
          Object.keys(DEFAULT_SSO_SETTINGS).join(", ")
        })`,
      );
    }
  }
}

/**
 * A start URL as the instance compares it: no fragment, no trailing `/`,
 * the host in lower case (`…/start`, `…/start/` and `…/start#/` name the
 * same portal, though clients key their caches on the exact text).
 */
export function normalizeStartUrl(url: string): string {
  try {
    const u = new URL(url);
    u.hash = "";
    return u.toString().replace(/\/+$/, "");
  } catch {
    return url;
  }
}

/** Creates the instance's state from its options. */
export function createSsoState(options: SsoOptions = {}): SsoState {
  const settings: SsoSettings = { ...DEFAULT_SSO_SETTINGS };
  const {
    startUrls,
    region,
    user,
    accounts,
    ...changes
  } = options;
  applySsoSettings(settings, changes);
  return {
    settings,
    startUrls: (startUrls?.length ? startUrls : [DEFAULT_START_URL]).map(
      normalizeStartUrl,
    ),
    region: region ?? "us-east-1",
    user: user ?? "demo",
    accounts: accounts ?? DEFAULT_SSO_ACCOUNTS,
    clients: new Map(),
    devices: new Map(),
    userCodes: new Map(),
    pending: new Map(),
    codes: new Map(),
    sessions: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
  };
}

/** Whether the instance knows a start URL. */
export function knowsStartUrl(sso: SsoState, url: unknown): boolean {
  return typeof url === "string" &&
    sso.startUrls.includes(normalizeStartUrl(url));
}

/** Whether a session can still be refreshed at `now`. */
export function sessionActive(
  sso: SsoState,
  session: SsoSession | undefined,
  now: number,
): session is SsoSession {
  return session !== undefined && !session.ended && !session.revoked &&
    now < session.createdAt + sso.settings.sessionTtl * 1000;
}

/** The access token's record when it is valid at `now` (known, unexpired, its session not revoked). */
export function validAccessToken(
  sso: SsoState,
  token: string | null,
  now: number,
): SsoAccessToken | undefined {
  const record = token ? sso.accessTokens.get(token) : undefined;
  if (!record || now >= record.expiresAt) return undefined;
  const session = sso.sessions.get(record.sessionId);
  return session && !session.revoked ? record : undefined;
}
