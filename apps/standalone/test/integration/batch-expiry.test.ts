/**
 * The 24 h window: when a batch's expiry comes due (promoted here instead of
 * waited for), its unstarted lines end `batch_expired`, finished ones are
 * kept, and the batch ends `expired` with its files.
 */
import { createBatchQueue, createRedis } from "@imagegate/jobs";
import { createLocalProvider } from "@imagegate/providers";
import { type Json, waitFor } from "@imagegate/testkit";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({
    providersFile: { providers: { local: { concurrency: 1 } } },
    providers: new Map([["local", createLocalProvider({ renderDelayMs: 150 })]]),
  });
});

afterAll(async () => {
  await gateway.close();
});

describe("batch expiry", () => {
  it("expires unfinished lines at the end of the window and keeps finished ones", async () => {
    const text = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({
        custom_id: `x${i}`,
        method: "POST",
        url: "/v1/images/generations",
        body: { prompt: `p${i}`, size: "8x8" },
      }),
    ).join("\n");
    const form = new FormData();
    form.append("file", new Blob([text]), "x.jsonl");
    form.append("purpose", "batch");
    const file = (await (
      await fetch(`${gateway.baseURL}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${gateway.apiKey}` },
        body: form,
      })
    ).json()) as Json;
    const batch = await gateway.post("/v1/batches", {
      input_file_id: file.id,
      endpoint: "/v1/images/generations",
      completion_window: "24h",
    });
    expect(batch.body.expires_at - batch.body.created_at).toBe(24 * 3600);
    await waitFor(
      async () =>
        (await gateway.get(`/v1/batches/${batch.body.id}`)).body.request_counts.completed >= 2,
      { timeoutMs: 10_000 },
    );

    const redis = createRedis({ url: gateway.config.redis.url });
    const queue = createBatchQueue({ connection: redis, prefix: gateway.config.queuePrefix });
    try {
      const expiry = await queue.queue.getJob(`expire-${batch.body.id}`);
      expect(await expiry?.getState()).toBe("delayed");
      await expiry?.promote();
    } finally {
      await queue.close();
      redis.disconnect();
    }

    let final: Json = null;
    await waitFor(
      async () => {
        final = (await gateway.get(`/v1/batches/${batch.body.id}`)).body;
        return final.status === "expired";
      },
      { timeoutMs: 15_000 },
    );
    const counts = final.request_counts;
    expect(counts.total).toBe(20);
    expect(counts.completed).toBeGreaterThanOrEqual(2);
    expect(counts.completed + counts.failed).toBe(20);
    expect(final.expired_at).toBeGreaterThanOrEqual(final.created_at);
    const errors = await (
      await fetch(`${gateway.baseURL}/files/${final.error_file_id}/content`, {
        headers: { authorization: `Bearer ${gateway.apiKey}` },
      })
    ).text();
    const codes = new Set(
      errors
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).error.code),
    );
    expect(codes).toEqual(new Set(["batch_expired"]));
  });
});
