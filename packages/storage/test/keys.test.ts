import { assertSafeKey, isSafeKey, UnsafeKeyError } from "@imagegate/storage";

describe("isSafeKey", () => {
  it.each(["jobs/job_abc/0.png", "files/file-xyz.jsonl", "a", "a/b/c.d.e", "batch_1/out-1.jsonl"])(
    "accepts %s",
    (key) => {
      expect(isSafeKey(key)).toBe(true);
    },
  );

  it.each([
    "",
    "../x",
    "a/../../b",
    "a/./b",
    "/etc/passwd",
    "a\\b",
    "..",
    ".hidden",
    "a//b",
    "a/",
    "%2e%2e/x",
    "a b",
    "a\u0000b",
    "x".repeat(513),
  ])("refuses %j", (key) => {
    expect(isSafeKey(key)).toBe(false);
    expect(() => assertSafeKey(key)).toThrow(UnsafeKeyError);
  });
});
