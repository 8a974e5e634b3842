/**
 * The HTTP shell of every fake upstream: a `node:http` server on 127.0.0.1
 * that records each call (method, path, headers, parsed body) and hands it to
 * the provider's protocol handler. Bodies are parsed as the real services
 * would receive them: JSON, or multipart through the WHATWG `Request` parser.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as a fake sees it. */
export type FakeRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, a FormData for multipart, or null. */
  body: unknown;
  at: number;
};

/** What a fake answers. */
export type FakeResponse = {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw bytes (images) instead of JSON. */
  raw?: Buffer;
};

/** A running HTTP fake. */
export type HttpFake = { url: string; port: number; calls: FakeRequest[]; close(): Promise<void> };

async function readBody(req: import("node:http").IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseBody(raw: Buffer, headers: IncomingHttpHeaders): Promise<unknown> {
  if (raw.length === 0) return null;
  const type = headers["content-type"] ?? "";
  if (type.startsWith("multipart/form-data")) {
    return new Request("http://fake/", {
      method: "POST",
      headers: { "content-type": type },
      body: raw,
    }).formData();
  }
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    return raw.toString("utf8");
  }
}

/** Starts an HTTP fake with `handler`. */
export async function startHttpFake(
  handler: (req: FakeRequest, origin: string) => Promise<FakeResponse> | FakeResponse,
): Promise<HttpFake> {
  const calls: FakeRequest[] = [];
  let origin = "";
  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", origin);
      const raw = await readBody(req);
      const request: FakeRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: await parseBody(raw, req.headers),
        at: Date.now(),
      };
      calls.push(request);
      const answer = await handler(request, origin);
      if (answer.raw) {
        res.writeHead(answer.status, {
          "content-length": String(answer.raw.length),
          ...answer.headers,
        });
        res.end(answer.raw);
        return;
      }
      const json = answer.body === undefined ? "" : JSON.stringify(answer.body);
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(json);
    } catch (err) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ detail: `fake crashed: ${(err as Error).message}` }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: origin,
    port,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
