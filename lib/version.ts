/**
 * The version of this build, from deno.json.
 *
 * @example
 * ```ts
 * `aws-signin/${VERSION}`;
 * ```
 * @module
 */

import denoJson from "../deno.json" with { type: "json" };

/** e.g. `0.1.0` */
export const VERSION: string = denoJson.version;

/** The User-Agent of our requests. */
export const USER_AGENT: string =
  `aws-signin/${VERSION} (${Deno.build.os}; ${Deno.build.arch}) deno/${Deno.version.deno}`;
