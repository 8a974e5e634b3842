/**
 * Caps that hold before work is done (issue 10, item 6–7): an edit naming
 * more images than the model takes is refused before any URL is fetched;
 * multipart text fields count toward the upload cap; batch lines have a
 * length cap; event streams, long polls and webhook redeliveries are limited
 * per key; unmatched paths never become metric labels; job lists never
 * inline base64 images.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Json, makeImage, waitFor } from "@imagegate/testkit";
import OpenAI from "openai";
import { startGateway, type TestGateway } from "./gateway";
import { runBatch } from "./run-batch";

let gateway: TestGateway;
let images: Server;
let fetched = 0;

beforeAll(async () => {
  const png = await makeImage(16, 16, "png");
  images = createServer((_req, res) => {
    fetched++;
    res.writeHead(200, { "content-type": "image/png" }).end(png);
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  gateway = await startGateway({
    env: {
      ALLOW_PRIVATE_URLS: "true",
      MAX_UPLOAD_BYTES: String(64 * 1024),
      BATCH_MAX_LINE_BYTES: "2048",
      ADMIN_API_KEY: "sk-admin-caps",
    },
  });
});

afterAll(async () => {
  await gateway.close();
  await new Promise((resolve) => images.close(resolve));
});

const imageUrl = () => `http://127.0.0.1:${(images.address() as AddressInfo).port}/in.png`;

describe("edit inputs", () => {
  it("refuses 50 image URLs with 400 before fetching any of them", async () => {
    fetched = 0;
    const res = await gateway.post("/v1/images/edits", {
      prompt: "p",
      images: Array.from({ length: 50 }, () => ({ image_url: imageUrl() })),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ param: "image", code: "invalid_value" });
    expect(res.body.error.message).toMatch(/At most 8 input images .*got 50/);
    expect(fetched).toBe(0);
    const ok = await gateway.post("/v1/images/edits", {
      prompt: "p",
      size: "16x16",
      images: Array.from({ length: 8 }, () => ({ image_url: imageUrl() })),
    });
    expect(ok.status).toBe(200);
    expect(fetched).toBe(8);
  });

  it("counts multipart text fields toward MAX_UPLOAD_BYTES, even without a Content-Length", async () => {
    const send = async (fieldBytes: number) => {
      const form = new FormData();
      form.append("prompt", "x".repeat(fieldBytes));
      form.append("user", "y".repeat(fieldBytes));
      form.append("size", "16x16");
      const png = new Blob([await makeImage(16, 16, "png")], { type: "image/png" });
      form.append("image", png, "a.png");
      const encoded = new Response(form);
      const bytes = new Uint8Array(await encoded.arrayBuffer());
      // Streamed in chunks with no Content-Length, so only counting while reading can stop it.
      const body = new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 8192) {
            controller.enqueue(bytes.subarray(i, i + 8192));
          }
          controller.close();
        },
      });
      const res = await fetch(`${gateway.url}/v1/images/edits`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${gateway.apiKey}`,
          "content-type": encoded.headers.get("content-type") as string,
        },
        body,
        duplex: "half",
      } as RequestInit);
      return { status: res.status, body: (await res.json()) as Json };
    };
    const over = await send(40 * 1024);
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe("payload_too_large");
    const under = await send(200);
    expect(under.body.error ?? null).toBeNull();
    expect(under.status).toBe(200);
  });
});

describe("batch lines", () => {
  it("fails a line over BATCH_MAX_LINE_BYTES alone, with line_too_long", async () => {
    const client = new OpenAI({ apiKey: gateway.apiKey, baseURL: gateway.baseURL, maxRetries: 0 });
    const line = (id: string, prompt: string) =>
      JSON.stringify({
        custom_id: id,
        method: "POST",
        url: "/v1/images/generations",
        body: { prompt, size: "16x16" },
      });
    const text = [line("a", "short"), line("b", "z".repeat(5000)), line("c", "short")].join("\n");
    const batch = await runBatch(client, text, 20_000);
    expect(batch.request_counts).toEqual({ total: 3, completed: 2, failed: 1 });
    const errors = await (await client.files.content(batch.error_file_id as string)).text();
    expect(JSON.parse(errors.trim()).error).toEqual({
      code: "line_too_long",
      message: "The line is longer than 2048 bytes (BATCH_MAX_LINE_BYTES).",
      line: 2,
    });
  });
});

describe("lists", () => {
  it("never inline b64_json in GET /v1/jobs; one job's read may", async () => {
    const made = await gateway.post("/v1/images/generations", {
      prompt: "inline",
      size: "16x16",
      response_format: "b64_json",
    });
    expect(made.body.data[0].b64_json).toEqual(expect.any(String));
    const one = await gateway.get(`/v1/jobs/${made.body.job_id}`);
    expect(one.body.result.data[0].b64_json).toEqual(expect.any(String));
    const list = await gateway.get("/v1/jobs?limit=100");
    const listed = list.body.data.find((j: { id: string }) => j.id === made.body.job_id);
    expect(listed.result.data[0]).toEqual({ url: expect.stringMatching(/^http/) });
  });
});

describe("metrics labels", () => {
  const series = async () => {
    const text = await (
      await fetch(`${gateway.url}/metrics`, { headers: { authorization: "Bearer sk-admin-caps" } })
    ).text();
    return new Set(
      text
        .split("\n")
        .filter((l) => l.startsWith("imagegate_http_request_duration_seconds_count"))
        .map((l) => l.replace(/ .*$/, "")),
    );
  };

  it("do not grow with 50 random unauthenticated paths", async () => {
    await fetch(`${gateway.url}/v1/nothing-here`);
    const before = await series();
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${gateway.url}/v1/probe-${Math.random().toString(36).slice(2)}`);
      expect(res.status).toBe(401);
    }
    const after = await series();
    expect(after.size - before.size).toBeLessThanOrEqual(1);
    expect([...after].some((s) => s.includes("probe"))).toBe(false);
    expect([...after].some((s) => s.includes('route="unmatched"'))).toBe(true);
  });
});

describe("per-key stream and redelivery limits", () => {
  let queued: TestGateway;
  beforeAll(async () => {
    queued = await startGateway({
      worker: false,
      env: { MAX_STREAMS_PER_KEY: "2", ALLOW_PRIVATE_URLS: "true" },
    });
  });
  afterAll(async () => {
    await queued.close();
  });

  const open = async (path: string, key = queued.apiKey) => {
    const controller = new AbortController();
    const res = await fetch(`${queued.url}${path}`, {
      headers: { authorization: `Bearer ${key}` },
      signal: controller.signal,
    });
    return { res, close: () => controller.abort() };
  };

  it("answers a third open stream or ?wait poll of one key with 429, not another key's", async () => {
    const job = await queued.post(
      "/v1/images/generations",
      { prompt: "p", size: "16x16" },
      { prefer: "respond-async" },
    );
    const path = `/v1/jobs/${job.body.id}/events`;
    const first = await open(path);
    const second = await open(path);
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    const third = await open(path);
    expect(third.res.status).toBe(429);
    expect(((await third.res.json()) as Json).error.code).toBe("rate_limit_exceeded");
    expect(third.res.headers.get("retry-after")).toBe("1");
    const poll = await queued.get(`/v1/jobs/${job.body.id}?wait=1`);
    expect(poll.status).toBe(429);
    const otherJob = await fetch(`${queued.url}/v1/jobs?limit=1`, {
      headers: { authorization: "Bearer sk-test-b" },
    });
    expect(otherJob.status).toBe(200);
    first.close();
    await waitFor(
      async () => (await queued.get(`/v1/jobs/${job.body.id}?wait=0.2`)).status === 200,
      {
        timeoutMs: 5000,
      },
    );
    second.close();
  });

  it("allows 10 webhook redeliveries per minute per key, then 429", async () => {
    const job = await queued.post(
      "/v1/images/generations",
      { prompt: "p", size: "16x16", webhook_url: "http://127.0.0.1:9/hook" },
      { prefer: "respond-async" },
    );
    expect(job.status).toBe(202);
    expect((await queued.post(`/v1/jobs/${job.body.id}/cancel`, {})).body.status).toBe("canceled");
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await queued.post(`/v1/jobs/${job.body.id}/webhook/redeliver`, {})).status);
    }
    expect(statuses).toEqual([...Array(10).fill(202), 429]);
  });
});
