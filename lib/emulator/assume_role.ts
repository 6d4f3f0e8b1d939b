/**
 * STS `AssumeRole` as the emulator answers it: only roles declared with
 * `--role`, with their conditions (external id, MFA), STS's parameter
 * checks, and credentials that last what was asked (900–43200 s, default
 * 3600, independent of `--access-ttl`), for the principal
 * `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
 *
 * @example
 * ```ts
 * assumedRoleArn("arn:aws:iam::444455556666:role/Admin", "alice");
 * // "arn:aws:sts::444455556666:assumed-role/Admin/alice"
 * ```
 * @module
 */

import { escapeMarkup } from "../util/markup.ts";
import { type EmulatorState, issueCredentials } from "./state.ts";
import {
  type StsAction,
  type StsCall,
  type StsFailure,
  userIdOf,
} from "./sts_action.ts";

/** The assumed-role principal of a role ARN and session name. */
export function assumedRoleArn(roleArn: string, session: string): string {
  const parts = roleArn.split(":");
  const account = parts[4] ?? "";
  const name = (parts.slice(5).join(":").split("/").pop()) ?? "";
  return `arn:${
    parts[1] ?? "aws"
  }:sts::${account}:assumed-role/${name}/${session}`;
}

const denied = (caller: string, role: string): StsFailure => ({
  code: "AccessDenied",
  message:
    `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`,
  status: 403,
});

const invalid = (message: string): StsFailure => ({
  code: "ValidationError",
  message,
  status: 400,
});

/** `AssumeRole`. */
export const assumeRole: StsAction = (
  state: EmulatorState,
  call: StsCall,
): string | StsFailure => {
  const p = call.params;
  const roleArn = p.get("RoleArn") ?? "";
  const session = p.get("RoleSessionName") ?? "";
  if (!/^arn:[\w-]+:iam::\d{12}:role\/.+$/.test(roleArn)) {
    return invalid(
      `1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must ` +
        "have length greater than or equal to 20",
    );
  }
  if (session.length < 2 || session.length > 64) {
    return invalid(
      `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: ` +
        "Member must have length less than or equal to 64 and greater than or equal to 2",
    );
  }
  if (!/^[\w+=,.@-]+$/.test(session)) {
    return invalid(
      `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: ` +
        "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
  }
  const rawDuration = p.get("DurationSeconds");
  const duration = rawDuration === null ? 3600 : Number(rawDuration);
  if (!Number.isInteger(duration) || duration < 900) {
    return invalid(
      `1 validation error detected: Value '${rawDuration}' at 'durationSeconds' failed to satisfy constraint: ` +
        "Member must have value greater than or equal to 900",
    );
  }
  if (duration > 43_200) {
    return invalid(
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  }
  const rules = state.roles.get(roleArn);
  const caller = call.caller.principal;
  if (!rules) return denied(caller, roleArn);
  if (
    rules.externalId !== undefined && p.get("ExternalId") !== rules.externalId
  ) return denied(caller, roleArn);
  if (rules.mfa) {
    if (!p.get("SerialNumber") || p.get("TokenCode") === null) {
      return denied(caller, roleArn);
    }
    if (p.get("TokenCode") !== state.mfaCode) {
      return {
        code: "AccessDenied",
        message:
          "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
        status: 403,
      };
    }
  }
  const principal = assumedRoleArn(roleArn, session);
  const creds = issueCredentials(state, principal, duration * 1000);
  if (caller.includes(":assumed-role/")) {
    // Role chaining: what the federation endpoint later caps at an hour.
    state.accessKeys.set(creds.accessKeyId, {
      ...state.accessKeys.get(creds.accessKeyId)!,
      chained: true,
    });
  }
  const expiration = new Date(state.now() + duration * 1000).toISOString()
    .replace(/\.\d{3}Z$/, "Z");
  return `    <AssumedRoleUser>
      <AssumedRoleId>${escapeMarkup(userIdOf(principal))}</AssumedRoleId>
      <Arn>${escapeMarkup(principal)}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${creds.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${escapeMarkup(creds.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${escapeMarkup(creds.sessionToken)}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
`;
};
