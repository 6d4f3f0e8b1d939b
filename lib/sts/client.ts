/**
 * STS over the query protocol, signed with our SigV4 signer:
 * `GetCallerIdentity` (retries, throttling and clock skew are
 * {@linkcode sendWithRetries}'s).
 *
 * @example
 * ```ts
 * const id = await getCallerIdentity({
 *   endpoint: "http://127.0.0.1:9",
 *   region: "us-east-1",
 *   credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
 * }).catch(() => undefined);
 * id?.Arn;
 * ```
 * @module
 */

import { ServiceError } from "../errors.ts";
import { sendWithRetries } from "../http/retry.ts";
import { type SigningCredentials, signRequest } from "../sigv4/sign.ts";
import { unescapeMarkup } from "../util/markup.ts";
import { safeText } from "../util/safe_text.ts";
import { realSleep, type Sleep } from "../util/sleep.ts";
import { USER_AGENT } from "../version.ts";

/** The answer. */
export interface CallerIdentity {
  readonly UserId: string;
  readonly Account: string;
  readonly Arn: string;
}

/** The text of the first `<tag>` element of an XML document (entities decoded). */
export function xmlValue(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? unescapeMarkup(m[1]!) : undefined;
}

/** How to reach STS. */
export interface StsCall {
  readonly endpoint: string;
  readonly region: string;
  /** The caller's credentials; left out for an unsigned call (`AssumeRoleWithWebIdentity`). */
  readonly credentials?: SigningCredentials;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  readonly sleep?: Sleep;
  readonly signal?: AbortSignal | undefined;
  readonly debug?: (message: string) => void;
}

/**
 * Sends one STS query action (`Action=...&Version=2011-06-15&...`) and
 * returns the answer's XML.
 *
 * @throws {ServiceError} with the AWS CLI's message when STS answers with an error.
 */
export async function stsQuery(
  call: StsCall,
  action: string,
  params: Readonly<Record<string, string>> = {},
): Promise<string> {
  const url = new URL(
    call.endpoint.endsWith("/") ? call.endpoint : `${call.endpoint}/`,
  );
  const body = new URLSearchParams({
    Action: action,
    Version: "2011-06-15",
    ...params,
  }).toString();
  const exchange = await sendWithRetries({
    url,
    label: `${action}, region ${call.region}`,
    request: async (clockMs) => {
      const base = {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "user-agent": USER_AGENT,
      };
      if (!call.credentials) return { method: "POST", headers: base, body };
      const headers = await signRequest({
        method: "POST",
        url,
        headers: base,
        body,
        region: call.region,
        service: "sts",
        credentials: call.credentials,
        now: clockMs,
      });
      delete headers["host"];
      return { method: "POST", headers, body };
    },
    fetch: call.fetch ?? fetch,
    now: call.now ?? Date.now,
    sleep: call.sleep ?? realSleep,
    signal: call.signal,
    clockSkewed: (e) =>
      xmlValue(e.text, "Code") === "RequestTimeTooSkewed" ||
      /Signature expired/.test(xmlValue(e.text, "Message") ?? ""),
    // botocore's standard retries also retry IDPCommunicationError (AssumeRoleWithWebIdentity).
    retryable: (e) =>
      e.response.status >= 500 ||
      ["Throttling", "IDPCommunicationError"].includes(
        xmlValue(e.text, "Code") ?? "",
      ),
    ...(call.debug ? { debug: call.debug } : {}),
  });
  if (exchange.response.ok) return exchange.text;
  // The service's words are outside text: escaped before they can reach a terminal.
  throw new ServiceError({
    code: safeText(
      xmlValue(exchange.text, "Code") ?? String(exchange.response.status),
    ),
    message: safeText(
      xmlValue(exchange.text, "Message") ?? exchange.response.statusText,
    ),
    status: exchange.response.status,
    operation: action,
  });
}

/** Calls `GetCallerIdentity`. */
export async function getCallerIdentity(
  call: StsCall,
): Promise<CallerIdentity> {
  const xml = await stsQuery(call, "GetCallerIdentity");
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
      status: 200,
      operation: "GetCallerIdentity",
    });
  }
  return identity as CallerIdentity;
}

/** What `AssumeRole` returns. */
export interface AssumedRole {
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  /** As STS sent it (ISO 8601). */
  readonly Expiration: string;
  readonly AssumedRoleId: string;
  /** `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` */
  readonly Arn: string;
  /** STS's request id. */
  readonly RequestId: string;
}

/** The parameters of `AssumeRole` this tool sends, with STS's names. */
export interface AssumeRoleParams {
  readonly RoleArn: string;
  readonly RoleSessionName: string;
  readonly ExternalId?: string;
  readonly SerialNumber?: string;
  readonly TokenCode?: string;
  readonly DurationSeconds?: number;
}

/** The fields of an assumed role's answer. */
const ROLE_FIELDS = [
  "AccessKeyId",
  "SecretAccessKey",
  "SessionToken",
  "Expiration",
  "AssumedRoleId",
  "Arn",
] as const;

/** Calls `AssumeRole` with the caller's credentials. */
export async function assumeRole(
  call: StsCall,
  params: AssumeRoleParams,
): Promise<AssumedRole> {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) query[k] = String(v);
  }
  const xml = await stsQuery(call, "AssumeRole", query);
  const fields = ROLE_FIELDS;
  const out: Record<string, string> = {
    RequestId: xmlValue(xml, "RequestId") ?? "",
  };
  for (const f of fields) {
    const value = xmlValue(xml, f);
    if (value === undefined) {
      throw new ServiceError({
        code: "InvalidResponse",
        message: `The response is not an AssumeRole result (no ${f}).`,
        status: 200,
        operation: "AssumeRole",
      });
    }
    out[f] = value;
  }
  return out as unknown as AssumedRole;
}

/** What `AssumeRoleWithWebIdentity` returns. */
export interface AssumedRoleWithWebIdentity extends AssumedRole {
  /** The token's `sub`. */
  readonly SubjectFromWebIdentityToken: string;
  /** The token's issuer. */
  readonly Provider: string;
  /** The token's audience. */
  readonly Audience: string;
}

/** The parameters of `AssumeRoleWithWebIdentity` this tool sends, with STS's names. */
export interface AssumeRoleWithWebIdentityParams {
  readonly RoleArn: string;
  readonly RoleSessionName: string;
  readonly WebIdentityToken: string;
  readonly DurationSeconds?: number;
}

/** Calls `AssumeRoleWithWebIdentity`: unsigned, the token is the proof. */
export async function assumeRoleWithWebIdentity(
  call: Omit<StsCall, "credentials">,
  params: AssumeRoleWithWebIdentityParams,
): Promise<AssumedRoleWithWebIdentity> {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) query[k] = String(v);
  }
  const { credentials: _, ...unsigned } = call as StsCall;
  const xml = await stsQuery(unsigned, "AssumeRoleWithWebIdentity", query);
  const out: Record<string, string> = {
    RequestId: xmlValue(xml, "RequestId") ?? "",
    SubjectFromWebIdentityToken: xmlValue(xml, "SubjectFromWebIdentityToken") ??
      "",
    Provider: xmlValue(xml, "Provider") ?? "",
    Audience: xmlValue(xml, "Audience") ?? "",
  };
  for (const f of ROLE_FIELDS) {
    const value = xmlValue(xml, f);
    if (value === undefined) {
      throw new ServiceError({
        code: "InvalidResponse",
        message:
          `The response is not an AssumeRoleWithWebIdentity result (no ${f}).`,
        status: 200,
        operation: "AssumeRoleWithWebIdentity",
      });
    }
    out[f] = value;
  }
  return out as unknown as AssumedRoleWithWebIdentity;
}
