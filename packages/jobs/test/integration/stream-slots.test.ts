import { randomUUID } from "node:crypto";
import type { RedisClient } from "@imagegate/jobs";
import { createRedis, createStreamSlots } from "@imagegate/jobs";
import { waitFor } from "@imagegate/testkit";

let redis: RedisClient;

beforeAll(() => {
  redis = createRedis({ url: process.env.REDIS_URL as string });
});

afterAll(() => {
  redis.disconnect();
});

describe("stream slots", () => {
  it("lets each owner hold at most maxPerKey, frees them on release", async () => {
    const prefix = `test-${randomUUID()}`;
    // Two counters on one prefix stand for two API replicas.
    const a = createStreamSlots({ redis, prefix, maxPerKey: 2 });
    const b = createStreamSlots({ redis, prefix, maxPerKey: 2 });
    const first = await a.acquire("key_a", 10_000);
    const second = await b.acquire("key_a", 10_000);
    expect(first && second).toBeTruthy();
    expect(await a.acquire("key_a", 10_000)).toBeNull();
    expect(await b.acquire("key_b", 10_000)).not.toBeNull();
    await first?.release();
    await first?.release();
    const third = await b.acquire("key_a", 10_000);
    expect(third).not.toBeNull();
    expect(await a.acquire("key_a", 10_000)).toBeNull();
  });

  it("frees a slot whose lease lapsed, and keeps one that is renewed", async () => {
    const slots = createStreamSlots({ redis, prefix: `test-${randomUUID()}`, maxPerKey: 1 });
    const lapsing = await slots.acquire("key_a", 150);
    expect(lapsing).not.toBeNull();
    expect(await slots.acquire("key_a", 150)).toBeNull();
    await waitFor(async () => (await slots.acquire("key_a", 300)) !== null, { timeoutMs: 2000 });
    const renewed = await slots.acquire("key_b", 300);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await renewed?.renew(300);
    }
    expect(await slots.acquire("key_b", 300)).toBeNull();
  });
});
