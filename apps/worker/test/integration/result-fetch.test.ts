/**
 * Result downloads through the worker's guard, with real sockets: the
 * configured base host is fetched as is; any other host must be a delivery
 * host and pass the address checks of user URLs (redirects included).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_DELIVERY_HOSTS } from "@imagegate/jobs";
import { ProviderError } from "@imagegate/providers";
import { createResultFetch } from "../../src/result-fetch";

let server: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    if (req.url === "/redirect") {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/image.png` }).end();
      return;
    }
    res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from("png-bytes"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const signal = () => AbortSignal.timeout(5000);

function guard(options: { allowPrivateUrls: boolean; hosts?: string[]; base?: string }) {
  return createResultFetch({
    deliveryHosts: {
      ...DEFAULT_DELIVERY_HOSTS,
      bfl: options.hosts ?? [...DEFAULT_DELIVERY_HOSTS.bfl],
    },
    baseUrls: { bfl: options.base ?? "https://api.bfl.ai" },
    allowPrivateUrls: options.allowPrivateUrls,
    fetch,
  });
}

async function refusal(promise: Promise<unknown>): Promise<ProviderError> {
  const err = await promise.then(
    () => new Error("expected a refusal"),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe("result fetch", () => {
  it("fetches from the provider's configured base host as configured", async () => {
    const res = await guard({ allowPrivateUrls: false, base: `http://127.0.0.1:9` })(
      "bfl",
      `http://127.0.0.1:${port}/image.png`,
      { signal: signal() },
    );
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe("png-bytes");
  });

  it("refuses a host that is not one of the provider's delivery hosts, before connecting", async () => {
    hits.length = 0;
    const err = await refusal(
      guard({ allowPrivateUrls: true })("bfl", `http://localhost:${port}/image.png`, {
        signal: signal(),
      }),
    );
    expect(err).toMatchObject({ kind: "permanent", provider: "bfl" });
    expect(err.message).toMatch(/localhost is not an allowed host/);
    expect(err.message).toMatch(/providers\.bfl\.deliveryHosts/);
    expect(hits).toEqual([]);
  });

  it("refuses a delivery host that resolves to a private address unless ALLOW_PRIVATE_URLS", async () => {
    hits.length = 0;
    const strict = guard({ allowPrivateUrls: false, hosts: ["localhost"] });
    const err = await refusal(
      strict("bfl", `http://localhost:${port}/image.png`, { signal: signal() }),
    );
    expect(err.message).toMatch(/private or reserved address/);
    expect(hits).toEqual([]);
    const open = guard({ allowPrivateUrls: true, hosts: ["localhost"] });
    const res = await open("bfl", `http://localhost:${port}/image.png`, { signal: signal() });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
  });

  it("checks every redirect against the delivery hosts", async () => {
    const fetcher = guard({ allowPrivateUrls: true, hosts: ["localhost"] });
    const err = await refusal(
      fetcher("bfl", `http://localhost:${port}/redirect`, { signal: signal() }),
    );
    expect(err.message).toMatch(/127\.0\.0\.1 is not an allowed host/);
  });

  it("caps the download", async () => {
    const fetcher = createResultFetch({
      deliveryHosts: { ...DEFAULT_DELIVERY_HOSTS, bfl: ["localhost"] },
      baseUrls: {},
      allowPrivateUrls: true,
      fetch,
      maxBytes: 4,
    });
    const err = await refusal(
      fetcher("bfl", `http://localhost:${port}/image.png`, { signal: signal() }),
    );
    expect(err.message).toMatch(/over 4 bytes/);
  });
});
