/**
 * SHA-256 and SHA-1 (FIPS 180-4) of a string's UTF-8 bytes, synchronously
 * and without WebCrypto: the `credential_process` hot path names its cache
 * files with them (the login cache: SHA-256 of the session; the role cache:
 * botocore's SHA-1 keys). Not for anything secret: the rest of the program
 * keeps WebCrypto, and the tests hold both to node:crypto.
 *
 * Written for a process that runs them once, cold, in V8's interpreter:
 * each 32-bit word is two 16-bit halves (`…h`, `…l`), so that every value
 * stays a small integer (32-bit words would be heap numbers, allocated at
 * every step), and there is no helper hot enough for V8 to compile it with
 * an optimizing tier. Measured on the hot path (callgrind, RSS): WebCrypto's
 * first digest, 1.2 million instructions and 1 MiB; 32-bit words, 1.8
 * million and 1.6 MiB; these, a fraction of either.
 *
 * @example
 * ```ts
 * sha256HexSync("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * sha1HexSync("abc"); // "a9993e364706816aba3e25717850c26c9cd0d89d"
 * ```
 * @module
 */

/** The text's UTF-8 bytes (as `TextEncoder`: a lone surrogate is U+FFFD). */
function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = c <= 0xdbff && i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) {
      bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    } else {
      bytes.push(
        0xf0 | (c >> 18),
        0x80 | ((c >> 12) & 63),
        0x80 | ((c >> 6) & 63),
        0x80 | (c & 63),
      );
    }
  }
  return bytes;
}

/** The message with SHA's padding, as 16-bit halves of big-endian words: 32 per block. */
function paddedHalves(text: string): number[] {
  const bytes = utf8(text);
  const length = bytes.length;
  bytes.push(0x80);
  while ((bytes.length & 63) !== 56) bytes.push(0);
  // The length in bits, as 64 bits (8 bytes) big-endian.
  const high = Math.floor(length / 0x20000000);
  const low = length % 0x20000000 * 8;
  bytes.push(0, 0, 0, high & 255);
  bytes.push(
    Math.floor(low / 0x1000000),
    Math.floor(low / 0x10000) & 255,
    Math.floor(low / 0x100) & 255,
    low & 255,
  );
  const halves: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) {
    halves.push((bytes[i]! << 8) | bytes[i + 1]!);
  }
  return halves;
}

function hex(halves: readonly number[]): string {
  let out = "";
  for (let i = 0; i < halves.length; i++) {
    out += halves[i]!.toString(16).padStart(4, "0");
  }
  return out;
}

/** SHA-256's round constants, as 16-bit halves. */
const K256 = [
  0x428a,
  0x2f98,
  0x7137,
  0x4491,
  0xb5c0,
  0xfbcf,
  0xe9b5,
  0xdba5,
  0x3956,
  0xc25b,
  0x59f1,
  0x11f1,
  0x923f,
  0x82a4,
  0xab1c,
  0x5ed5,
  0xd807,
  0xaa98,
  0x1283,
  0x5b01,
  0x2431,
  0x85be,
  0x550c,
  0x7dc3,
  0x72be,
  0x5d74,
  0x80de,
  0xb1fe,
  0x9bdc,
  0x06a7,
  0xc19b,
  0xf174,
  0xe49b,
  0x69c1,
  0xefbe,
  0x4786,
  0x0fc1,
  0x9dc6,
  0x240c,
  0xa1cc,
  0x2de9,
  0x2c6f,
  0x4a74,
  0x84aa,
  0x5cb0,
  0xa9dc,
  0x76f9,
  0x88da,
  0x983e,
  0x5152,
  0xa831,
  0xc66d,
  0xb003,
  0x27c8,
  0xbf59,
  0x7fc7,
  0xc6e0,
  0x0bf3,
  0xd5a7,
  0x9147,
  0x06ca,
  0x6351,
  0x1429,
  0x2967,
  0x27b7,
  0x0a85,
  0x2e1b,
  0x2138,
  0x4d2c,
  0x6dfc,
  0x5338,
  0x0d13,
  0x650a,
  0x7354,
  0x766a,
  0x0abb,
  0x81c2,
  0xc92e,
  0x9272,
  0x2c85,
  0xa2bf,
  0xe8a1,
  0xa81a,
  0x664b,
  0xc24b,
  0x8b70,
  0xc76c,
  0x51a3,
  0xd192,
  0xe819,
  0xd699,
  0x0624,
  0xf40e,
  0x3585,
  0x106a,
  0xa070,
  0x19a4,
  0xc116,
  0x1e37,
  0x6c08,
  0x2748,
  0x774c,
  0x34b0,
  0xbcb5,
  0x391c,
  0x0cb3,
  0x4ed8,
  0xaa4a,
  0x5b9c,
  0xca4f,
  0x682e,
  0x6ff3,
  0x748f,
  0x82ee,
  0x78a5,
  0x636f,
  0x84c8,
  0x7814,
  0x8cc7,
  0x0208,
  0x90be,
  0xfffa,
  0xa450,
  0x6ceb,
  0xbef9,
  0xa3f7,
  0xc671,
  0x78f2,
];

/** Lowercase hex SHA-256 of the text's UTF-8 bytes. */
export function sha256HexSync(text: string): string {
  const m = paddedHalves(text);
  const h = [
    0x6a09,
    0xe667,
    0xbb67,
    0xae85,
    0x3c6e,
    0xf372,
    0xa54f,
    0xf53a,
    0x510e,
    0x527f,
    0x9b05,
    0x688c,
    0x1f83,
    0xd9ab,
    0x5be0,
    0xcd19,
  ];
  const wh: number[] = [];
  const wl: number[] = [];
  for (let block = 0; block < m.length; block += 32) {
    for (let i = 0; i < 16; i++) {
      wh[i] = m[block + 2 * i]!;
      wl[i] = m[block + 2 * i + 1]!;
    }
    for (let i = 16; i < 64; i++) {
      // σ0 = rotr 7 ^ rotr 18 ^ shr 3 of w[i-15]; σ1 = rotr 17 ^ rotr 19 ^ shr 10 of w[i-2].
      let xh = wh[i - 15]!, xl = wl[i - 15]!;
      const s0h = ((xh >>> 7) | ((xl << 9) & 0xffff)) ^
        ((xl >>> 2) | ((xh << 14) & 0xffff)) ^ (xh >>> 3);
      const s0l = ((xl >>> 7) | ((xh << 9) & 0xffff)) ^
        ((xh >>> 2) | ((xl << 14) & 0xffff)) ^
        ((xl >>> 3) | ((xh << 13) & 0xffff));
      xh = wh[i - 2]!;
      xl = wl[i - 2]!;
      const s1h = ((xl >>> 1) | ((xh & 1) << 15)) ^
        ((xl >>> 3) | ((xh << 13) & 0xffff)) ^ (xh >>> 10);
      const s1l = ((xh >>> 1) | ((xl & 1) << 15)) ^
        ((xh >>> 3) | ((xl << 13) & 0xffff)) ^
        ((xl >>> 10) | ((xh << 6) & 0xffff));
      const lo = s0l + s1l + wl[i - 7]! + wl[i - 16]!;
      wl[i] = lo & 0xffff;
      wh[i] = (s0h + s1h + wh[i - 7]! + wh[i - 16]! + (lo >>> 16)) & 0xffff;
    }
    let ah = h[0]!, al = h[1]!, bh = h[2]!, bl = h[3]!;
    let ch = h[4]!, cl = h[5]!, dh = h[6]!, dl = h[7]!;
    let eh = h[8]!, el = h[9]!, fh = h[10]!, fl = h[11]!;
    let gh = h[12]!, gl = h[13]!, hh = h[14]!, hl = h[15]!;
    for (let i = 0; i < 64; i++) {
      // Σ1 = rotr 6 ^ rotr 11 ^ rotr 25 of e; Ch; T1.
      const e1h = ((eh >>> 6) | ((el << 10) & 0xffff)) ^
        ((eh >>> 11) | ((el << 5) & 0xffff)) ^
        ((el >>> 9) | ((eh << 7) & 0xffff));
      const e1l = ((el >>> 6) | ((eh << 10) & 0xffff)) ^
        ((el >>> 11) | ((eh << 5) & 0xffff)) ^
        ((eh >>> 9) | ((el << 7) & 0xffff));
      const chh = (eh & fh) ^ (~eh & 0xffff & gh);
      const chl = (el & fl) ^ (~el & 0xffff & gl);
      let t1l = hl + e1l + chl + K256[2 * i + 1]! + wl[i]!;
      const t1h = (hh + e1h + chh + K256[2 * i]! + wh[i]! + (t1l >>> 16)) &
        0xffff;
      t1l &= 0xffff;
      // Σ0 = rotr 2 ^ rotr 13 ^ rotr 22 of a; Maj; T2.
      const a0h = ((ah >>> 2) | ((al << 14) & 0xffff)) ^
        ((ah >>> 13) | ((al << 3) & 0xffff)) ^
        ((al >>> 6) | ((ah << 10) & 0xffff));
      const a0l = ((al >>> 2) | ((ah << 14) & 0xffff)) ^
        ((al >>> 13) | ((ah << 3) & 0xffff)) ^
        ((ah >>> 6) | ((al << 10) & 0xffff));
      const mjh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
      const mjl = (al & bl) ^ (al & cl) ^ (bl & cl);
      const t2l = a0l + mjl;
      const t2h = (a0h + mjh + (t2l >>> 16)) & 0xffff;
      hh = gh;
      hl = gl;
      gh = fh;
      gl = fl;
      fh = eh;
      fl = el;
      const el2 = dl + t1l;
      eh = (dh + t1h + (el2 >>> 16)) & 0xffff;
      el = el2 & 0xffff;
      dh = ch;
      dl = cl;
      ch = bh;
      cl = bl;
      bh = ah;
      bl = al;
      const al2 = t1l + (t2l & 0xffff);
      ah = (t1h + t2h + (al2 >>> 16)) & 0xffff;
      al = al2 & 0xffff;
    }
    const v = [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl];
    for (let i = 0; i < 16; i += 2) {
      const lo = h[i + 1]! + v[i + 1]!;
      h[i] = (h[i]! + v[i]! + (lo >>> 16)) & 0xffff;
      h[i + 1] = lo & 0xffff;
    }
  }
  return hex(h);
}

/** Lowercase hex SHA-1 of the text's UTF-8 bytes (file names only: SHA-1 is not collision-resistant). */
export function sha1HexSync(text: string): string {
  const m = paddedHalves(text);
  const h = [
    0x6745,
    0x2301,
    0xefcd,
    0xab89,
    0x98ba,
    0xdcfe,
    0x1032,
    0x5476,
    0xc3d2,
    0xe1f0,
  ];
  const wh: number[] = [];
  const wl: number[] = [];
  for (let block = 0; block < m.length; block += 32) {
    for (let i = 0; i < 16; i++) {
      wh[i] = m[block + 2 * i]!;
      wl[i] = m[block + 2 * i + 1]!;
    }
    for (let i = 16; i < 80; i++) {
      // rotl 1 of w[i-3] ^ w[i-8] ^ w[i-14] ^ w[i-16].
      const xh = wh[i - 3]! ^ wh[i - 8]! ^ wh[i - 14]! ^ wh[i - 16]!;
      const xl = wl[i - 3]! ^ wl[i - 8]! ^ wl[i - 14]! ^ wl[i - 16]!;
      wh[i] = ((xh << 1) & 0xffff) | (xl >>> 15);
      wl[i] = ((xl << 1) & 0xffff) | (xh >>> 15);
    }
    let ah = h[0]!, al = h[1]!, bh = h[2]!, bl = h[3]!, ch = h[4]!;
    let cl = h[5]!, dh = h[6]!, dl = h[7]!, eh = h[8]!, el = h[9]!;
    for (let i = 0; i < 80; i++) {
      let fh, fl, kh, kl;
      if (i < 20) {
        fh = (bh & ch) | (~bh & 0xffff & dh);
        fl = (bl & cl) | (~bl & 0xffff & dl);
        kh = 0x5a82;
        kl = 0x7999;
      } else if (i < 40) {
        fh = bh ^ ch ^ dh;
        fl = bl ^ cl ^ dl;
        kh = 0x6ed9;
        kl = 0xeba1;
      } else if (i < 60) {
        fh = (bh & ch) | (bh & dh) | (ch & dh);
        fl = (bl & cl) | (bl & dl) | (cl & dl);
        kh = 0x8f1b;
        kl = 0xbcdc;
      } else {
        fh = bh ^ ch ^ dh;
        fl = bl ^ cl ^ dl;
        kh = 0xca62;
        kl = 0xc1d6;
      }
      // T = rotl 5 of a + f + e + k + w[i].
      const tl = (((al << 5) & 0xffff) | (ah >>> 11)) + fl + el + kl + wl[i]!;
      const th = ((((ah << 5) & 0xffff) | (al >>> 11)) + fh + eh + kh +
        wh[i]! + (tl >>> 16)) & 0xffff;
      eh = dh;
      el = dl;
      dh = ch;
      dl = cl;
      // c = rotl 30 of b (rotr 2).
      ch = (bh >>> 2) | ((bl & 3) << 14);
      cl = (bl >>> 2) | ((bh & 3) << 14);
      bh = ah;
      bl = al;
      ah = th;
      al = tl & 0xffff;
    }
    const v = [ah, al, bh, bl, ch, cl, dh, dl, eh, el];
    for (let i = 0; i < 10; i += 2) {
      const lo = h[i + 1]! + v[i + 1]!;
      h[i] = (h[i]! + v[i]! + (lo >>> 16)) & 0xffff;
      h[i + 1] = lo & 0xffff;
    }
  }
  return hex(h);
}
