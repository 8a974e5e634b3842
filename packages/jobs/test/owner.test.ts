import { createHash } from "node:crypto";
import { keyDigest } from "../src/keys-store";
import { apiKeySha256, ownerOf } from "../src/owner";

const sha256 = (s: string) => createHash("sha256").update(s).digest();

describe("ownerOf", () => {
  it.each([
    ["sk-test-a", `key_${sha256("sk-test-a").toString("hex").slice(0, 24)}`],
    ["sk-ig-Zm9vYmFy", `key_${sha256("sk-ig-Zm9vYmFy").toString("hex").slice(0, 24)}`],
    ["ключ", `key_${sha256("ключ").toString("hex").slice(0, 24)}`],
    [undefined, "anonymous"],
    ["", "anonymous"],
  ])("%j → %s, the same on every call", (key, owner) => {
    expect(ownerOf(key)).toBe(owner);
    expect(ownerOf(key)).toBe(owner);
  });
});

describe("apiKeySha256", () => {
  it("is the key's SHA-256, remembered or not, past the number it remembers", () => {
    const keys = Array.from({ length: 3000 }, (_, i) => `sk-${i}`);
    for (const key of keys) expect(apiKeySha256(key).equals(sha256(key))).toBe(true);
    // The first keys were pushed out long ago; the last are remembered.
    for (const key of [keys[0], keys[1500], keys[2999]] as string[]) {
      expect(apiKeySha256(key).equals(sha256(key))).toBe(true);
      expect(keyDigest(key).equals(sha256(key))).toBe(true);
    }
  });

  it("gives a remembered key the same digest object, an evicted one a new equal one", () => {
    const first = apiKeySha256("sk-remembered");
    expect(apiKeySha256("sk-remembered")).toBe(first);
    for (let i = 0; i < 1100; i++) apiKeySha256(`sk-filler-${i}`);
    const again = apiKeySha256("sk-remembered");
    expect(again).not.toBe(first);
    expect(again.equals(first)).toBe(true);
  });
});
