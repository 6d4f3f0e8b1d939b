/**
 * The SHA-256 behind every login cache file name (WebCrypto's): the FIPS
 * 180-4 and protocol.md vectors, through the function that names the file.
 */
import assert from "node:assert/strict";
import { sha256Hex } from "../../lib/util/encoding.ts";
import { cacheFilePath } from "../../lib/cache/login_cache.ts";

Deno.test("sha256Hex: the FIPS 180-4 and protocol.md test vectors", async () => {
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
    assert.equal(await sha256Hex(text), hex, text.slice(0, 20));
  }
  assert.equal(
    await cacheFilePath(
      "/cache",
      "arn:aws:sts::012345678910:assumed-role/Admin/admin",
    ),
    "/cache/4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json",
  );
});
