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
import type { Env } from "../util/env.ts";
import type { Sleep } from "../util/sleep.ts";

/** How credentials were found, in the AWS CLI's words (`configure list` prints these). */
export type CredentialMethod =
  | "env"
  | "shared-credentials-file"
  | "login"
  | "custom-process"
  | "config-file"
  | "assume-role";

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
}
