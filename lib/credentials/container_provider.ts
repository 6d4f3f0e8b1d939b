/**
 * The container credentials endpoint (ECS task roles, EKS Pod Identity,
 * `aws-signin serve` and `exec --server`), as botocore's `ContainerProvider`
 * and `ContainerMetadataFetcher` read it:
 *
 * - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on `http://169.254.170.2`)
 *   or else `AWS_CONTAINER_CREDENTIALS_FULL_URI`;
 * - only `https://`, a loopback address, or one of botocore's hosts
 *   (the ECS and EKS link-local addresses, `localhost`), checked on the URL
 *   before any connection is made, refused in botocore's words;
 * - `Authorization` from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at
 *   each call) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`;
 * - three attempts of two seconds, a second apart; the keys and the expiry
 *   it serves.
 *
 * @example
 * ```ts
 * containerUrl({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/abc" });
 * // "http://169.254.170.2/v2/credentials/abc"
 * checkContainerUrl("http://169.254.169.254/latest"); // throws: Unsupported host '169.254.169.254'. ...
 * ```
 * @module
 */

import { ConfigurationError } from "../errors.ts";
import type { Env } from "../util/env.ts";
import { safeText } from "../util/safe_text.ts";
import { parseTime } from "../util/time.ts";
import type { Credentials, ProviderContext } from "./types.ts";

/** The ECS endpoint's address (what a relative URI is relative to). */
export const ECS_HOST = "169.254.170.2";

/** The hosts botocore allows besides loopback addresses (and any `https://` URL). */
export const ALLOWED_HOSTS: readonly string[] = [
  ECS_HOST,
  "169.254.170.23",
  "fd00:ec2::23",
  "localhost",
];

/** botocore's attempts, per-attempt timeout and pause between attempts. */
export const CONTAINER_RETRIES = {
  attempts: 3,
  timeoutMs: 2000,
  pauseMs: 1000,
} as const;

/** Whether the environment names a container endpoint (then botocore asks it, and nothing after it). */
export function containerConfigured(env: Env): boolean {
  return env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI !== undefined ||
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI !== undefined;
}

/** The endpoint's URL: a relative URI on the ECS address wins over a full URI. */
export function containerUrl(env: Env): string {
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  return relative !== undefined
    ? `http://${ECS_HOST}${relative}`
    : env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? "";
}

/** Scheme and host as Python's `urlparse` reads them (no normalization: `127.1` is not `127.0.0.1`). */
function schemeAndHost(url: string): { scheme: string; host: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(url);
  if (!m) return { scheme: "", host: "" };
  const authority = m[2]!.slice(m[2]!.lastIndexOf("@") + 1);
  const host = authority.startsWith("[")
    ? authority.slice(
      1,
      authority.indexOf("]") < 0 ? undefined : authority.indexOf("]"),
    )
    : authority.split(":")[0]!;
  return { scheme: m[1]!.toLowerCase(), host: host.toLowerCase() };
}

function isLoopbackAddress(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    return parts.every((p, i) => p <= 255 && String(p) === v4[i + 1]) &&
      parts[0] === 127;
  }
  if (!host.includes(":")) return false;
  try {
    return new URL(`http://[${host}]/`).hostname === "[::1]";
  } catch {
    return false;
  }
}

/**
 * Refuses an endpoint botocore refuses, before anything connects to it.
 *
 * @throws {ConfigurationError} in botocore's words for a host it does not allow.
 */
export function checkContainerUrl(url: string): void {
  const { scheme, host } = schemeAndHost(url);
  if (scheme === "https") return;
  if (scheme !== "http" && scheme !== "") {
    throw new ConfigurationError(
      `The container credentials endpoint "${
        safeText(url)
      }" is not an http:// or https:// URL: fix AWS_CONTAINER_CREDENTIALS_FULL_URI.`,
    );
  }
  if (isLoopbackAddress(host) || ALLOWED_HOSTS.includes(host)) return;
  const error = new ConfigurationError(
    `Unsupported host '${
      safeText(host || "None")
    }'.  Can only retrieve metadata from a loopback address or one of these hosts: ${
      ALLOWED_HOSTS.join(", ")
    }`,
  );
  error.hint =
    "Point AWS_CONTAINER_CREDENTIALS_FULL_URI at one of those hosts, or at an https:// URL.";
  throw error;
}

/** The `Authorization` header's value, read now (the token file at each call). */
function authorization(env: Env): string | undefined {
  const file = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  let token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  let from = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
  if (file !== undefined) {
    from = `the file "${file}" (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)`;
    try {
      token = Deno.readTextFileSync(file);
    } catch (error) {
      throw new ConfigurationError(
        `Cannot read the container authorization token from ${from}: ${
          error instanceof Deno.errors.NotFound
            ? "No such file or directory"
            : (error as Error).message
        }. Fix AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE.`,
      );
    }
  }
  if (token !== undefined && /[\r\n]/.test(token)) {
    throw new ConfigurationError(
      `Auth token value is not a legal header value: the token in ${from} holds a line break. ` +
        "Write it without one.",
    );
  }
  return token;
}

/** A failure botocore retries (a non-200 answer, an answer that is not JSON, a failed connection). */
class MetadataError extends Error {}

async function getOnce(
  url: string,
  headers: Record<string, string>,
  ctx: ProviderContext,
): Promise<unknown> {
  const timeout = AbortSignal.timeout(CONTAINER_RETRIES.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await ctx.fetch(url, {
      headers,
      // A redirect would lead past the allowed hosts: it is a non-200 answer, as for botocore.
      redirect: "manual",
      signal: ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout,
    });
    text = await response.text();
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    throw new MetadataError(
      `Received error when attempting to retrieve container metadata: ${
        timeout.aborted
          ? `no answer within ${CONTAINER_RETRIES.timeoutMs / 1000} seconds`
          : (error as Error).message
      }`,
    );
  }
  if (response.status !== 200) {
    throw new MetadataError(
      `Received non 200 response ${response.status} from container metadata: ${
        safeText(text.slice(0, 500))
      }`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new MetadataError(
      "Unable to parse JSON returned from container metadata services",
    );
  }
}

/**
 * The endpoint's credentials, asked now (for the chain's last link, and for
 * a role's `credential_source = EcsContainer`).
 *
 * @throws {ConfigurationError} when the URL is refused, or the endpoint gives no credentials after its attempts.
 */
export async function containerCredentials(
  ctx: ProviderContext,
): Promise<Credentials> {
  const url = containerUrl(ctx.env);
  checkContainerUrl(url);
  const token = authorization(ctx.env);
  const headers: Record<string, string> = {
    accept: "application/json",
    ...(token !== undefined ? { authorization: token } : {}),
  };
  ctx.debug(
    `container credentials from ${url}${
      token !== undefined ? " (with an authorization token)" : ""
    }`,
  );
  let answer: unknown;
  for (let attempt = 1;; attempt++) {
    try {
      answer = await getOnce(url, headers, ctx);
      break;
    } catch (error) {
      if (!(error instanceof MetadataError)) throw error;
      ctx.debug(`container endpoint, attempt ${attempt}: ${error.message}`);
      if (attempt >= CONTAINER_RETRIES.attempts) {
        const failed = new ConfigurationError(
          `Error when retrieving credentials from container-role: Error retrieving metadata: ${error.message}`,
        );
        failed.hint =
          "Check that the endpoint in AWS_CONTAINER_CREDENTIALS_FULL_URI (or the ECS agent) is running, and " +
          "that AWS_CONTAINER_AUTHORIZATION_TOKEN is its token.";
        throw failed;
      }
      await ctx.sleep(CONTAINER_RETRIES.pauseMs, ctx.signal);
    }
  }
  return credentialsOf(answer, url);
}

function credentialsOf(answer: unknown, url: string): Credentials {
  const a = (answer ?? {}) as Record<string, unknown>;
  for (const key of ["AccessKeyId", "SecretAccessKey", "Token", "Expiration"]) {
    if (typeof a[key] !== "string" || a[key] === "") {
      throw new ConfigurationError(
        `The container credentials endpoint ${
          safeText(url)
        } answered without ${key}: it is not a credentials endpoint.`,
      );
    }
  }
  const expiration = parseTime(a.Expiration as string);
  if (Number.isNaN(expiration)) {
    throw new ConfigurationError(
      `The container credentials endpoint ${
        safeText(url)
      } answered with an Expiration that is not a time: "${
        safeText(String(a.Expiration))
      }".`,
    );
  }
  return {
    accessKeyId: a.AccessKeyId as string,
    secretAccessKey: a.SecretAccessKey as string,
    sessionToken: a.Token as string,
    expiration,
    ...(typeof a.AccountId === "string" && a.AccountId
      ? { accountId: a.AccountId }
      : {}),
    method: "container-role",
  };
}
