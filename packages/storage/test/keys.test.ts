import { assertSafeKey, isSafeKey, MAX_KEY_LENGTH, UnsafeKeyError } from "@imagegate/storage";

describe("isSafeKey", () => {
  it.each([
    "jobs/job_abc/0.png",
    "files/file-xyz.jsonl",
    "inputs/job_1/image-0.webp",
    "a",
    "a/b/c.d.e",
    "a..b",
    "x".repeat(MAX_KEY_LENGTH),
  ])("accepts %j", (key) => {
    expect(isSafeKey(key)).toBe(true);
    expect(() => assertSafeKey(key)).not.toThrow();
  });

  it.each([
    ["empty", ""],
    ["parent at the start", "../x"],
    ["parent climbing out", "a/../../b"],
    ["a lone parent", ".."],
    ["a current-dir segment", "a/./b"],
    ["a leading current dir", "./a"],
    ["an absolute path", "/etc/passwd"],
    ["a backslash", "a\\b"],
    ["a Windows traversal", "..\\x"],
    ["a percent-encoded traversal", "%2e%2e/x"],
    ["an empty segment", "a//b"],
    ["a trailing slash", "a/"],
    ["a hidden segment (reserved for fs temp files and sidecars)", "jobs/.0.png.meta.json"],
    ["a space", "a b"],
    ["a NUL byte", "a\u0000b"],
    ["a newline", "a\nb"],
    ["a non-ASCII letter", "caf\u00e9.png"],
    ["a key over the length limit", "x".repeat(MAX_KEY_LENGTH + 1)],
  ])("refuses %s", (_label, key) => {
    expect(isSafeKey(key)).toBe(false);
    expect(() => assertSafeKey(key)).toThrow(UnsafeKeyError);
  });

  it("names the refused key in the error, escaped", () => {
    expect(() => assertSafeKey("a\u0000b")).toThrow('Unsafe storage key "a\\u0000b".');
  });
});
