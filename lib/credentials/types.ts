/**
 * Credentials and where they came from.
 *
 * @example
 * ```ts
 * const creds: Credentials = { accessKeyId, secretAccessKey, method: "env" };
 * ```
 * @module
 */

import type { SharedConfig } from "../config/profiles.ts";
import type { Env } from "../config/files.ts";

/** How credentials were found, in the AWS CLI's words (`configure list` prints these). */
export type CredentialMethod =
  | "env"
  | "shared-credentials-file"
  | "login"
  | "custom-process"
  | "config-file";

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
}

/** What providers get. */
export interface ProviderContext {
  readonly profile: string;
  /** Whether the profile was named with `--profile` (which, as in botocore, skips environment credentials). */
  readonly profileFromFlag: boolean;
  readonly shared: SharedConfig;
  readonly env: Env;
  readonly now: () => number;
  readonly debug: (message: string) => void;
  readonly signal?: AbortSignal | undefined;
  /** For tests (the conformance suite answers token calls itself). */
  readonly fetch?: typeof fetch | undefined;
}
