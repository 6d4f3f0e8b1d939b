/**
 * STS `GetCallerIdentity` over the query protocol, signed with our SigV4
 * signer: retries throttling, server errors and network failures, and
 * corrects for a skewed local clock from the server's `Date` header.
 *
 * @example
 * ```ts
 * const id = await getCallerIdentity({ endpoint, region: "us-east-1", credentials });
 * id.Arn;
 * ```
 * @module
 */

import { ServiceError } from "../errors.ts";
import { type SigningCredentials, signRequest } from "../sigv4/sign.ts";
import { EndpointConnectionError } from "../signin/token_client.ts";
import { USER_AGENT } from "../version.ts";

/** The answer. */
export interface CallerIdentity {
  readonly UserId: string;
  readonly Account: string;
  readonly Arn: string;
}

function xmlValue(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!m) return undefined;
  return m[1]!.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e) =>
      ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e as string]!,
  );
}

/** Calls `GetCallerIdentity`. */
export async function getCallerIdentity(init: {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: SigningCredentials;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal | undefined;
  readonly debug?: (message: string) => void;
}): Promise<CallerIdentity> {
  const url = new URL(
    init.endpoint.endsWith("/") ? init.endpoint : `${init.endpoint}/`,
  );
  const body = "Action=GetCallerIdentity&Version=2011-06-15";
  const now = init.now ?? Date.now;
  const doFetch = init.fetch ?? fetch;
  let skewMs = 0;
  let skewAdjusted = false;
  for (let attempt = 1;; attempt++) {
    const headers = await signRequest({
      method: "POST",
      url,
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "user-agent": USER_AGENT,
      },
      body,
      region: init.region,
      service: "sts",
      credentials: init.credentials,
      now: now() + skewMs,
    });
    delete headers["host"];
    const timeout = AbortSignal.timeout(20_000);
    let response: Response;
    try {
      init.debug?.(
        `POST ${url} (GetCallerIdentity, region ${init.region}, attempt ${attempt})`,
      );
      response = await doFetch(url, {
        method: "POST",
        headers,
        body,
        signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      });
    } catch (error) {
      if (attempt < 3 && !init.signal?.aborted) {
        await new Promise((r) => setTimeout(r, 250 * attempt));
        continue;
      }
      const detail = timeout.aborted
        ? "timed out"
        : (error as Error).message.replace(/^error sending request.*?: /, "");
      throw new EndpointConnectionError(url.toString(), detail);
    }
    const xml = await response.text();
    if (response.ok) {
      const identity = {
        UserId: xmlValue(xml, "UserId"),
        Account: xmlValue(xml, "Account"),
        Arn: xmlValue(xml, "Arn"),
      };
      if (
        identity.UserId === undefined || identity.Account === undefined ||
        identity.Arn === undefined
      ) {
        throw new ServiceError({
          code: "InvalidResponse",
          message: "The response is not a GetCallerIdentity result.",
          status: response.status,
          operation: "GetCallerIdentity",
        });
      }
      return identity as CallerIdentity;
    }
    const code = xmlValue(xml, "Code") ?? String(response.status);
    const message = xmlValue(xml, "Message") ?? response.statusText;
    const serverTime = Date.parse(response.headers.get("date") ?? "");
    const skewed = code === "RequestTimeTooSkewed" ||
      /Signature expired/.test(message);
    if (skewed && !skewAdjusted && !Number.isNaN(serverTime)) {
      skewAdjusted = true;
      skewMs = serverTime - now();
      init.debug?.(
        `the server's clock differs from ours by ${
          Math.round(skewMs / 1000)
        } s; signing with its time`,
      );
      continue;
    }
    if ((response.status >= 500 || code === "Throttling") && attempt < 3) {
      await new Promise((r) => setTimeout(r, 250 * attempt));
      continue;
    }
    throw new ServiceError({
      code,
      message,
      status: response.status,
      operation: "GetCallerIdentity",
    });
  }
}
