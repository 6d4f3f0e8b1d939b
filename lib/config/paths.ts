/**
 * Where the shared config and credentials files are, as the AWS tools find
 * them.
 *
 * @example
 * ```ts
 * sharedFilePaths({ HOME: "/home/alice" }).config; // "/home/alice/.aws/config"
 * ```
 * @module
 */

import { type Env, expandHome, homeDir } from "../util/env.ts";
import { joinPath } from "../util/path.ts";

/** The locations of the two shared files. */
export interface SharedFilePaths {
  /** `AWS_CONFIG_FILE`, default `~/.aws/config`. */
  readonly config: string;
  /** `AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`. */
  readonly credentials: string;
}

/** Resolves the config and credentials file locations from the environment. */
export function sharedFilePaths(env: Env): SharedFilePaths {
  const config = env.AWS_CONFIG_FILE
    ? expandHome(env.AWS_CONFIG_FILE, env, "AWS_CONFIG_FILE")
    : joinPath(homeDir(env), ".aws", "config");
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE
    ? expandHome(
      env.AWS_SHARED_CREDENTIALS_FILE,
      env,
      "AWS_SHARED_CREDENTIALS_FILE",
    )
    : joinPath(homeDir(env), ".aws", "credentials");
  return { config, credentials };
}
