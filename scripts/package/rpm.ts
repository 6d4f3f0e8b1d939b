/**
 * The `.rpm` of one Linux binary, written as RPM's v3 file format lays it
 * out (lead, signature header, header, gzip'd cpio payload) so that nothing
 * strips the binary on the way (rpmbuild does by default): `/usr/bin/aws-signin`
 * exactly as released, the bash, zsh and fish completions where Fedora's and
 * openSUSE's shells look for them, the licence as a `%license` file, and
 * `Requires: glibc >= 2.27`.
 *
 * @example
 * ```ts
 * import { rpmPackage } from "./rpm.ts";
 * const rpm = await rpmPackage({
 *   version: "1.2.3", repo: "owner/aws-signin", arch: "x86_64", binary: new Uint8Array(),
 *   completions: { bash: "", zsh: "", fish: "" }, license: "", mtime: 0,
 * });
 * ```
 * @module
 */

import { concat, cpio, digestHex, type Entry, gzip, utf8 } from "./archive.ts";
import type { LinuxPackageInput } from "./deb.ts";
import {
  COMMAND,
  DESCRIPTION,
  homepage,
  LICENSE_ID,
  MIN_GLIBC,
  SUMMARY,
} from "./product.ts";

/** Where each file goes in the `.rpm`. */
export const RPM_PATHS = {
  binary: `/usr/bin/${COMMAND}`,
  bash: `/usr/share/bash-completion/completions/${COMMAND}`,
  zsh: `/usr/share/zsh/site-functions/_${COMMAND}`,
  fish: `/usr/share/fish/vendor_completions.d/${COMMAND}.fish`,
  licenseDir: `/usr/share/licenses/${COMMAND}`,
  license: `/usr/share/licenses/${COMMAND}/LICENSE`,
} as const;

// Value types of header entries (rpm's rpmTagType).
const INT16 = 3, INT32 = 4, STRING = 6, BIN = 7, STRING_ARRAY = 8, I18N = 9;
const REGION_IMMUTABLE = 63, REGION_SIGNATURES = 62;
const FILE_LICENSE = 128;
const SENSE_LESS = 2,
  SENSE_GREATER = 4,
  SENSE_EQUAL = 8,
  SENSE_RPMLIB = 1 << 24;
const SHA256_ALGO = 8;

type Value =
  | { type: typeof INT16; values: readonly number[] }
  | { type: typeof INT32; values: readonly number[] }
  | { type: typeof STRING | typeof I18N; value: string }
  | { type: typeof STRING_ARRAY; values: readonly string[] }
  | { type: typeof BIN; bytes: Uint8Array };

/** One header structure (index + data store) with its immutable region. */
function header(region: number, tags: Map<number, Value>): Uint8Array {
  const sorted = [...tags].sort(([a], [b]) => a - b);
  const count = sorted.length + 1;
  const index: Uint8Array[] = [];
  const data: Uint8Array[] = [];
  let size = 0;
  const entry = (tag: number, type: number, offset: number, n: number) => {
    const e = new DataView(new ArrayBuffer(16));
    e.setUint32(0, tag);
    e.setUint32(4, type);
    e.setInt32(8, offset);
    e.setUint32(12, n);
    return new Uint8Array(e.buffer);
  };
  const push = (bytes: Uint8Array, align: number) => {
    const pad = (align - (size % align)) % align;
    if (pad) data.push(new Uint8Array(pad));
    size += pad;
    const at = size;
    data.push(bytes);
    size += bytes.length;
    return at;
  };
  for (const [tag, v] of sorted) {
    let bytes: Uint8Array;
    let n: number;
    let align = 1;
    if (v.type === INT16 || v.type === INT32) {
      const width = v.type === INT16 ? 2 : 4;
      const view = new DataView(new ArrayBuffer(width * v.values.length));
      v.values.forEach((x, i) =>
        width === 2 ? view.setUint16(i * 2, x) : view.setUint32(i * 4, x >>> 0)
      );
      bytes = new Uint8Array(view.buffer);
      n = v.values.length;
      align = width;
    } else if (v.type === STRING || v.type === I18N) {
      bytes = utf8(`${v.value}\0`);
      n = 1;
    } else if (v.type === STRING_ARRAY) {
      bytes = utf8(v.values.map((s) => `${s}\0`).join(""));
      n = v.values.length;
    } else if ("bytes" in v) {
      bytes = v.bytes;
      n = v.bytes.length;
    } else throw new Error(`Unknown header value type ${v.type}`);
    index.push(entry(tag, v.type, push(bytes, align), n));
  }
  // The region's trailer closes the data store; its negative offset spans the whole index.
  const trailer = push(entry(region, BIN, -(count * 16), 16), 1);
  const head = new DataView(new ArrayBuffer(16));
  head.setUint32(0, 0x8eade801);
  head.setUint32(8, count);
  head.setUint32(12, size);
  return concat([
    new Uint8Array(head.buffer),
    entry(region, BIN, trailer, 16),
    ...index,
    ...data,
  ]);
}

/** The lead: 96 bytes that only `file(1)` still reads. */
function lead(name: string, arch: "x86_64" | "aarch64"): Uint8Array {
  const view = new DataView(new ArrayBuffer(96));
  view.setUint32(0, 0xedabeedb);
  view.setUint8(4, 3);
  view.setUint16(8, arch === "x86_64" ? 1 : 19);
  const bytes = new Uint8Array(view.buffer);
  bytes.set(utf8(name).subarray(0, 65), 10);
  view.setUint16(76, 1); // Linux
  view.setUint16(78, 5); // a header-style signature
  return bytes;
}

/** The files, sorted by path as rpm looks them up, with what each needs in the header. */
export function rpmFiles(
  input: LinuxPackageInput,
): (Entry & { flags: number })[] {
  const c = input.completions;
  const files: (Entry & { flags: number })[] = [
    { path: RPM_PATHS.binary, data: input.binary, mode: 0o755, flags: 0 },
    { path: RPM_PATHS.bash, data: utf8(c.bash), mode: 0o644, flags: 0 },
    { path: RPM_PATHS.zsh, data: utf8(c.zsh), mode: 0o644, flags: 0 },
    { path: RPM_PATHS.fish, data: utf8(c.fish), mode: 0o644, flags: 0 },
    { path: RPM_PATHS.licenseDir, mode: 0o755, flags: 0 },
    {
      path: RPM_PATHS.license,
      data: utf8(input.license),
      mode: 0o644,
      flags: FILE_LICENSE,
    },
  ];
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The `.rpm` file's name, as rpmbuild names it. */
export function rpmName(version: string, arch: "x86_64" | "aarch64"): string {
  return `${COMMAND}-${version}-1.${arch}.rpm`;
}

/** The `.rpm`. */
export async function rpmPackage(
  input: LinuxPackageInput & { arch: "x86_64" | "aarch64" },
): Promise<Uint8Array> {
  const files = rpmFiles(input);
  const archive = cpio(
    files.map((f) => ({ ...f, path: `.${f.path}` })),
    input.mtime,
  );
  const payload = await gzip(archive);
  const dirs: string[] = [];
  const dirIndex = files.map(({ path }) => {
    const dir = path.slice(0, path.lastIndexOf("/") + 1);
    if (!dirs.includes(dir)) dirs.push(dir);
    return dirs.indexOf(dir);
  });
  const evr = `${input.version}-1`;
  const isaName = input.arch === "x86_64" ? "x86-64" : "aarch-64";
  const n = files.length;
  const each = <T>(f: (file: (typeof files)[number], i: number) => T) =>
    files.map(f);
  const requires: [string, number, string][] = [
    ["glibc", SENSE_GREATER | SENSE_EQUAL, MIN_GLIBC],
    [
      "rpmlib(CompressedFileNames)",
      SENSE_RPMLIB | SENSE_LESS | SENSE_EQUAL,
      "3.0.4-1",
    ],
    ["rpmlib(FileDigests)", SENSE_RPMLIB | SENSE_LESS | SENSE_EQUAL, "4.6.0-1"],
    [
      "rpmlib(PayloadFilesHavePrefix)",
      SENSE_RPMLIB | SENSE_LESS | SENSE_EQUAL,
      "4.0-1",
    ],
  ];
  const tags = new Map<number, Value>([
    [100, { type: STRING_ARRAY, values: ["C"] }],
    [1000, { type: STRING, value: COMMAND }],
    [1001, { type: STRING, value: input.version }],
    [1002, { type: STRING, value: "1" }],
    [1004, { type: I18N, value: SUMMARY }],
    [1005, { type: I18N, value: DESCRIPTION }],
    [1006, { type: INT32, values: [input.mtime] }],
    [1007, { type: STRING, value: "localhost" }],
    [1009, {
      type: INT32,
      values: [files.reduce((s, f) => s + (f.data?.length ?? 0), 0)],
    }],
    [1014, { type: STRING, value: LICENSE_ID }],
    [1016, { type: I18N, value: "Unspecified" }],
    [1020, { type: STRING, value: homepage(input.repo) }],
    [1021, { type: STRING, value: "linux" }],
    [1022, { type: STRING, value: input.arch }],
    [1028, { type: INT32, values: each((f) => f.data?.length ?? 4096) }],
    [1030, {
      type: INT16,
      values: each((f) => (f.data ? 0o100000 : 0o040000) | f.mode),
    }],
    [1033, { type: INT16, values: each(() => 0) }],
    [1034, { type: INT32, values: each(() => input.mtime) }],
    [1035, {
      type: STRING_ARRAY,
      values: each((f) => f.data ? digestHex("sha256", f.data) : ""),
    }],
    [1036, { type: STRING_ARRAY, values: each(() => "") }],
    [1037, { type: INT32, values: each((f) => f.flags) }],
    [1039, { type: STRING_ARRAY, values: each(() => "root") }],
    [1040, { type: STRING_ARRAY, values: each(() => "root") }],
    [1044, { type: STRING, value: `${COMMAND}-${evr}.src.rpm` }],
    [1045, { type: INT32, values: each(() => 0xffffffff) }],
    [1047, { type: STRING_ARRAY, values: [COMMAND, `${COMMAND}(${isaName})`] }],
    [1048, { type: INT32, values: requires.map(([, f]) => f) }],
    [1049, { type: STRING_ARRAY, values: requires.map(([r]) => r) }],
    [1050, { type: STRING_ARRAY, values: requires.map(([, , v]) => v) }],
    [1064, { type: STRING, value: "4.16.1" }],
    [1095, { type: INT32, values: each(() => 1) }],
    [1096, { type: INT32, values: each((_, i) => i + 1) }],
    [1097, { type: STRING_ARRAY, values: each(() => "") }],
    [1112, { type: INT32, values: [SENSE_EQUAL, SENSE_EQUAL] }],
    [1113, { type: STRING_ARRAY, values: [evr, evr] }],
    [1116, { type: INT32, values: dirIndex }],
    [1117, {
      type: STRING_ARRAY,
      values: each((f) => f.path.slice(f.path.lastIndexOf("/") + 1)),
    }],
    [1118, { type: STRING_ARRAY, values: dirs }],
    [1124, { type: STRING, value: "cpio" }],
    [1125, { type: STRING, value: "gzip" }],
    [1126, { type: STRING, value: "9" }],
    [5011, { type: INT32, values: [SHA256_ALGO] }],
    [5062, { type: STRING, value: "utf-8" }],
    [5092, { type: STRING_ARRAY, values: [digestHex("sha256", payload)] }],
    [5093, { type: INT32, values: [SHA256_ALGO] }],
  ]);
  if (n === 0) throw new Error("An rpm needs at least one file");
  const main = header(REGION_IMMUTABLE, tags);
  const md5 = new Uint8Array(
    digestHex("md5", concat([main, payload])).match(/../g)!.map((h) =>
      parseInt(h, 16)
    ),
  );
  const signature = header(
    REGION_SIGNATURES,
    new Map<number, Value>([
      [269, { type: STRING, value: digestHex("sha1", main) }],
      [273, { type: STRING, value: digestHex("sha256", main) }],
      [1000, { type: INT32, values: [main.length + payload.length] }],
      [1004, { type: BIN, bytes: md5 }],
      [1007, { type: INT32, values: [archive.length] }],
    ]),
  );
  const pad = new Uint8Array((8 - (signature.length % 8)) % 8);
  return concat([
    lead(`${COMMAND}-${evr}`, input.arch),
    signature,
    pad,
    main,
    payload,
  ]);
}
