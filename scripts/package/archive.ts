/**
 * The archive formats the packages are made of, written byte by byte so that
 * the same inputs always give the same bytes, whatever machine writes them:
 * ustar (npm tarballs, a `.deb`'s members), `ar` (the `.deb` itself), cpio
 * "newc" (an `.rpm`'s payload) and gzip (Web streams; no time, no OS byte).
 * Every entry belongs to root (uid and gid 0) and carries the one time the
 * caller gives.
 *
 * @example
 * ```ts
 * import { gzip, tar } from "./archive.ts";
 * const tgz = await gzip(tar([{ path: "package/a.txt", data: new Uint8Array([104, 105]), mode: 0o644 }], 0));
 * ```
 * @module
 */

import { createHash } from "node:crypto";

/** One file (or folder, when `data` is absent) of an archive. */
export interface Entry {
  /** The path inside the archive, `/`-separated; a folder's ends with `/`. */
  readonly path: string;
  readonly data?: Uint8Array;
  /** Permission bits (0o755, 0o644); the file type comes from `data`. */
  readonly mode: number;
}

const encoder = new TextEncoder();

/** The bytes of a UTF-8 text. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Joins byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Lowercase hex digest of `data` (`sha256`, `sha1`, `md5`, `sha512`). */
export function digestHex(
  algorithm: "sha256" | "sha1" | "md5" | "sha512",
  data: Uint8Array,
): string {
  return createHash(algorithm).update(data).digest("hex");
}

/** gzip with the Web's CompressionStream: no file name, time 0, so the bytes depend on the input alone. */
export async function gzip(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** A fixed-width field: `text` padded with NULs (or cut, which callers avoid). */
function field(text: string, width: number): Uint8Array {
  const out = new Uint8Array(width);
  out.set(utf8(text).subarray(0, width));
  return out;
}

const octal = (n: number, digits: number) =>
  n.toString(8).padStart(digits, "0");

/** One 512-byte ustar header. */
function tarHeader(entry: Entry, size: number, mtime: number): Uint8Array {
  const isDir = entry.data === undefined;
  let name = entry.path;
  let prefix = "";
  if (utf8(name).length > 100) {
    const cut = name.lastIndexOf("/", name.length - 2);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
    if (utf8(name).length > 100 || utf8(prefix).length > 155) {
      throw new Error(`Path too long for a tar header: "${entry.path}"`);
    }
  }
  const header = concat([
    field(name, 100),
    field(`${octal(entry.mode, 7)}`, 8),
    field(`${octal(0, 7)}`, 8), // uid
    field(`${octal(0, 7)}`, 8), // gid
    field(`${octal(size, 11)}`, 12),
    field(`${octal(mtime, 11)}`, 12),
    field("        ", 8), // checksum, computed below
    field(isDir ? "5" : "0", 1),
    field("", 100), // link name
    field("ustar", 6),
    field("00", 2),
    field("root", 32),
    field("root", 32),
    field(`${octal(0, 7)}`, 8), // device major
    field(`${octal(0, 7)}`, 8), // device minor
    field(prefix, 155),
    field("", 12),
  ]);
  const sum = header.reduce((n, b) => n + b, 0);
  header.set(field(`${octal(sum, 6)}\0 `, 8), 148);
  return header;
}

/** A ustar archive (two zero blocks at the end), entries in the order given. */
export function tar(entries: readonly Entry[], mtime: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const size = entry.data?.length ?? 0;
    parts.push(tarHeader(entry, size, mtime));
    if (entry.data) {
      parts.push(entry.data);
      const pad = (512 - (size % 512)) % 512;
      if (pad) parts.push(new Uint8Array(pad));
    }
  }
  parts.push(new Uint8Array(1024));
  return concat(parts);
}

/** Every folder above the files, parents first, as `./a/`, `./a/b/` entries (for `.deb` data). */
export function withFolders(
  files: readonly Entry[],
  root = "./",
): Entry[] {
  const folders = new Set<string>();
  for (const { path } of files) {
    const parts = path.replace(/^\.\//, "").split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      folders.add(`${root}${parts.slice(0, i).join("/")}/`);
    }
  }
  return [
    { path: root, mode: 0o755 },
    ...[...folders].sort().map((path) => ({ path, mode: 0o755 })),
    ...files,
  ];
}

/** An `ar` archive (what a `.deb` is): members in order, each padded to an even length. */
export function ar(
  members: readonly { name: string; data: Uint8Array }[],
  mtime: number,
): Uint8Array {
  const parts: Uint8Array[] = [utf8("!<arch>\n")];
  for (const { name, data } of members) {
    const header = [
      name.padEnd(16),
      String(mtime).padEnd(12),
      "0".padEnd(6),
      "0".padEnd(6),
      "100644".padEnd(8),
      String(data.length).padEnd(10),
      "`\n",
    ].join("");
    parts.push(utf8(header), data);
    if (data.length % 2) parts.push(utf8("\n"));
  }
  return concat(parts);
}

/** A cpio "newc" archive (an `.rpm` payload): files only, with the trailer. */
export function cpio(entries: readonly Entry[], mtime: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  const pad4 = (n: number) => new Uint8Array((4 - (n % 4)) % 4);
  const write = (
    path: string,
    mode: number,
    data: Uint8Array,
    ino: number,
    links: number,
  ) => {
    const name = utf8(`${path}\0`);
    const header = utf8(
      "070701" + hex(ino) + hex(mode) + hex(0) + hex(0) + hex(links) +
        hex(mtime) + hex(data.length) + hex(0) + hex(0) + hex(0) + hex(0) +
        hex(name.length) + hex(0),
    );
    parts.push(header, name, pad4(header.length + name.length), data);
    parts.push(pad4(data.length));
  };
  entries.forEach((entry, i) => {
    const data = entry.data ?? new Uint8Array();
    const type = entry.data === undefined ? 0o040000 : 0o100000;
    write(entry.path, type | entry.mode, data, i + 1, entry.data ? 1 : 2);
  });
  write("TRAILER!!!", 0, new Uint8Array(), 0, 1);
  return concat(parts);
}
