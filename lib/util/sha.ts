/**
 * SHA-256 and SHA-1 (FIPS 180-4) of a string's UTF-8 bytes, synchronously
 * and without WebCrypto: the `credential_process` hot path names its cache
 * files with them (the login cache: SHA-256 of the session; the role cache:
 * botocore's SHA-1 keys), and WebCrypto's first digest in a process costs
 * more than these few dozen lines run cold. Not for anything secret: the
 * rest of the program keeps WebCrypto, and the tests hold both to node:crypto.
 *
 * @example
 * ```ts
 * sha256HexSync("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * sha1HexSync("abc"); // "a9993e364706816aba3e25717850c26c9cd0d89d"
 * ```
 * @module
 */

const encoder = new TextEncoder();

/** The text's UTF-8 bytes with SHA's padding, as big-endian 32-bit words (16 per block). */
function paddedWords(text: string): Int32Array {
  const bytes = encoder.encode(text);
  const length = bytes.length;
  const words = new Int32Array((((length + 8) >> 6) + 1) * 16);
  for (let i = 0; i < length; i++) {
    words[i >> 2]! |= bytes[i]! << (24 - (i & 3) * 8);
  }
  words[length >> 2]! |= 0x80 << (24 - (length & 3) * 8);
  words[words.length - 2] = Math.floor(length / 0x20000000);
  words[words.length - 1] = length * 8;
  return words;
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

function hex(words: Int32Array): string {
  let out = "";
  for (let i = 0; i < words.length; i++) {
    out += (words[i]! >>> 0).toString(16).padStart(8, "0");
  }
  return out;
}

const K256 = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

/** Lowercase hex SHA-256 of the text's UTF-8 bytes. */
export function sha256HexSync(text: string): string {
  const words = paddedWords(text);
  const h = new Int32Array([
    0x6a09e667,
    0xbb67ae85,
    0x3c6ef372,
    0xa54ff53a,
    0x510e527f,
    0x9b05688c,
    0x1f83d9ab,
    0x5be0cd19,
  ]);
  const w = new Int32Array(64);
  for (let block = 0; block < words.length; block += 16) {
    for (let i = 0; i < 16; i++) w[i] = words[block + i]!;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      w[i] = (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) +
        (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10)) + w[i - 7]! + w[i - 16]!;
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!;
    let e = h[4]!, f = h[5]!, g = h[6]!, k = h[7]!;
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
        ((e & f) ^ (~e & g)) + K256[i]! + w[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) +
        ((a & b) ^ (a & c) ^ (b & c))) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0]! += a;
    h[1]! += b;
    h[2]! += c;
    h[3]! += d;
    h[4]! += e;
    h[5]! += f;
    h[6]! += g;
    h[7]! += k;
  }
  return hex(h);
}

/** Lowercase hex SHA-1 of the text's UTF-8 bytes (file names only: SHA-1 is not collision-resistant). */
export function sha1HexSync(text: string): string {
  const words = paddedWords(text);
  const h = new Int32Array([
    0x67452301,
    0xefcdab89,
    0x98badcfe,
    0x10325476,
    0xc3d2e1f0,
  ]);
  const w = new Int32Array(80);
  for (let block = 0; block < words.length; block += 16) {
    for (let i = 0; i < 16; i++) w[i] = words[block + i]!;
    for (let i = 16; i < 80; i++) {
      w[i] = rotr(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 31);
    }
    let a = h[0]!, b = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!;
    for (let i = 0; i < 80; i++) {
      const f = i < 20
        ? ((b & c) | (~b & d)) + 0x5a827999
        : i < 40
        ? (b ^ c ^ d) + 0x6ed9eba1
        : i < 60
        ? ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc
        : (b ^ c ^ d) + 0xca62c1d6;
      const t = (rotr(a, 27) + f + e + w[i]!) | 0;
      e = d;
      d = c;
      c = rotr(b, 2);
      b = a;
      a = t;
    }
    h[0]! += a;
    h[1]! += b;
    h[2]! += c;
    h[3]! += d;
    h[4]! += e;
  }
  return hex(h);
}
