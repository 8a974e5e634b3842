import { buildSignedUrl, signPath, verifySignedPath } from "@imagegate/storage";

const secret = "s3cret";
const nowMs = 1_700_000_000_000;

function parts(url: string) {
  const u = new URL(url);
  return {
    key: u.pathname.replace(/^\/files\//, ""),
    expires: u.searchParams.get("expires") ?? "",
    signature: u.searchParams.get("signature") ?? "",
    filename: u.searchParams.get("filename") ?? undefined,
  };
}

describe("signed links", () => {
  const url = buildSignedUrl({
    publicBaseUrl: "http://h:8080/",
    key: "jobs/j/0.png",
    ttlSeconds: 60,
    secret,
    nowMs,
  });

  it("builds /files/<key> with expiry and signature", () => {
    expect(url).toMatch(
      /^http:\/\/h:8080\/files\/jobs\/j\/0\.png\?expires=1700000060&signature=[\w-]+$/,
    );
  });

  it("verifies a fresh link", () => {
    expect(verifySignedPath({ ...parts(url), secret, nowMs })).toBe("ok");
  });

  it.each([
    ["an expired link", (p: ReturnType<typeof parts>) => p, nowMs + 61_000, "expired"],
    [
      "another key",
      (p: ReturnType<typeof parts>) => ({ ...p, key: "jobs/j/1.png" }),
      nowMs,
      "bad_signature",
    ],
    [
      "a later expiry",
      (p: ReturnType<typeof parts>) => ({ ...p, expires: "1800000000" }),
      nowMs,
      "bad_signature",
    ],
    [
      "a forged signature",
      (p: ReturnType<typeof parts>) => ({ ...p, signature: "AAAA" }),
      nowMs,
      "bad_signature",
    ],
    [
      "junk expiry",
      (p: ReturnType<typeof parts>) => ({ ...p, expires: "soon" }),
      nowMs,
      "bad_signature",
    ],
    [
      "an added filename",
      (p: ReturnType<typeof parts>) => ({ ...p, filename: "x.png" }),
      nowMs,
      "bad_signature",
    ],
  ])("refuses %s", (_label, change, at, verdict) => {
    expect(verifySignedPath({ ...change(parts(url)), secret, nowMs: at })).toBe(verdict);
  });

  it("refuses another secret", () => {
    expect(verifySignedPath({ ...parts(url), secret: "other", nowMs })).toBe("bad_signature");
  });

  it("signs the download name too", () => {
    const named = buildSignedUrl({
      publicBaseUrl: "http://h",
      key: "k",
      ttlSeconds: 60,
      secret,
      nowMs,
      filename: "out.jsonl",
    });
    expect(verifySignedPath({ ...parts(named), secret, nowMs })).toBe("ok");
    expect(signPath({ key: "k", expiresAt: 1, secret })).not.toBe(
      signPath({ key: "k", expiresAt: 1, secret, filename: "f" }),
    );
  });
});
