/**
 * The CLI's HTTP client against a real HTTP server that misbehaves on cue:
 * proxy error pages, cut connections, 429s. Checks what is retried, that a
 * retried POST keeps its Idempotency-Key, and the messages when giving up.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, createClient } from "@imagegate/cli";

type Step = (req: IncomingMessage, res: ServerResponse) => void;
const html502: Step = (_req, res) =>
  res
    .writeHead(502, { "content-type": "text/html" })
    .end("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
const cut: Step = (req) => req.socket.destroy();
const ok: Step = (_req, res) =>
  res.writeHead(200, { "content-type": "application/json" }).end('{"id":"job_1"}');

let server: Server;
let url: string;
let steps: Step[] = [];
let seen: { method: string; path: string; key: string | undefined; auth: string | undefined }[] =
  [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({
      method: req.method ?? "",
      path: req.url ?? "",
      key: req.headers["idempotency-key"] as string | undefined,
      auth: req.headers.authorization,
    });
    req.resume();
    req.on("end", () => (steps.shift() ?? ok)(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  steps = [];
  seen = [];
});

function client(retries = 4, delays: number[] = [], notes: string[] = []) {
  return createClient(
    { url, apiKey: "sk-x", retries },
    {
      retry: { baseDelayMs: 2 },
      onRetry: (message) => notes.push(message),
      sleep: async (ms) => {
        delays.push(ms);
      },
    },
  );
}

describe("createClient retries", () => {
  it("retries a keyed POST through error pages and a cut connection, with the same Idempotency-Key", async () => {
    steps = [html502, cut, html502];
    const notes: string[] = [];
    const body = await client(4, [], notes).post(
      "/v1/images/generations",
      { prompt: "p" },
      { idempotencyKey: "k-1" },
    );
    expect(body).toEqual({ id: "job_1" });
    expect(seen).toHaveLength(4);
    expect(seen.every((s) => s.key === "k-1" && s.auth === "Bearer sk-x")).toBe(true);
    expect(notes).toHaveLength(3);
    expect(notes[0]).toMatch(/^HTTP 502 from \/v1\/images\/generations; retry 1\/4 in \d+\.\d s$/);
    expect(notes[1]).toMatch(/retry 2\/4/);
  });

  it("gives up after the retries with a readable message", async () => {
    steps = Array.from({ length: 3 }, () => html502);
    const err = await client(2)
      .post("/v1/images/generations", {}, { idempotencyKey: "k-2" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(502);
    expect((err as ApiError).message).toMatch(
      /an HTML page, not imagegate's JSON \("502 Bad Gateway"\)/,
    );
    expect(seen).toHaveLength(3);
  });

  it("does not retry a POST that carries no Idempotency-Key", async () => {
    steps = [html502];
    await expect(client().post("/v1/batches", {})).rejects.toThrow(/HTTP 502/);
    expect(seen).toHaveLength(1);
  });

  it("does not retry a 4xx", async () => {
    steps = [
      (_req, res) =>
        res
          .writeHead(400, { "content-type": "application/json" })
          .end('{"error":{"message":"bad size","code":"invalid_size"}}'),
    ];
    await expect(client().get("/v1/jobs")).rejects.toMatchObject({
      status: 400,
      code: "invalid_size",
    });
    expect(seen).toHaveLength(1);
  });

  it("waits a 429's Retry-After", async () => {
    steps = [
      (_req, res) =>
        res
          .writeHead(429, { "content-type": "application/json", "retry-after": "3" })
          .end('{"error":{"message":"slow down","code":"rate_limit_exceeded"}}'),
    ];
    const delays: number[] = [];
    expect(await client(4, delays).get("/v1/jobs")).toEqual({ id: "job_1" });
    expect(delays).toEqual([3000]);
  });

  it("retries GETs and says when the gateway cannot be reached", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const notes: string[] = [];
    const dead = createClient(
      { url: `http://127.0.0.1:${port}`, apiKey: undefined, retries: 2 },
      { retry: { baseDelayMs: 1 }, onRetry: (m) => notes.push(m) },
    );
    await expect(dead.get("/v1/jobs")).rejects.toThrow(
      `could not reach http://127.0.0.1:${port}/v1/jobs: ECONNREFUSED`,
    );
    expect(notes).toHaveLength(2);
  });

  it("retries an image download", async () => {
    steps = [cut];
    const bytes = await client().image({ url: `${url}/files/x.png` });
    expect(bytes.toString()).toBe('{"id":"job_1"}');
    expect(seen).toHaveLength(2);
    expect(seen[0]?.auth).toBeUndefined();
  });
});

describe("createClient lines", () => {
  it("streams a file's content line by line", async () => {
    const count = 5000;
    steps = [
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/jsonl" });
        for (let i = 0; i < count; i++) res.write(`{"custom_id":"c${i}"}\n`);
        res.end();
      },
    ];
    const lines: string[] = [];
    for await (const line of client().lines("/v1/files/f/content")) lines.push(line);
    expect(lines).toHaveLength(count);
    expect(lines[count - 1]).toBe(`{"custom_id":"c${count - 1}"}`);
  });
});
