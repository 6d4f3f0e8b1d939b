/**
 * Which local user a loopback TCP peer runs as, on Linux: the kernel's
 * socket tables (`/proc/net/tcp`, `/proc/net/tcp6`) list every socket with
 * its owner's uid, so the socket that connected from `peerPort` to our
 * `localPort` names the user whose program opened the connection (what
 * identd did). Used to refuse a one-time sign-in link to another user of a
 * shared machine who read it from a process list. Elsewhere (macOS,
 * Windows, another network namespace, no `cat`) nothing is known.
 *
 * @example
 * ```ts
 * const uids = peerUids(8080, 51234); // e.g. [1000], or [] when unknown
 * const stranger = fromAnotherUser(8080, 51234); // true only when known
 * ```
 * @module
 */

import { processUid } from "./read.ts";

/** The port of an address column (`0100007F:1F90` or a 32-hex-digit IPv6 one): the last 4 hex digits. */
function portOf(column: string): number {
  return parseInt(column.slice(column.lastIndexOf(":") + 1), 16);
}

/** Parses one socket table: the uids of the sockets from `peerPort` to `localPort`. */
export function uidsInTable(
  table: string,
  localPort: number,
  peerPort: number,
): number[] {
  const uids: number[] = [];
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
    if (fields.length < 8) continue;
    if (
      portOf(fields[1]!) === peerPort && portOf(fields[2]!) === localPort
    ) {
      const uid = Number(fields[7]);
      if (Number.isInteger(uid)) uids.push(uid);
    }
  }
  return uids;
}

/**
 * The uids owning the sockets that connect from `peerPort` to our
 * `localPort` on this machine; empty when that cannot be known.
 */
export function peerUids(localPort: number, peerPort: number): number[] {
  if (Deno.build.os !== "linux") return [];
  const tables = readSocketTables();
  return tables === undefined ? [] : uidsInTable(tables, localPort, peerPort);
}

/**
 * The kernel's TCP socket tables. Deno lets only a program with every
 * permission read `/proc/net` (the compiled binary has a list, not all), so
 * they are read by `cat`, which the run permission allows; `undefined` when
 * there is none (a minimal container: then nothing is known).
 */
function readSocketTables(): string | undefined {
  for (
    const cat of ["/usr/bin/cat", "/bin/cat", "/run/current-system/sw/bin/cat"]
  ) {
    try {
      const out = new Deno.Command(cat, {
        args: ["/proc/net/tcp", "/proc/net/tcp6"],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
        clearEnv: true,
      }).outputSync();
      // Without IPv6, tcp6 is missing and cat fails, having printed tcp.
      return new TextDecoder().decode(out.stdout);
    } catch {
      // Not there: try the next place.
    }
  }
  return undefined;
}

/**
 * Whether the peer from `peerPort` to our `localPort` is known to run as
 * another user than this process. Root is not a stranger: it can read our
 * memory anyway, and on WSL 2 the relay that brings the Windows browser's
 * connections to 127.0.0.1 runs as root.
 */
export function fromAnotherUser(localPort: number, peerPort: number): boolean {
  const mine = processUid();
  return mine !== null &&
    peerUids(localPort, peerPort).some((uid) => uid !== mine && uid !== 0);
}
