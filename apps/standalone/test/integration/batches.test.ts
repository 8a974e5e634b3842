/**
 * The Batch API end to end through the official SDK: upload a JSONL file,
 * create a batch, poll it, read the output and error files; cancel mid-way;
 * the batch webhook; isolation of batches and files between keys.
 */
import { createLocalProvider } from "@imagegate/providers";
import { type Json, startWebhookReceiver, waitFor } from "@imagegate/testkit";
import OpenAI, { toFile } from "openai";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  gateway = await startGateway({ env: { ALLOW_PRIVATE_URLS: "true" } });
  client = new OpenAI({ apiKey: gateway.apiKey, baseURL: gateway.baseURL, maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
});

function jsonl(lines: unknown[]): string {
  return `${lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n")}\n`;
}

function line(customId: string, body: Record<string, unknown> = {}) {
  return {
    custom_id: customId,
    method: "POST",
    url: "/v1/images/generations",
    body: { prompt: `p ${customId}`, size: "16x16", ...body },
  };
}

async function untilFinal(id: string, timeoutMs = 60_000) {
  let batch = await client.batches.retrieve(id);
  await waitFor(
    async () => {
      batch = await client.batches.retrieve(id);
      return ["completed", "failed", "cancelled", "expired"].includes(batch.status);
    },
    { timeoutMs, intervalMs: 100, message: `batch ${id} final` },
  );
  return batch;
}

async function readLines(fileId: string | null | undefined): Promise<Json[]> {
  if (!fileId) return [];
  const res = await client.files.content(fileId);
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("Batch API through the openai SDK", () => {
  it("runs 40 lines with one invalid: 39 completed, 1 failed, every custom_id once", async () => {
    const lines = Array.from({ length: 40 }, (_, i) => line(`req-${i}`));
    lines[17] = { ...line("req-17"), body: { prompt: "", size: "16x16" } };
    const file = await client.files.create({
      file: await toFile(Buffer.from(jsonl(lines)), "in.jsonl"),
      purpose: "batch",
    });
    expect(file).toMatchObject({ object: "file", purpose: "batch", filename: "in.jsonl" });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/images/generations" as never,
      completion_window: "24h",
      metadata: { run: "test" },
    });
    expect(created).toMatchObject({
      object: "batch",
      status: "validating",
      metadata: { run: "test" },
    });
    const batch = await untilFinal(created.id);
    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 40, completed: 39, failed: 1 });
    expect(batch.completed_at).toBeGreaterThanOrEqual(batch.created_at);
    const output = await readLines(batch.output_file_id);
    const errors = await readLines(batch.error_file_id);
    expect(output).toHaveLength(39);
    expect(errors).toHaveLength(1);
    const ids = [...output, ...errors].map((l) => l.custom_id).sort();
    expect(ids).toEqual(lines.map((l) => l.custom_id).sort());
    expect(output[0]).toMatchObject({
      response: { status_code: 200, body: { data: [{ url: expect.any(String) }] } },
      error: null,
    });
    expect(output[0].id).toMatch(/^batch_req_/);
    expect(errors[0]).toMatchObject({
      custom_id: "req-17",
      response: null,
      error: { code: "invalid_value" },
    });
    const image = await fetch(output[0].response.body.data[0].url);
    expect(image.status).toBe(200);
    const outFile = await client.files.retrieve(batch.output_file_id as string);
    expect(outFile.purpose).toBe("batch_output");
  });

  it("fails lines that break the format, not the batch", async () => {
    const lines = [
      line("a"),
      "{not json",
      { ...line("a") },
      { ...line("b"), method: "GET" },
      { ...line("c"), url: "/v1/images/edits" },
      { custom_id: "d", method: "POST", url: "/v1/images/generations" },
      line("e", { model: "flux.9" }),
    ];
    const file = await client.files.create({
      file: await toFile(Buffer.from(jsonl(lines)), "mixed.jsonl"),
      purpose: "batch",
    });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/images/generations" as never,
      completion_window: "24h",
    });
    const batch = await untilFinal(created.id);
    expect(batch.request_counts).toEqual({ total: 7, completed: 1, failed: 6 });
    const codes = (await readLines(batch.error_file_id)).map((l) => l.error.code).sort();
    expect(codes).toEqual([
      "duplicate_custom_id",
      "invalid_body",
      "invalid_json",
      "invalid_method",
      "invalid_url",
      "model_not_found",
    ]);
  });

  it("fails an empty file as a whole, with errors", async () => {
    const file = await client.files.create({
      file: await toFile(Buffer.from("\n\n"), "empty.jsonl"),
      purpose: "batch",
    });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/images/generations" as never,
      completion_window: "24h",
    });
    const batch = await untilFinal(created.id);
    expect(batch.status).toBe("failed");
    expect(batch.errors?.data?.[0]?.code).toBe("empty_file");
  });

  it("runs an edits batch with data URIs", async () => {
    const uri = `data:image/png;base64,${Buffer.from(
      await (await import("@imagegate/testkit")).makeImage(24, 24),
    ).toString("base64")}`;
    const lines = [0, 1].map((i) => ({
      custom_id: `e${i}`,
      method: "POST",
      url: "/v1/images/edits",
      body: { prompt: "edit", image: uri, size: "32x32" },
    }));
    const file = await client.files.create({
      file: await toFile(Buffer.from(jsonl(lines)), "edits.jsonl"),
      purpose: "batch",
    });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/images/edits" as never,
      completion_window: "24h",
    });
    const batch = await untilFinal(created.id);
    expect(batch.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
  });

  it("refuses bad batch requests naming the field", async () => {
    const bad = await gateway.post("/v1/batches", {
      input_file_id: "file-x",
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe("endpoint");
    const missing = await gateway.post("/v1/batches", {
      input_file_id: "file-nope",
      endpoint: "/v1/images/generations",
      completion_window: "24h",
    });
    expect(missing.status).toBe(404);
  });
});

describe("cancel and webhooks", () => {
  let slow: TestGateway;
  let slowClient: OpenAI;
  beforeAll(async () => {
    slow = await startGateway({
      env: { ALLOW_PRIVATE_URLS: "true" },
      providersFile: { providers: { local: { concurrency: 2 } } },
      providers: new Map([["local", createLocalProvider({ renderDelayMs: 200 })]]),
    });
    slowClient = new OpenAI({ apiKey: slow.apiKey, baseURL: slow.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await slow.close();
  });

  it("cancels mid-batch: queued lines stop, finished results are kept, the webhook says cancelled", async () => {
    const receiver = await startWebhookReceiver(
      (await slow.get("/v1/webhooks/secret")).body.secret,
    );
    try {
      const lines = Array.from({ length: 30 }, (_, i) => line(`c-${i}`));
      const file = await slowClient.files.create({
        file: await toFile(Buffer.from(jsonl(lines)), "c.jsonl"),
        purpose: "batch",
      });
      const created = await slow.post("/v1/batches", {
        input_file_id: file.id,
        endpoint: "/v1/images/generations",
        completion_window: "24h",
        webhook_url: receiver.url,
      });
      await waitFor(
        async () =>
          (await slowClient.batches.retrieve(created.body.id)).request_counts?.completed === 4,
        {
          timeoutMs: 20_000,
        },
      );
      const cancelling = await slowClient.batches.cancel(created.body.id);
      expect(["cancelling", "cancelled"]).toContain(cancelling.status);
      let batch = await slowClient.batches.retrieve(created.body.id);
      await waitFor(
        async () => {
          batch = await slowClient.batches.retrieve(created.body.id);
          return batch.status === "cancelled";
        },
        { timeoutMs: 20_000 },
      );
      const counts = batch.request_counts as { total: number; completed: number; failed: number };
      expect(counts.total).toBe(30);
      expect(counts.completed).toBeGreaterThanOrEqual(4);
      expect(counts.completed).toBeLessThan(30);
      expect(counts.completed + counts.failed).toBe(30);
      const errors = (await readLinesWith(slowClient, batch.error_file_id)).map(
        (l) => l.error.code,
      );
      expect(errors.length).toBe(counts.failed);
      expect(new Set(errors)).toEqual(new Set(["batch_cancelled"]));
      expect((await readLinesWith(slowClient, batch.output_file_id)).length).toBe(counts.completed);
      await waitFor(() => receiver.deliveries.length === 1, { timeoutMs: 10_000 });
      expect(receiver.deliveries[0]?.payload).toMatchObject({
        type: "batch.cancelled",
        data: { id: created.body.id, object: "batch" },
      });
    } finally {
      await receiver.close();
    }
  });

  it("fires batch.completed on the batch's webhook", async () => {
    const receiver = await startWebhookReceiver(
      (await slow.get("/v1/webhooks/secret")).body.secret,
    );
    try {
      const file = await slowClient.files.create({
        file: await toFile(Buffer.from(jsonl([line("w1"), line("w2")])), "w.jsonl"),
        purpose: "batch",
      });
      const created = await slow.post("/v1/batches", {
        input_file_id: file.id,
        endpoint: "/v1/images/generations",
        completion_window: "24h",
        webhook_url: receiver.url,
      });
      await waitFor(() => receiver.deliveries.length === 1, { timeoutMs: 20_000 });
      expect(receiver.deliveries[0]).toMatchObject({ verified: true, status: 200 });
      expect(receiver.deliveries[0]?.payload).toMatchObject({
        type: "batch.completed",
        data: {
          id: created.body.id,
          status: "completed",
          request_counts: { total: 2, completed: 2, failed: 0 },
        },
      });
    } finally {
      await receiver.close();
    }
  });
});

async function readLinesWith(c: OpenAI, fileId: string | null | undefined): Promise<Json[]> {
  if (!fileId) return [];
  return (await (await c.files.content(fileId)).text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("isolation of batches and files", () => {
  it("answers 404 to another key for the batch and its files", async () => {
    const file = await client.files.create({
      file: await toFile(Buffer.from(jsonl([line("x")])), "x.jsonl"),
      purpose: "batch",
    });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/images/generations" as never,
      completion_window: "24h",
    });
    const batch = await untilFinal(created.id);
    const other = new OpenAI({ apiKey: "sk-test-b", baseURL: gateway.baseURL, maxRetries: 0 });
    for (const call of [
      () => other.batches.retrieve(batch.id),
      () => other.batches.cancel(batch.id),
      () => other.files.retrieve(file.id),
      () => other.files.content(batch.output_file_id as string),
      () => other.files.delete(file.id),
      () =>
        other.batches.create({
          input_file_id: file.id,
          endpoint: "/v1/images/generations" as never,
          completion_window: "24h",
        }),
    ]) {
      await expect(call()).rejects.toMatchObject({ status: 404 });
    }
    const list = await other.batches.list();
    expect(list.data.map((b) => b.id)).not.toContain(batch.id);
    const files = await other.files.list();
    expect(files.data.map((f) => f.id)).not.toContain(file.id);
    expect((await client.files.delete(file.id)).deleted).toBe(true);
    await expect(client.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
  });
});
