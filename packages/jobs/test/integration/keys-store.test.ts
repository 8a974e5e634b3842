import { randomUUID } from "node:crypto";
import type { RedisClient } from "@imagegate/jobs";
import { createKeysStore, createRedis, NO_LIMITS, ownerOf } from "@imagegate/jobs";

let redis: RedisClient;

beforeAll(() => {
  redis = createRedis({ url: process.env.REDIS_URL as string });
});

afterAll(() => {
  redis.disconnect();
});

const limits = { requests_per_minute: 3, budget_usd: 0.3, models: null };

describe("keys store", () => {
  it("creates a key shown once, stores only its hash, and authenticates it", async () => {
    const prefix = `test-${randomUUID()}`;
    const keys = createKeysStore({ redis, prefix });
    expect(await keys.any()).toBe(false);
    const { record, key } = await keys.create("team a", limits);
    expect(key).toMatch(/^sk-ig-[A-Za-z0-9_-]{43}$/);
    expect(record).toMatchObject({ id: ownerOf(key), name: "team a", limits, disabled: false });
    expect(record.redacted_key).toBe(`${key.slice(0, 6)}…${key.slice(-4)}`);
    const stored = await redis.get(`${prefix}:apikey:${record.id}`);
    expect(stored).not.toContain(key);
    expect(await keys.authenticate(key)).toEqual(record);
    expect(await keys.authenticate(`${key}x`)).toBeNull();
    expect(await keys.authenticate("sk-ig-short")).toBeNull();
    expect(await keys.any()).toBe(true);
  });

  it("refuses a disabled key and a deleted one at once, and a PATCH never revives a deleted key", async () => {
    const keys = createKeysStore({ redis, prefix: `test-${randomUUID()}` });
    const a = await keys.create("a", NO_LIMITS);
    const b = await keys.create("b", NO_LIMITS);
    expect((await keys.list()).map((r) => r.name)).toEqual(["a", "b"]);

    expect(await keys.update(a.record.id, { disabled: true })).toMatchObject({ disabled: true });
    expect(await keys.authenticate(a.key)).toBeNull();
    await keys.update(a.record.id, { disabled: false, limits: { budget_usd: 1 } });
    expect(await keys.authenticate(a.key)).toMatchObject({ limits: { budget_usd: 1 } });

    expect(await keys.delete(b.record.id)).toBe(true);
    expect(await keys.authenticate(b.key)).toBeNull();
    expect(await keys.update(b.record.id, { name: "back?" })).toBeNull();
    expect(await keys.authenticate(b.key)).toBeNull();
    expect(await keys.delete(b.record.id)).toBe(false);
    expect((await keys.list()).map((r) => r.name)).toEqual(["a"]);
  });
});
