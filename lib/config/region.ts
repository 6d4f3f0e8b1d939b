/**
 * Which region a command uses, and why (for `--debug` and `status`). The one
 * place the precedence is written down.
 *
 * - A command (login, sts, configure list): `--region` > `AWS_REGION` >
 *   `AWS_DEFAULT_REGION` > the profile's `region`, as the AWS CLI.
 * - A refresh of a login session: the region that issued the session (the
 *   cache entry's `signInRegion`) > the profile's `region` > `AWS_REGION` >
 *   `AWS_DEFAULT_REGION`, as the AWS JS SDK: the session lives where it was
 *   issued, whatever region the current shell points at.
 *
 * @example
 * ```ts
 * resolveRegion({ env: { AWS_REGION: "eu-west-1" }, profile: { region: "us-east-1" } });
 * // { region: "eu-west-1", source: "AWS_REGION" }
 * ```
 * @module
 */

import type { Env } from "../util/env.ts";
import { type ProfileValues, stringSetting } from "./selection.ts";

/** Where a region came from. */
export type RegionSource =
  | "--region"
  | "AWS_REGION"
  | "AWS_DEFAULT_REGION"
  | "profile"
  | "login session";

/** A region and where it came from. */
export interface ResolvedRegion {
  readonly region: string;
  readonly source: RegionSource;
}

/** Where a region came from, in words for messages ("refreshes go to eu-west-1 (the profile's region)"). */
export const REGION_SOURCE_WORDS: Readonly<Record<RegionSource, string>> = {
  "--region": "--region",
  "AWS_REGION": "AWS_REGION",
  "AWS_DEFAULT_REGION": "AWS_DEFAULT_REGION",
  "profile": "the profile's region",
  "login session": "the region that issued the session",
};

/** The region in effect, or `undefined` when none is configured. */
export function resolveRegion(init: {
  readonly env: Env;
  readonly profile: ProfileValues;
  /** `--region`. */
  readonly flag?: string | undefined;
  /** For a refresh: the region that issued the session, if the cache entry says (the refresh order applies). */
  readonly refresh?: { readonly sessionRegion: string | undefined };
}): ResolvedRegion | undefined {
  const { env } = init;
  const candidates: [string | undefined, RegionSource][] = init.refresh
    ? [
      [init.refresh.sessionRegion, "login session"],
      [stringSetting(init.profile, "region"), "profile"],
      [env.AWS_REGION, "AWS_REGION"],
      [env.AWS_DEFAULT_REGION, "AWS_DEFAULT_REGION"],
    ]
    : [
      [init.flag, "--region"],
      [env.AWS_REGION, "AWS_REGION"],
      [env.AWS_DEFAULT_REGION, "AWS_DEFAULT_REGION"],
      [stringSetting(init.profile, "region"), "profile"],
    ];
  for (const [region, source] of candidates) {
    if (region) return { region, source };
  }
  return undefined;
}
