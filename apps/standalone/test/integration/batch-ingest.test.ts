/**
 * A 50,000-line batch (OpenAI's limit) is accepted, streamed and fully
 * enqueued as children at batch priority. No image workers run here, so
 * every child is still waiting when the count is taken. (Ingest time and
 * memory are benchmarks: `pnpm bench batch`.)
 */
import { createImageQueues, createRedis } from "@imagegate/jobs";
import { type Json, waitFor } from "@imagegate/testkit";
import { startGateway, type TestGateway } from "./gateway";

const LINES = 50_000;
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({ providers: new Map() });
});

afterAll(async () => {
  await gateway.close();
  // 50,000 job records are a lot to leave behind in a shared Redis.
  const redis = createRedis({ url: gateway.config.redis.url });
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(
      cursor,
      "MATCH",
      `${gateway.config.queuePrefix}:*`,
      "COUNT",
      5000,
    );
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== "0");
  redis.disconnect();
});

describe("a 50,000-line batch", () => {
  it("is accepted and every line enqueued below interactive priority", async () => {
    let text = "";
    for (let i = 0; i < LINES; i++) {
      text += `${JSON.stringify({ custom_id: `l${i}`, method: "POST", url: "/v1/images/generations", body: { prompt: `p${i}`, size: "8x8" } })}\n`;
    }
    const form = new FormData();
    form.append("file", new Blob([text]), "big.jsonl");
    form.append("purpose", "batch");
    const upload = (await (
      await fetch(`${gateway.baseURL}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${gateway.apiKey}` },
        body: form,
      })
    ).json()) as Json;
    expect(upload.bytes).toBe(Buffer.byteLength(text));
    const batch = await gateway.post("/v1/batches", {
      input_file_id: upload.id,
      endpoint: "/v1/images/generations",
      completion_window: "24h",
    });
    expect(batch.status).toBe(200);
    await waitFor(
      async () => (await gateway.get(`/v1/batches/${batch.body.id}`)).body.status === "in_progress",
      {
        timeoutMs: 50_000,
        intervalMs: 200,
      },
    );
    const done = await gateway.get(`/v1/batches/${batch.body.id}`);
    expect(done.body.request_counts).toEqual({ total: LINES, completed: 0, failed: 0 });
    const redis = createRedis({ url: gateway.config.redis.url });
    const queues = createImageQueues({
      connection: redis,
      prefix: gateway.config.queuePrefix,
      limits: gateway.config.limits,
    });
    try {
      const counts = await queues.get("local").getJobCounts("prioritized", "wait");
      expect(counts).toEqual({ prioritized: LINES, wait: 0 });
    } finally {
      await queues.close();
      redis.disconnect();
    }
  }, 90_000);
});
