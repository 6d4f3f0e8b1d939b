/**
 * Credentials, where they came from, and what a provider is given.
 *
 * @example
 * ```ts
 * const creds: Credentials = {
 *   accessKeyId: "AKIAIOSFODNN7EXAMPLE",
 *   secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
 *   method: "env",
 * };
 * ```
 * @module
 */

import type { ResolvedProfile } from "../config/selection.ts";
import type { SsoLoginConfig } from "../config/sso_config.ts";
import type { Env } from "../util/env.ts";
import type { Sleep } from "../util/sleep.ts";

/** How credentials were found, in the AWS CLI's words (`configure list` prints these). */
export type CredentialMethod =
  | "env"
  | "shared-credentials-file"
  | "login"
  | "custom-process"
  | "config-file"
  | "assume-role"
  | "assume-role-with-web-identity"
  | "container-role"
  | "sso";

/** A set of AWS credentials. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  /** Milliseconds since the epoch, for temporary credentials. */
  readonly expiration?: number | undefined;
  readonly method: CredentialMethod;
  /** The account, when known (login sessions). */
  readonly accountId?: string | undefined;
  /**
   * Set when these are still-valid cached credentials returned because a
   * refresh could not be made (why, in a few words): a long-running server
   * waits before it tries again.
   */
  readonly staleReason?: string | undefined;
}

/**
 * How long `--auto-login` waits for the browser by default, in seconds:
 * `configure export-credentials` (a `credential_process`) less than the
 * minute after which the Go SDK, and so Terraform, stops the process; other
 * commands longer.
 */
export const AUTO_LOGIN_WAIT_S = { export: 50, other: 120 } as const;

/**
 * Signing a login session in again in the browser when it can give no
 * credentials (`--auto-login`): given to providers by commands that opt in.
 */
export interface AutoLogin {
  /** How long to wait for the browser, in milliseconds. */
  readonly timeoutMs: number;
  /** Whether a browser can be opened here (and why not). */
  readonly available:
    | { readonly ok: true }
    | { readonly ok: false; readonly why: string };
  /**
   * Runs the same-device sign-in for the profile's session (the caller
   * holds the entry's lock and writes what this returns): the entry's JSON
   * and its credentials.
   *
   * @throws when the browser picks another session, the sign-in fails or times out.
   */
  signIn(request: {
    readonly profile: ResolvedProfile;
    readonly session: string;
    readonly region: string;
    readonly endpoint: string;
    /** Why, in a few words ("has expired", "was logged out"). */
    readonly reason: string;
    readonly fetch: typeof fetch;
  }): Promise<
    { readonly cacheJson: string; readonly credentials: Credentials }
  >;
  /**
   * Signs an IAM Identity Center session (or a legacy profile's start URL)
   * in again (the caller holds the token file's lock and writes what this
   * returns): the token file's JSON and its access token.
   */
  ssoSignIn?(request: {
    readonly profile: ResolvedProfile;
    readonly config: SsoLoginConfig;
    /** Why, in a few words ("has expired", "has no token"). */
    readonly reason: string;
    readonly fetch: typeof fetch;
  }): Promise<{ readonly tokenJson: string; readonly accessToken: string }>;
  /** Told when a sign-in starts (`true`) and ends (`false`): a server answers meanwhile. */
  readonly onSignIn?: ((active: boolean) => void) | undefined;
}

/** What providers get: the profile, resolved once by the command, and the outside world. */
export interface ProviderContext {
  readonly profile: ResolvedProfile;
  readonly env: Env;
  readonly now: () => number;
  readonly debug: (message: string) => void;
  /** Tells the user something that did not stop the command (stderr). */
  readonly warn: (message: string) => void;
  /** Aborts waits and calls (not given when Ctrl-C should simply end the process). */
  readonly signal?: AbortSignal | undefined;
  /** The network, trusting the CA bundle of the profile the command resolves. */
  readonly fetch: typeof fetch;
  /** The network without any profile's CA bundle, for a profile resolved as its own command would (default `fetch`). */
  readonly baseFetch?: typeof fetch;
  readonly sleep: Sleep;
  /**
   * Asks the person at the terminal (the question goes to stderr); absent
   * when there is no terminal, so nothing ever waits for an answer.
   */
  readonly prompt?: ((question: string) => Promise<string | null>) | undefined;
  /** `--auto-login`: a session that can give no credentials is signed in again in the browser. */
  readonly autoLogin?: AutoLogin | undefined;
  /** Makes an {@linkcode AutoLogin} for aws-signin's own `credential_process` run with `--auto-login`. */
  readonly makeAutoLogin?: ((timeoutMs: number) => AutoLogin) | undefined;
}
