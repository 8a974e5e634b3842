import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { checkUrl, ResponseTooLargeError, safeFetch, UnsafeUrlError } from "@imagegate/net";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/ok") return void res.end("hello");
    if (req.url === "/big") return void res.end(Buffer.alloc(2048));
    if (req.url === "/stream") {
      res.writeHead(200);
      const timer = setInterval(() => res.write(Buffer.alloc(1024)), 1);
      res.on("close", () => clearInterval(timer));
      return;
    }
    if (req.url === "/slow") {
      // Cleared when the client gives up, so no timer outlives the suite.
      const timer = setTimeout(() => res.end("late"), 2000);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    if (req.url === "/to-metadata") {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
      return void res.end();
    }
    if (req.url === "/to-ok") {
      res.writeHead(301, { location: "/ok" });
      return void res.end();
    }
    if (req.url === "/loop") {
      res.writeHead(302, { location: "/loop" });
      return void res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const trusted = { allowAddresses: ["127.0.0.1"] };

describe("checkUrl", () => {
  it.each([
    "http://127.0.0.1/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/",
    "http://[::1]/",
    "http://localhost/",
    "http://0x7f000001/",
    "http://2130706433/",
  ])("refuses %s", async (url) => {
    await expect(checkUrl(url)).rejects.toBeInstanceOf(UnsafeUrlError);
  });

  it.each([
    "ftp://example.com/a.png",
    "file:///etc/passwd",
    "gopher://x",
    "not a url",
    "http://user:pw@example.com/",
  ])("refuses %j before any lookup", async (url) => {
    await expect(checkUrl(url, { allowPrivate: true })).rejects.toBeInstanceOf(UnsafeUrlError);
  });

  it("lets private hosts through only when allowed", async () => {
    await expect(checkUrl("http://127.0.0.1/x", { allowPrivate: true })).resolves.toBeInstanceOf(
      URL,
    );
  });
});

describe("safeFetch", () => {
  it("fetches an allowed URL and follows a safe redirect", async () => {
    expect((await safeFetch(`${base}/ok`, trusted)).body.toString()).toBe("hello");
    const res = await safeFetch(`${base}/to-ok`, trusted);
    expect([res.status, res.body.toString(), res.url]).toEqual([200, "hello", `${base}/ok`]);
  });

  it("refuses a loopback target by default", async () => {
    await expect(safeFetch(`${base}/ok`)).rejects.toBeInstanceOf(UnsafeUrlError);
  });

  it("re-checks every redirect and refuses one to the metadata address", async () => {
    await expect(safeFetch(`${base}/to-metadata`, trusted)).rejects.toThrow(/169\.254\.169\.254/);
  });

  it("returns a redirect as it is when redirects are not followed", async () => {
    expect((await safeFetch(`${base}/to-ok`, { ...trusted, maxRedirects: 0 })).status).toBe(301);
  });

  it("stops after too many redirects", async () => {
    await expect(safeFetch(`${base}/loop`, trusted)).rejects.toThrow(/redirects/);
  });

  it("caps the body by declared length and while streaming", async () => {
    await expect(safeFetch(`${base}/big`, { ...trusted, maxBytes: 1000 })).rejects.toBeInstanceOf(
      ResponseTooLargeError,
    );
    await expect(
      safeFetch(`${base}/stream`, { ...trusted, maxBytes: 64 * 1024 }),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it("gives up at the deadline", async () => {
    await expect(safeFetch(`${base}/slow`, { ...trusted, timeoutMs: 100 })).rejects.toThrow();
  });
});
