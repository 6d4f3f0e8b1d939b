/**
 * STS on `POST /`: every request's SigV4 signature and session token are
 * verified against the credentials the emulator issued, then the action is
 * answered from a table (`GetCallerIdentity`; more actions plug in there).
 *
 * @example
 * ```ts
 * Object.keys(STS_ACTIONS); // ["GetCallerIdentity", "AssumeRole"]
 * ```
 * @module
 */

import { uuidV4 } from "../util/encoding.ts";
import { escapeMarkup } from "../util/markup.ts";
import {
  canonicalRequest,
  parseAuthorization,
  signature,
} from "../sigv4/sign.ts";
import { stsError, stsResult } from "./responses.ts";
import { assumeRole } from "./assume_role.ts";
import { assumeRoleWithWebIdentity } from "./assume_role_web_identity.ts";
import {
  type AccessKey,
  type EmulatorState,
  type Fault,
  faultDelay,
} from "./state.ts";
import {
  failure,
  type StsAction,
  type StsFailure,
  userIdOf,
} from "./sts_action.ts";

export { userIdOf } from "./sts_action.ts";

const SIGNATURE_WINDOW_MS = 15 * 60_000;

/** Checks the request's SigV4 signature and session token; the caller's key, or why not. */
async function verifySignature(
  state: EmulatorState,
  req: Request,
  url: URL,
  body: string,
): Promise<AccessKey | StsFailure> {
  const header = req.headers.get("authorization");
  if (!header) {
    return failure(
      "MissingAuthenticationToken",
      "Request is missing Authentication Token",
    );
  }
  const auth = parseAuthorization(header);
  if (!auth) {
    return failure(
      "IncompleteSignature",
      "The request signature is not a valid AWS4-HMAC-SHA256 signature.",
    );
  }
  if (auth.service !== "sts") {
    return failure(
      "SignatureDoesNotMatch",
      `Credential should be scoped to correct service: 'sts'.`,
    );
  }
  if (auth.region !== state.region) {
    return failure(
      "SignatureDoesNotMatch",
      `Credential should be scoped to a valid region, not '${auth.region}'.`,
    );
  }
  const key = state.accessKeys.get(auth.accessKeyId);
  if (!key) {
    return failure(
      "InvalidClientTokenId",
      "The security token included in the request is invalid.",
    );
  }
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => (headers[k] = v));
  headers["host"] ??= url.host;
  if (
    !auth.signedHeaders.includes("host") ||
    !auth.signedHeaders.includes("x-amz-date")
  ) {
    return failure(
      "SignatureDoesNotMatch",
      "The host and x-amz-date headers must be signed.",
    );
  }
  if (headers["x-amz-security-token"] !== key.sessionToken) {
    return failure(
      "InvalidClientTokenId",
      "The security token included in the request is invalid.",
    );
  }
  const date = headers["x-amz-date"] ?? "";
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  const signedAt = m
    ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
    : NaN;
  if (!m || date.slice(0, 8) !== auth.day) {
    return failure(
      "SignatureDoesNotMatch",
      "The x-amz-date header does not match the credential scope.",
    );
  }
  if (Math.abs(state.now() - signedAt) > SIGNATURE_WINDOW_MS) {
    const nowStamp = new Date(state.now()).toISOString().replace(
      /[-:]|\.\d{3}/g,
      "",
    );
    return failure(
      "SignatureDoesNotMatch",
      `Signature expired: ${date} is now earlier than ${nowStamp} (15 min. skew).`,
    );
  }
  if (state.now() >= key.expiresAt) {
    return failure(
      "ExpiredToken",
      "The security token included in the request is expired",
    );
  }
  const canonical = await canonicalRequest({
    method: req.method,
    url,
    headers,
    signedHeaders: auth.signedHeaders,
    body,
  });
  const expected = await signature({
    secret: key.secretAccessKey,
    date,
    region: auth.region,
    service: auth.service,
    canonicalRequest: canonical,
  });
  if (expected !== auth.signature) {
    return failure(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return key;
}

/** `GetCallerIdentity`: who the signing credentials belong to. */
const getCallerIdentity: StsAction = (_state, { caller }) => {
  const account = caller.principal.split(":")[4] ?? "";
  return `    <Arn>${escapeMarkup(caller.principal)}</Arn>
    <UserId>${escapeMarkup(userIdOf(caller.principal))}</UserId>
    <Account>${escapeMarkup(account)}</Account>
`;
};

/** The actions the emulator answers. */
export const STS_ACTIONS: Readonly<Record<string, StsAction>> = {
  GetCallerIdentity: getCallerIdentity,
  AssumeRole: (state, call) => assumeRole(state, call),
};

/** Actions answered without a signature (the web identity token is the proof). */
const UNSIGNED_ACTIONS: Readonly<
  Record<
    string,
    (
      state: EmulatorState,
      params: URLSearchParams,
    ) => Promise<string | StsFailure>
  >
> = { AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity };

/** `POST /`: an STS query request. */
export async function sts(
  state: EmulatorState,
  req: Request,
  url: URL,
): Promise<Response> {
  const body = await req.text();
  const params = new URLSearchParams(body);
  const action = params.get("Action");
  const unsigned = action !== null && Object.hasOwn(UNSIGNED_ACTIONS, action);
  const known = unsigned ||
    (action !== null && Object.hasOwn(STS_ACTIONS, action));
  const operation = known ? action : "GetCallerIdentity";
  const finish = (response: Response, error?: string) => {
    state.log({
      method: req.method,
      path: url.pathname,
      operation,
      status: response.status,
      ...(error ? { error } : {}),
    });
    return response;
  };
  const fail = (f: StsFailure) =>
    finish(stsError(f.code, f.message, f.status, uuidV4(state.random)), f.code);
  const fault = state.takeFault(operation as Fault["operation"]);
  await faultDelay(fault);
  if (fault?.error) {
    return fail(
      failure(
        fault.error,
        fault.message ?? `Injected ${fault.error}.`,
        fault.status ?? 400,
      ),
    );
  }
  if (!known || params.get("Version") !== "2011-06-15") {
    return fail(failure(
      "InvalidAction",
      `Could not find operation ${action ?? "(none)"} for version ${
        params.get("Version") ?? "(none)"
      }`,
      400,
    ));
  }
  let result;
  if (unsigned) result = await UNSIGNED_ACTIONS[action]!(state, params);
  else {
    const caller = await verifySignature(state, req, url, body);
    if ("code" in caller) return fail(caller);
    result = await STS_ACTIONS[action]!(state, { caller, params });
  }
  if (typeof result !== "string") return fail(result);
  return finish(stsResult(action, result, uuidV4(state.random)));
}
