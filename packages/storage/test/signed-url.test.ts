import {
  buildSignedUrl,
  signPath,
  UnsafeKeyError,
  type VerifySignedPathOptions,
  verifySignedPath,
} from "@imagegate/storage";

const secret = "s3cret";
const nowMs = 1_700_000_000_000;

type Presented = Omit<VerifySignedPathOptions, "secret" | "nowMs">;

/** What the `/files/*` route reads back out of a link. */
function parts(url: string): Presented {
  const u = new URL(url);
  return {
    key: u.pathname.replace(/^\/files\//, ""),
    expires: u.searchParams.get("expires") ?? "",
    signature: u.searchParams.get("signature") ?? "",
    filename: u.searchParams.get("filename") ?? undefined,
  };
}

describe("buildSignedUrl", () => {
  it("builds /files/<key> with the expiry in unix seconds and a base64url signature", () => {
    const url = buildSignedUrl({
      publicBaseUrl: "http://h:8080/",
      key: "jobs/j/0.png",
      ttlSeconds: 60,
      secret,
      nowMs,
    });
    expect(url).toMatch(
      /^http:\/\/h:8080\/files\/jobs\/j\/0\.png\?expires=1700000060&signature=[\w-]{43}$/,
    );
  });

  it("adds the download name as a query parameter", () => {
    const url = buildSignedUrl({
      publicBaseUrl: "http://h",
      key: "files/f",
      ttlSeconds: 60,
      secret,
      nowMs,
      filename: "out put.jsonl",
    });
    expect(new URL(url).searchParams.get("filename")).toBe("out put.jsonl");
  });

  it.each(["../x", "a/../../b", "/etc/passwd", "a\\b", "%2e%2e/x", "a//b"])(
    "refuses to sign the unsafe key %j",
    (key) => {
      expect(() =>
        buildSignedUrl({ publicBaseUrl: "http://h", key, ttlSeconds: 60, secret, nowMs }),
      ).toThrow(UnsafeKeyError);
    },
  );
});

describe("verifySignedPath", () => {
  const url = buildSignedUrl({
    publicBaseUrl: "http://h:8080",
    key: "jobs/j/0.png",
    ttlSeconds: 60,
    secret,
    nowMs,
  });
  const named = buildSignedUrl({
    publicBaseUrl: "http://h",
    key: "files/f",
    ttlSeconds: 60,
    secret,
    nowMs,
    filename: "out.jsonl",
  });

  it.each([
    ["a fresh link", url, nowMs],
    ["a link in its last second", url, nowMs + 60_000],
    ["a link with a signed download name", named, nowMs],
  ])("accepts %s", (_label, link, at) => {
    expect(verifySignedPath({ ...parts(link), secret, nowMs: at })).toBe("ok");
  });

  it.each<[string, (p: Presented) => Presented, number, string]>([
    ["an expired link", (p) => p, nowMs + 61_000, "expired"],
    ["another key", (p) => ({ ...p, key: "jobs/j/1.png" }), nowMs, "bad_signature"],
    ["a later expiry", (p) => ({ ...p, expires: "1800000000" }), nowMs, "bad_signature"],
    ["an expiry with padding", (p) => ({ ...p, expires: ` ${p.expires}` }), nowMs, "bad_signature"],
    [
      "an expiry in exponent form",
      (p) => ({ ...p, expires: "1.70000006e9" }),
      nowMs,
      "bad_signature",
    ],
    ["a junk expiry", (p) => ({ ...p, expires: "soon" }), nowMs, "bad_signature"],
    ["a forged signature", (p) => ({ ...p, signature: "AAAA" }), nowMs, "bad_signature"],
    ["a missing signature", (p) => ({ ...p, signature: "" }), nowMs, "bad_signature"],
    ["an added download name", (p) => ({ ...p, filename: "x.png" }), nowMs, "bad_signature"],
  ])("refuses %s", (_label, change, at, verdict) => {
    expect(verifySignedPath({ ...change(parts(url)), secret, nowMs: at })).toBe(verdict);
  });

  it("refuses a swapped download name", () => {
    expect(verifySignedPath({ ...parts(named), filename: "evil.html", secret, nowMs })).toBe(
      "bad_signature",
    );
  });

  it("refuses another secret", () => {
    expect(verifySignedPath({ ...parts(url), secret: "other", nowMs })).toBe("bad_signature");
  });

  it("accepts a numeric expiry as well as the query string", () => {
    const p = parts(url);
    expect(verifySignedPath({ ...p, expires: Number(p.expires), secret, nowMs })).toBe("ok");
  });

  it.each(["../x", "a/../../b", "/etc/passwd", "a\\b", "%2e%2e/x", "a//b", ""])(
    "refuses the unsafe key %j even when its signature is right",
    (key) => {
      const expiresAt = nowMs / 1000 + 60;
      const signature = signPath({ key, expiresAt, secret });
      expect(verifySignedPath({ key, expires: expiresAt, signature, secret, nowMs })).toBe(
        "bad_signature",
      );
    },
  );
});
