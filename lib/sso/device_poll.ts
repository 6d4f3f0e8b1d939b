/**
 * The device flow's wait for approval (protocol-sso.md §2.5, botocore's
 * `SSOTokenFetcher`): `CreateToken` with the device code until the user
 * approves, with the AWS CLI's rules — `SlowDownException` adds 5 s to the
 * interval for good, `AuthorizationPendingException` waits,
 * `ExpiredTokenException` ends the login with the AWS CLI's text (255), any
 * other refusal stays a service error (254).
 *
 * @example
 * ```ts
 * await pollDeviceToken({ endpoint: "http://127.0.0.1:9" }, {
 *   clientId: "cid-1", clientSecret: "csecret-1", deviceCode: "dc-1", interval: 1,
 * }, { onPending: () => {} }).catch(() => undefined);
 * ```
 * @module
 */

import { InterruptedError } from "../errors.ts";
import { realSleep } from "../util/sleep.ts";
import type { SsoClientOptions } from "./_wire.ts";
import {
  isSsoServiceError,
  PendingAuthorizationExpiredError,
} from "./errors.ts";
import {
  createToken,
  DEVICE_GRANT_TYPE,
  type SsoTokenResponse,
} from "./oidc_client.ts";

/** botocore's `_SLOW_DOWN_DELAY`: what `SlowDownException` adds to the interval, for good. */
export const SLOW_DOWN_SECONDS = 5;
/** botocore's `_DEFAULT_INTERVAL`, when the service sends none. */
export const DEFAULT_INTERVAL_SECONDS = 5;

/** One polling attempt's outcome: a token, or the interval to wait before the next. */
export type DeviceTokenAttempt =
  | { readonly token: SsoTokenResponse }
  | { readonly intervalSeconds: number };

/**
 * One `CreateToken` attempt of the device flow (botocore's
 * `_create_token_attempt`): a token; or, while the user has not approved,
 * the interval to wait (5 s more after `SlowDownException`).
 *
 * @example
 * ```ts
 * const step = await deviceTokenAttempt({ endpoint: "http://127.0.0.1:9" },
 *   { clientId: "cid-1", clientSecret: "csecret-1", deviceCode: "dc-1" }, 1).catch(() => undefined);
 * ```
 * @throws {PendingAuthorizationExpiredError} for `ExpiredTokenException`.
 * @throws {ServiceError} for any other refusal (exit 254).
 */
export async function deviceTokenAttempt(
  options: SsoClientOptions,
  device: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly deviceCode: string;
  },
  intervalSeconds: number,
): Promise<DeviceTokenAttempt> {
  try {
    return {
      token: await createToken(options, {
        grantType: DEVICE_GRANT_TYPE,
        ...device,
      }),
    };
  } catch (error) {
    if (isSsoServiceError(error, "SlowDownException")) {
      return { intervalSeconds: intervalSeconds + SLOW_DOWN_SECONDS };
    }
    if (isSsoServiceError(error, "AuthorizationPendingException")) {
      return { intervalSeconds };
    }
    if (isSsoServiceError(error, "ExpiredTokenException")) {
      throw new PendingAuthorizationExpiredError({ cause: error });
    }
    throw error;
  }
}

/**
 * The device flow's wait for approval (botocore's `_poll_for_token`): one
 * attempt before anything is shown (a pre-approved device succeeds
 * silently), then `onPending` (print the code, open the browser), then
 * attempts separated by the interval, until a token, the service's
 * `ExpiredTokenException`, another refusal, or the signal. Unlike the AWS
 * CLI, a `deadline` (milliseconds since the epoch) can end it too.
 *
 * @example
 * ```ts
 * await pollDeviceToken({ endpoint: "http://127.0.0.1:9" }, {
 *   clientId: "cid-1", clientSecret: "csecret-1", deviceCode: "dc-1", interval: 1,
 * }, { onPending: () => {} }).catch(() => undefined);
 * ```
 * @throws {PendingAuthorizationExpiredError} when the code expired (or the deadline passed).
 * @throws {ServiceError} for any other refusal (exit 254).
 */
export async function pollDeviceToken(
  options: SsoClientOptions,
  device: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly deviceCode: string;
    /** `StartDeviceAuthorization`'s `interval` (seconds), when it sent one. */
    readonly interval?: number | undefined;
  },
  hooks: {
    readonly onPending: () => void | Promise<void>;
    /** Give up (as the service would with `ExpiredTokenException`) after this time. */
    readonly deadline?: number;
  },
): Promise<SsoTokenResponse> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const { interval: first, ...credentials } = device;
  let interval = first ?? DEFAULT_INTERVAL_SECONDS;
  let step = await deviceTokenAttempt(options, credentials, interval);
  if ("token" in step) return step.token;
  interval = step.intervalSeconds;
  await hooks.onPending();
  for (;;) {
    step = await deviceTokenAttempt(options, credentials, interval);
    if ("token" in step) return step.token;
    interval = step.intervalSeconds;
    if (
      hooks.deadline !== undefined && now() + interval * 1000 > hooks.deadline
    ) {
      throw new PendingAuthorizationExpiredError();
    }
    await sleep(interval * 1000, options.signal);
    if (options.signal?.aborted) throw new InterruptedError();
  }
}
