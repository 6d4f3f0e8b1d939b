/**
 * What STS actions share in the emulator: the verified call they get, the
 * failure they may return, and the stable ids of principals.
 *
 * @example
 * ```ts
 * userIdOf("arn:aws:iam::111122223333:user/demo"); // "AIDA" and 17 stable characters
 * ```
 * @module
 */

import { utf8 } from "../util/encoding.ts";
import type { AccessKey, EmulatorState } from "./state.ts";

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A stable, AWS-looking unique id for a principal (`AIDA…` for users, `AROA…:session` for roles). */
export function userIdOf(principal: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let seed = fnv1a(idSeed(principal));
  let id = "";
  for (let i = 0; i < 17; i++) {
    seed = Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) >>> 0;
    id += alphabet[seed % 32];
  }
  const resource = principal.split(":").slice(5).join(":");
  if (resource.startsWith("assumed-role/")) {
    return `AROA${id}:${resource.split("/").slice(2).join("/")}`;
  }
  return `AIDA${id}`;
}

/** The id part of `userIdOf`: for an assumed role, the role's (the same for all its sessions). */
function idSeed(principal: string): string {
  const parts = principal.split(":");
  const resource = parts.slice(5).join(":");
  if (!resource.startsWith("assumed-role/")) return principal;
  return `${parts.slice(0, 2).join(":")}:iam::${parts[4]}:role/${
    resource.split("/")[1]
  }`;
}

/** An STS error: code, message and HTTP status. */
export interface StsFailure {
  readonly code: string;
  readonly message: string;
  readonly status: number;
}

/** A verified request: the caller's credentials and the action's parameters. */
export interface StsCall {
  readonly caller: AccessKey;
  readonly params: URLSearchParams;
}

/** One STS action: the result XML (inside `<{Action}Result>`), or a failure. */
export type StsAction = (
  state: EmulatorState,
  call: StsCall,
) => Promise<string | StsFailure> | string | StsFailure;

/** An STS failure. */
export const failure = (
  code: string,
  message: string,
  status = 403,
): StsFailure => ({
  code,
  message,
  status,
});
