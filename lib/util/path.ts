/**
 * The two path operations this tool needs, for the platform it runs on.
 *
 * @example
 * ```ts
 * joinPath("/home/alice", ".aws", "config"); // "/home/alice/.aws/config" (POSIX)
 * dirName("/home/alice/.aws/config"); // "/home/alice/.aws"
 * ```
 * @module
 */

/** Joins path pieces with the platform's separator. */
export function joinPath(...parts: string[]): string {
  const sep = Deno.build.os === "windows" ? "\\" : "/";
  return parts.join(sep);
}

/** The folder part of a path. */
export function dirName(path: string): string {
  const i = Math.max(
    path.lastIndexOf("/"),
    Deno.build.os === "windows" ? path.lastIndexOf("\\") : -1,
  );
  if (i < 0) return ".";
  if (i === 0) return path.slice(0, 1);
  return path.slice(0, i);
}
