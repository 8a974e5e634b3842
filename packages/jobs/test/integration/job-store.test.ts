import { randomUUID } from "node:crypto";
import {
  createJobEvents,
  createJobStore,
  createRedis,
  type JobRecord,
  type JobStore,
  sharedSecret,
} from "@imagegate/jobs";
import { newId, normalizeImageRequest } from "@imagegate/params";
import type { Redis } from "ioredis";

let redis: Redis;
let subscriber: Redis;
let store: JobStore;
const prefix = `test-${randomUUID()}`;

function record(owner: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: newId("job"),
    owner,
    operation: "generation",
    status: "queued",
    model: "flux.2-max",
    provider: null,
    route: ["local"],
    attempts: 0,
    progress: 0,
    created_at: Math.floor(Date.now() / 1000),
    started_at: null,
    completed_at: null,
    request: normalizeImageRequest({ prompt: "p" }),
    applied: null,
    result: null,
    error: null,
    attempt_log: [],
    webhook: null,
    batch_id: null,
    custom_id: null,
    metadata: null,
    request_id: null,
    ...overrides,
  };
}

beforeAll(() => {
  redis = createRedis({ url: process.env.REDIS_URL as string });
  subscriber = createRedis({ url: process.env.REDIS_URL as string });
  store = createJobStore({ redis, prefix, ttlSeconds: 600 });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  subscriber.disconnect();
});

describe("job store", () => {
  it("saves and reads a record, with a TTL", async () => {
    const r = record("owner-a");
    await store.create(r);
    expect(await store.get(r.id)).toEqual(r);
    expect(await redis.ttl(`${prefix}:job:${r.id}`)).toBeGreaterThan(500);
    expect(await store.get("job_missing")).toBeNull();
  });

  it("moves status only from an allowed one", async () => {
    const r = record("owner-a");
    await store.create(r);
    expect(await store.transition(r.id, ["queued"], "in_progress", { provider: "local" })).toBe(
      true,
    );
    expect(await store.transition(r.id, ["queued", "in_progress"], "canceled")).toBe(true);
    // A worker finishing late cannot turn a canceled job into a success.
    expect(await store.transition(r.id, ["in_progress"], "succeeded")).toBe(false);
    expect((await store.get(r.id))?.status).toBe("canceled");
    expect(await store.transition("job_missing", ["queued"], "failed")).toBe(false);
  });

  it("updates fields without touching the status, and never resurrects a missing record", async () => {
    const r = record("owner-a");
    await store.create(r);
    await store.update(r.id, { progress: 0.5, status: "failed" });
    expect(await store.get(r.id)).toMatchObject({ progress: 0.5, status: "queued" });
    await store.update("job_gone", { progress: 1 });
    expect(await redis.exists(`${prefix}:job:job_gone`)).toBe(0);
  });

  it("lists an owner's jobs newest first, by status, with a cursor", async () => {
    const owner = `owner-${randomUUID()}`;
    const now = Math.floor(Date.now() / 1000);
    const made: JobRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const r = record(owner, { created_at: now - 10 + i, status: i % 2 ? "succeeded" : "queued" });
      made.push(r);
      await store.create(r);
    }
    await store.create(record("someone-else"));
    const page1 = await store.list(owner, { limit: 2 });
    expect(page1.data.map((r) => r.id)).toEqual([made[4]?.id, made[3]?.id]);
    expect(page1.hasMore).toBe(true);
    const page2 = await store.list(owner, { limit: 10, after: made[3]?.id });
    expect(page2.data.map((r) => r.id)).toEqual([made[2]?.id, made[1]?.id, made[0]?.id]);
    expect(page2.hasMore).toBe(false);
    const done = await store.list(owner, { limit: 10, status: "succeeded" });
    expect(done.data.map((r) => r.id)).toEqual([made[3]?.id, made[1]?.id]);
  });

  it("keeps upstream tasks per call", async () => {
    const r = record("owner-a");
    await store.saveTask(r.id, "bfl:0", { id: "task-1" });
    await store.saveTask(r.id, "bfl:1", { id: "task-2" });
    expect(await store.getTasks(r.id)).toEqual({
      "bfl:0": { id: "task-1" },
      "bfl:1": { id: "task-2" },
    });
  });
});

describe("job events", () => {
  it("wakes a waiter on the final state, and times out otherwise", async () => {
    const events = createJobEvents({ subscriber, store });
    const r = record("owner-a");
    await store.create(r);
    const waiting = events.waitForFinal(r.id, 5000);
    setTimeout(() => void store.transition(r.id, ["queued"], "succeeded", { progress: 1 }), 50);
    expect((await waiting)?.status).toBe("succeeded");

    const slow = record("owner-a");
    await store.create(slow);
    const started = Date.now();
    expect((await events.waitForFinal(slow.id, 100))?.status).toBe("queued");
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(await events.waitForFinal("job_unknown", 50)).toBeNull();
  });
});

describe("sharedSecret", () => {
  it("keeps the first generated value and prefers a configured one", async () => {
    const a = await sharedSecret(redis, prefix, "s", undefined, () => "one");
    const b = await sharedSecret(redis, prefix, "s", undefined, () => "two");
    expect([a, b]).toEqual(["one", "one"]);
    expect(await sharedSecret(redis, prefix, "s", "configured")).toBe("configured");
  });
});
