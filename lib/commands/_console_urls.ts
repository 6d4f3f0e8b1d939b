/**
 * The URLs of `aws-signin console`, by partition: the console page to land
 * on (home, a service, a path, or a console URL given whole), and the
 * sign-in URL that spends a sign-in token at the federation endpoint
 * (which one: `_console_target.ts`).
 *
 * @example
 * ```ts
 * import { partitionOf } from "../endpoints/partitions.ts";
 * consoleUrl(partitionOf("eu-west-1"), "eu-west-1", "s3");
 * // "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
 * ```
 * @module
 */

import { UsageError } from "../errors.ts";
import type { Partition } from "../endpoints/partitions.ts";

/** The console's host in a partition (`console.aws.amazon.com`, `console.amazonaws.cn`, ...). */
export function consoleHost(partition: Partition): string {
  return partition.signin.replace(/^signin\./, "console.");
}

/**
 * The console page for `destination` in `region`: the home page by default;
 * a service name (`s3`) its home; a path (`/cloudwatch/home`) under the
 * console; a console URL of the partition as it is (with the region added).
 *
 * @throws {UsageError} for a URL that is not the partition's console.
 */
export function consoleUrl(
  partition: Partition,
  region: string,
  destination: string | undefined,
): string {
  const host = consoleHost(partition);
  // The commercial console has a host per region; the others one host.
  const regional = partition.id === "aws" ? `${region}.${host}` : host;
  let url: URL;
  if (destination === undefined || destination === "") {
    url = new URL(`https://${regional}/console/home`);
  } else if (/^https?:\/\//i.test(destination)) {
    url = new URL(destination);
    if (
      url.protocol !== "https:" ||
      !(url.hostname === host || url.hostname.endsWith(`.${host}`))
    ) {
      throw new UsageError(
        `Invalid value "${destination}" for "--destination": a URL must be an https:// page of the console ` +
          `(${host}).`,
      );
    }
  } else if (destination.startsWith("/")) {
    url = new URL(`https://${regional}${destination}`);
  } else if (/^[a-z0-9-]+$/i.test(destination)) {
    url = new URL(`https://${regional}/${destination.toLowerCase()}/home`);
  } else {
    throw new UsageError(
      `Invalid value "${destination}" for "--destination": give a service (s3), a path (/s3/home) or a ` +
        "console URL.",
    );
  }
  if (!url.searchParams.has("region")) url.searchParams.set("region", region);
  return url.href;
}

/** The URL that signs the browser in with a sign-in token and lands on `destination`. */
export function signinUrl(
  base: string,
  token: string,
  destination: string,
): string {
  const url = new URL(base);
  url.searchParams.set("Action", "login");
  url.searchParams.set("Issuer", "aws-signin");
  url.searchParams.set("Destination", destination);
  url.searchParams.set("SigninToken", token);
  return url.href;
}
