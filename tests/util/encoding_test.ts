/**
 * The synchronous SHA-256 behind every login cache file name: FIPS 180-4
 * vectors, and equality with WebCrypto's digest for any text (lengths around
 * the 55/56/64-byte padding boundaries, multi-byte characters, long input).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { sha256Hex, sha256HexSync } from "../../lib/util/encoding.ts";

Deno.test("sha256HexSync: the FIPS 180-4 and protocol.md test vectors", () => {
  const vectors: [string, string][] = [
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    [
      "abc",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
    [
      "a".repeat(1_000_000),
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    ],
    [
      "arn:aws:sts::012345678910:assumed-role/Admin/admin",
      "4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255",
    ],
  ];
  for (const [text, hex] of vectors) {
    assert.equal(sha256HexSync(text), hex, text.slice(0, 20));
  }
});

Deno.test("sha256HexSync equals WebCrypto's SHA-256 for any text", async () => {
  const lengths = fc.oneof(
    fc.integer({ min: 0, max: 130 }),
    fc.constantFrom(55, 56, 63, 64, 65, 119, 120, 128),
  );
  await fc.assert(
    fc.asyncProperty(
      lengths.chain((n) =>
        fc.string({ unit: "grapheme", minLength: n, maxLength: n })
      ),
      async (text) => {
        assert.equal(sha256HexSync(text), await sha256Hex(text));
      },
    ),
    { numRuns: 600 },
  );
});
