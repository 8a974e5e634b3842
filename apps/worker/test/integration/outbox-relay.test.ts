/**
 * The outbox relay on a real Redis and BullMQ
 * (docs/decisions/0020-submit-through-an-outbox.md): a job saved with an
 * outbox entry gets its queue entry from the relay, oldest first, with its
 * provider's options; what cannot be added goes back where it was; a wait
 * on the empty outbox ends when the relay stops, even with Redis gone.
 */
import { randomUUID } from "node:crypto";
import {
  createImageQueues,
  createJobStore,
  createRedis,
  type ImageQueues,
  type JobRecord,
  type JobStore,
  loadConfig,
  newJobRecord,
  type RedisClient,
  redisKeys,
} from "@imagegate/jobs";
import { newId, normalizeImageRequest, type ProviderId } from "@imagegate/params";
import { startLocalRedis, waitFor } from "@imagegate/testkit";
import { createOutboxRelay } from "../../src/outbox-relay";

const url = process.env.REDIS_URL as string;
const prefix = `test-${randomUUID()}`;
const config = loadConfig({ REDIS_URL: url, QUEUE_PREFIX: prefix });
const outbox = redisKeys(prefix).outbox();
let redis: RedisClient;
let queueRedis: RedisClient;
let store: JobStore;
let queues: ImageQueues;

/** A logger that keeps its error lines. */
function errorLines() {
  const lines: { obj: object; msg?: string }[] = [];
  return { lines, logger: { error: (obj: object, msg?: string) => lines.push({ obj, msg }) } };
}

function record(providerOrder: ProviderId[]): JobRecord {
  return newJobRecord({
    id: newId("job"),
    owner: "owner-a",
    request: normalizeImageRequest({ prompt: "p" }),
    model: "flux.2-max",
    providerOrder,
    requestId: null,
  });
}

/** Saves a job with its outbox entry, as the API's submit does. */
async function submit(providerOrder: ProviderId[]): Promise<JobRecord> {
  const saved = record(providerOrder);
  await store.create(saved, {
    enqueue: { data: { jobId: saved.id, providerOrder, providerIndex: 0 } },
  });
  return saved;
}

beforeAll(() => {
  redis = createRedis({ url });
  queueRedis = createRedis({ url });
  store = createJobStore({ redis, prefix, ttlSeconds: 600 });
  queues = createImageQueues({ connection: queueRedis, prefix, limits: config.limits });
});

afterEach(async () => {
  await redis.del(outbox);
  await Promise.all(
    (["local", "bfl"] as const).map((p) => queues.get(p).obliterate({ force: true })),
  );
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await queues.close();
  redis.disconnect();
  queueRedis.disconnect();
});

describe("the outbox", () => {
  it("is written with the record, in the same step, only when asked", async () => {
    const queued = await submit(["local"]);
    const child = record(["local"]);
    await store.create(child);
    expect(await redis.lrange(outbox, 0, -1)).toEqual([
      JSON.stringify({ jobId: queued.id, providerOrder: ["local"], providerIndex: 0 }),
    ]);
    expect(await store.get(queued.id)).toMatchObject({ id: queued.id, status: "queued" });
  });
});

describe("the outbox relay", () => {
  it("adds each job's queue entry on its provider's queue, oldest first, with its options", async () => {
    const jobs = [await submit(["local"]), await submit(["bfl", "local"]), await submit(["local"])];
    const { lines, logger } = errorLines();
    const relay = createOutboxRelay({ connection: redis.duplicate(), prefix, queues, logger });
    try {
      expect(await relay.drainOnce()).toBe(3);
      expect(await relay.drainOnce()).toBe(0);
    } finally {
      await relay.stop();
    }
    expect(lines).toEqual([]);
    expect(await redis.llen(outbox)).toBe(0);
    // The older job runs first.
    const ahead = async (job?: JobRecord) => queues.position(job?.id ?? "", ["local"]);
    expect([await ahead(jobs[0]), await ahead(jobs[2])]).toEqual([0, 1]);
    const [bfl] = await queues.get("bfl").getWaiting();
    expect(bfl?.data).toEqual({
      jobId: jobs[1]?.id,
      providerOrder: ["bfl", "local"],
      providerIndex: 0,
    });
    expect(bfl?.opts.attempts).toBe(config.limits.bfl.attempts);
  });

  it("drops an entry that names no queue entry, says so, and adds the rest", async () => {
    await redis.lpush(outbox, "not an entry");
    const job = await submit(["local"]);
    const { lines, logger } = errorLines();
    const relay = createOutboxRelay({ connection: redis.duplicate(), prefix, queues, logger });
    try {
      expect(await relay.drainOnce()).toBe(1);
    } finally {
      await relay.stop();
    }
    expect(lines).toEqual([
      { obj: { entry: "not an entry" }, msg: "outbox entry names no queue entry: dropped" },
    ]);
    expect((await queues.get("local").getWaiting()).map((j) => j.id)).toEqual([job.id]);
  });

  it("puts a batch back where it was when its queue entries cannot be added", async () => {
    await submit(["local"]);
    await submit(["bfl"]);
    await submit(["local"]);
    const before = await redis.lrange(outbox, 0, -1);
    // A queue connection that was closed: every add fails.
    const down = createRedis({ url });
    await down.quit();
    const unreachable = createImageQueues({ connection: down, prefix, limits: config.limits });
    const { logger } = errorLines();
    const relay = createOutboxRelay({
      connection: redis.duplicate(),
      prefix,
      queues: unreachable,
      logger,
    });
    try {
      await expect(relay.drainOnce()).rejects.toThrow();
    } finally {
      await relay.stop();
      await unreachable.close().catch(() => {});
      down.disconnect();
    }
    expect(await redis.lrange(outbox, 0, -1)).toEqual(before);
  });

  it("relays entries as they come, and stops at once while waiting on an empty outbox", async () => {
    const { lines, logger } = errorLines();
    // A wait far longer than the test's timeout: stop() must not sit it out.
    const relay = createOutboxRelay({
      connection: redis.duplicate(),
      prefix,
      queues,
      logger,
      blockSeconds: 30,
    });
    relay.start();
    try {
      const jobs = [await submit(["local"]), await submit(["bfl"])];
      await waitFor(async () => (await queues.get("bfl").count()) === 1, {
        message: "the bfl entry",
      });
      await waitFor(async () => (await queues.get("local").count()) === 1, {
        message: "the local entry",
      });
      expect((await queues.get("bfl").getWaiting()).map((j) => j.id)).toEqual([jobs[1]?.id]);
      // Back to waiting on the empty outbox.
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await relay.stop();
    }
    expect(lines).toEqual([]);
  });

  it("stops while its Redis is gone and its connection is between reconnects", async () => {
    const gone = await startLocalRedis();
    const { logger } = errorLines();
    const relay = createOutboxRelay({
      connection: createRedis({ url: gone.url }),
      prefix,
      queues,
      logger,
      blockSeconds: 30,
    });
    relay.start();
    // Waiting on the empty outbox when the server dies: the connection retries meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await gone.stop(); // SIGKILL: a crash
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Closing it now settles none of its commands (ioredis): stop() must not wait on them.
    await relay.stop();
  });
});
