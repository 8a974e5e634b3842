import { isTrustedUpstreamUrl, urlOrBase64, urlOrDataUri } from "@imagegate/providers";

describe("isTrustedUpstreamUrl", () => {
  const base = "https://api.bfl.ai";
  it.each([
    ["https://api.us3.bfl.ai/v1/get_result?id=1", true],
    ["https://gateway.bfl.ai/v1/get_result?id=1", true],
    ["https://api.bfl.ai:8443/x", true],
    ["http://api.us3.bfl.ai/x", false],
    ["https://bfl.ai.evil.com/x", false],
    ["https://evil.com/?bfl.ai", false],
    ["file:///etc/passwd", false],
    ["not a url", false],
  ])("%s → %s", (url, trusted) => {
    expect(isTrustedUpstreamUrl(url, base, ["bfl.ai"])).toBe(trusted);
  });

  it("trusts the configured base host on any port (proxies, fakes)", () => {
    expect(isTrustedUpstreamUrl("http://127.0.0.1:4001/r", "http://127.0.0.1:4000", [])).toBe(true);
    expect(isTrustedUpstreamUrl("http://10.0.0.1:4001/r", "http://127.0.0.1:4000", [])).toBe(false);
  });
});

describe("input images", () => {
  const image = (url: string) => ({ url, mime: "image/png", read: async () => Buffer.from("png") });
  it("hands https links over as they are", async () => {
    expect(await urlOrDataUri(image("https://s3/x.png?sig"))).toBe("https://s3/x.png?sig");
    expect(await urlOrBase64(image("https://s3/x.png?sig"))).toBe("https://s3/x.png?sig");
  });
  it("inlines local links the upstream could not reach", async () => {
    expect(await urlOrDataUri(image("http://localhost:8080/files/x"))).toBe(
      "data:image/png;base64,cG5n",
    );
    expect(await urlOrBase64(image("http://localhost:8080/files/x"))).toBe("cG5n");
  });
});
