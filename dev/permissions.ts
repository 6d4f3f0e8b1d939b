/**
 * The permissions aws-signin needs, in one place: baked into the compiled
 * binary by `deno task compile`, and given to `deno run` by the tests and the
 * benchmark, so they exercise the same set (never `-A`).
 *
 * - net: the Sign-In and STS endpoints, the loopback callback server, the emulator
 * - read/write: ~/.aws/config, ~/.aws/credentials, the login cache and its locks
 * - env: AWS_* settings, HOME, BROWSER, proxies
 * - run: the browser opener and credential_process commands
 * - sys: the user id (to tell cache entries of another user from ours), and the TLS set-up of
 *   `--no-verify-ssl` calls (node:https asks for it)
 *
 * @module
 */

/** `deno` flags granting exactly what aws-signin uses. */
export const PERMISSIONS: readonly string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run",
  "--allow-sys",
];
