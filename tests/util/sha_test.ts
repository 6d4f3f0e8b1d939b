/**
 * The hot path's own SHA-256 and SHA-1 (cache file names, no WebCrypto on
 * the `credential_process` path) agree with node:crypto for any text:
 * empty, one block, every padding boundary, many blocks, any Unicode.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { sha1HexSync, sha256HexSync } from "../../lib/util/sha.ts";

const reference = (algorithm: string, text: string) =>
  createHash(algorithm).update(text, "utf8").digest("hex");

Deno.test("sha256HexSync and sha1HexSync are SHA-256 and SHA-1 of the UTF-8 text", () => {
  // Known answers (FIPS 180-2 examples).
  assert.equal(
    sha256HexSync("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(sha1HexSync("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(
    sha256HexSync(""),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  // Every length around the one- and two-block padding boundaries.
  for (let n = 0; n <= 200; n++) {
    const text = "a".repeat(n);
    assert.equal(sha256HexSync(text), reference("sha256", text), `${n}`);
    assert.equal(sha1HexSync(text), reference("sha1", text), `${n}`);
  }
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
      assert.equal(sha256HexSync(text), reference("sha256", text));
      assert.equal(sha1HexSync(text), reference("sha1", text));
    }),
    { numRuns: 2_000 },
  );
  const long = "arn:aws:iam::111122223333:user/é✓𝄞".repeat(1_000);
  assert.equal(sha256HexSync(long), reference("sha256", long));
  assert.equal(sha1HexSync(long), reference("sha1", long));
});
