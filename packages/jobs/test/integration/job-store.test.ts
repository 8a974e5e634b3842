import { randomUUID } from "node:crypto";
import {
  createBudgetStore,
  createJobEvents,
  createJobStore,
  createRedis,
  type JobRecord,
  type JobStore,
  LockLostError,
  newJobRecord,
  type RedisClient,
  sharedSecret,
  type UpstreamTaskEntry,
} from "@imagegate/jobs";
import { newId, normalizeImageRequest } from "@imagegate/params";
import { waitFor } from "@imagegate/testkit";

let redis: RedisClient;
let subscriber: RedisClient;
let store: JobStore;
const prefix = `test-${randomUUID()}`;

function record(owner: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    ...newJobRecord({
      id: newId("job"),
      owner,
      request: normalizeImageRequest({ prompt: "p" }),
      model: "flux.2-max",
      providerOrder: ["local"],
      requestId: null,
    }),
    ...overrides,
  };
}

function task(callIndex: number, overrides: Partial<UpstreamTaskEntry> = {}): UpstreamTaskEntry {
  return {
    provider: "bfl",
    call_index: callIndex,
    task_id: `task-${callIndex}`,
    submitted_at_ms: 1_764_000_000_000 + callIndex,
    state: "running",
    cost_usd: 0.07,
    urls: { polling_url: "https://api.bfl.ai/v1/get_result" },
    error: null,
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

  it("reads and moves a record the previous version stored with `route` (upgradeDoc)", async () => {
    const r = record("owner-a");
    // The `doc` the previous version's encodeNew wrote.
    const doc = {
      id: r.id,
      owner: r.owner,
      operation: r.operation,
      model: r.model,
      route: r.provider_order,
      created_at: r.created_at,
      request: r.request,
      batch_id: r.batch_id,
      custom_id: r.custom_id,
      metadata: r.metadata,
      request_id: r.request_id,
    };
    await redis.hset(`${prefix}:job:${r.id}`, "doc", JSON.stringify(doc), "status", '"queued"');
    expect(await store.get(r.id)).toEqual(r);
    expect(await store.transition(r.id, ["queued"], "in_progress", { provider: "local" })).toBe(
      true,
    );
    expect((await store.get(r.id))?.provider_order).toEqual(["local"]);
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

  it("keeps the ledger of upstream tasks on the record, each task its own field", async () => {
    const r = record("owner-a");
    await store.create(r);
    await store.saveTask(r.id, task(1));
    await store.saveTask(r.id, task(0));
    await store.saveTask(r.id, task(0, { state: "succeeded" }));
    const ledger = (await store.get(r.id))?.upstream_tasks;
    expect(ledger?.map((t) => [t.call_index, t.state])).toEqual([
      [0, "succeeded"],
      [1, "running"],
    ]);
    // A task of an expired record is not written back into existence.
    await store.saveTask("job_gone", task(0));
    expect(await redis.exists(`${prefix}:job:job_gone`)).toBe(0);
  });

  it("fences writes to the run that owns the job", async () => {
    const r = record("owner-a");
    await store.create(r);
    await store.transition(r.id, ["queued"], "in_progress", { run: "run-1" });
    await store.update(r.id, { progress: 0.3 }, { fence: "run-1" });
    await store.assertRun(r.id, "run-1");
    // Another run claims the job: the first one's writes are refused from now on.
    await store.transition(r.id, ["in_progress"], "in_progress", { run: "run-2" });
    await expect(store.update(r.id, { progress: 0.9 }, { fence: "run-1" })).rejects.toBeInstanceOf(
      LockLostError,
    );
    await expect(store.assertRun(r.id, "run-1")).rejects.toBeInstanceOf(LockLostError);
    await expect(
      store.transition(r.id, ["in_progress"], "succeeded", {}, { fence: "run-1" }),
    ).rejects.toBeInstanceOf(LockLostError);
    expect(await store.transition(r.id, ["in_progress"], "succeeded", {}, { fence: "run-2" })).toBe(
      true,
    );
    expect(await store.get(r.id)).toMatchObject({ status: "succeeded", run: "run-2" });
  });

  it("indexes open jobs for the reconciler until they end", async () => {
    const r = record("owner-a");
    await store.create(r);
    const later = Date.now() + 10 * 60_000;
    expect(await store.dueOpenJobs(Date.now(), 1000)).not.toContain(r.id);
    expect(await store.dueOpenJobs(later, 1000)).toContain(r.id);
    await store.scheduleCheck(r.id, Date.now() - 1);
    expect(await store.dueOpenJobs(Date.now(), 1000)).toContain(r.id);
    await store.transition(r.id, ["queued"], "failed");
    expect(await store.dueOpenJobs(later, 1000)).not.toContain(r.id);
    // Scheduling a check never re-adds a job that left the index.
    await store.scheduleCheck(r.id, Date.now() - 1);
    expect(await store.dueOpenJobs(later, 1000)).not.toContain(r.id);
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

  it("stops waiting at once for a caller whose signal aborted before the wait began", async () => {
    const events = createJobEvents({ subscriber, store });
    const r = record("owner-a");
    const waiter = await events.expect(r.id);
    await store.create(r);
    const gone = AbortSignal.abort();
    // Deadlines past the test's timeout: waiting for them would fail it.
    expect(await waiter.final(60_000, gone)).toBeNull();
    expect((await events.waitForFinal(r.id, 60_000, gone))?.status).toBe("queued");
  });

  it("hands a final record made here to the job's final waiters at once, and only to them", async () => {
    const events = createJobEvents({ subscriber, store });
    const r = record("owner-a");
    const waiter = await events.expect(r.id);
    const other = await events.expect(r.id);
    const heard: string[] = [];
    const stop = await events.listen(r.id, (event) => heard.push(event.status));
    await store.create(r);
    const made: JobRecord = { ...r, status: "succeeded", progress: 1 };
    events.settle(made);
    events.settle({ ...made, id: newId("job") }); // nobody waits on it: nothing happens
    // The record itself, before any event: nothing was read or parsed.
    expect(await waiter.final(1000)).toBe(made);
    expect(await other.final(1000)).toBe(made);
    expect(heard).toEqual([]);
    // Other listeners still hear the job's own events.
    await store.transition(r.id, ["queued"], "succeeded", { progress: 1 });
    await waitFor(() => heard.includes("succeeded"), { timeoutMs: 2000 });
    await stop();
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

describe("create with a hold", () => {
  const withCost = (owner: string, estimated: number) => {
    const r = record(owner);
    return {
      ...r,
      cost: { estimated_usd: estimated, actual_usd: null, source: null, hold_id: r.id },
    } as JobRecord;
  };

  it.each([
    { name: "a priced job holds its estimate", micros: 70_000, held: 70_000 },
    { name: "a free job holds zero, still settleable", micros: 0, held: 0 },
  ])("$name, once however often the create runs", async ({ micros, held }) => {
    const owner = `key_${randomUUID().slice(0, 8)}`;
    const budgets = createBudgetStore({ redis, prefix });
    const job = withCost(owner, micros / 1_000_000);
    await store.create(job, { holdMicros: micros });
    await store.create(job, { holdMicros: micros });
    const ledger = await budgets.ledger(owner);
    expect({ held: ledger.held, holds: [...ledger.holds] }).toEqual({
      held,
      holds: [[job.id, micros]],
    });
    const at = Math.floor(Date.now() / 1000);
    const settlement = { micros, images: 1, model: "flux.2-max", provider: "local", at };
    expect(await budgets.settle(owner, job.id, settlement)).toBe(true);
    expect(await budgets.settle(owner, job.id, settlement)).toBe(false);
    const after = await budgets.ledger(owner);
    expect({ spent: after.spent, held: after.held }).toEqual({ spent: micros, held: 0 });
  });

  it("without holdMicros takes no hold", async () => {
    const owner = `key_${randomUUID().slice(0, 8)}`;
    const job = withCost(owner, 0.07);
    await store.create(job);
    const ledger = await createBudgetStore({ redis, prefix }).ledger(owner);
    expect(ledger.holds.size).toBe(0);
  });
});

describe("a final write that ends its job (`ends`)", () => {
  // The record a success write makes of `job`; a job without a cost stays without one.
  const succeeded = (job: JobRecord, actualUsd: number): JobRecord => ({
    ...job,
    status: "succeeded",
    provider: "local",
    completed_at: Math.floor(Date.now() / 1000),
    cost: job.cost && { ...job.cost, actual_usd: actualUsd },
    result: {
      created: 1,
      images: [
        {
          key: `jobs/ab/${job.id}-0.png`,
          format: "png",
          width: 8,
          height: 8,
          bytes: 9,
          seed: null,
          revised_prompt: null,
        },
      ],
      output_format: "png",
      size: "8x8",
    },
  });

  async function started(micros: number) {
    const owner = `key_${randomUUID().slice(0, 8)}`;
    const base = record(owner);
    const job = {
      ...base,
      cost: { estimated_usd: micros / 1e6, actual_usd: null, source: null, hold_id: base.id },
    } as JobRecord;
    await store.create(job, { holdMicros: micros });
    await store.move(job.id, ["queued"], "in_progress");
    return job;
  }

  const dueKey = `${prefix}:retention:due`;

  it("settles the hold to the actual cost and lists the images, in the same step, once, reading nothing back", async () => {
    const job = await started(70_000);
    const budgets = createBudgetStore({ redis, prefix });
    const final = succeeded(job, 0.05);
    const { completed_at, cost, result, provider } = final;
    const patch = { completed_at, cost, result, provider };
    const written = await store.move(job.id, ["in_progress"], "succeeded", patch, { ends: final });
    // It answers the record it was given, which is the record as stored (nothing read back).
    expect(written).toEqual({ moved: true, record: final });
    expect(await store.get(job.id)).toEqual(final);
    const ledger = await budgets.ledger(job.owner);
    expect({ spent: ledger.spent, held: ledger.held, holds: ledger.holds.size }).toEqual({
      spent: 50_000,
      held: 0,
      holds: 0,
    });
    expect((await budgets.totals(job.owner)).jobs).toBe(1);
    expect(await redis.zscore(dueKey, `jobs/ab/${job.id}-0.png`)).toBe(
      String((job.created_at + 600) * 1000),
    );
    // A second write is not allowed (final already), and counts nothing twice.
    expect(
      (await store.move(job.id, ["in_progress"], "succeeded", patch, { ends: final })).moved,
    ).toBe(false);
    expect((await budgets.totals(job.owner)).jobs).toBe(1);
  });

  it("ends nothing when its status may not move (a job canceled meanwhile)", async () => {
    const job = await started(70_000);
    await store.move(job.id, ["in_progress"], "canceled");
    const final = succeeded(job, 0.05);
    expect(
      (await store.move(job.id, ["in_progress"], "succeeded", {}, { ends: final })).moved,
    ).toBe(false);
    const ledger = await createBudgetStore({ redis, prefix }).ledger(job.owner);
    expect({ spent: ledger.spent, held: ledger.held }).toEqual({ spent: 0, held: 70_000 });
    expect(await redis.zscore(dueKey, `jobs/ab/${job.id}-0.png`)).toBeNull();
  });

  it("lists the blobs of a job without a hold, and touches no owner's usage", async () => {
    const job = record(`key_${randomUUID().slice(0, 8)}`);
    await store.create(job);
    await store.move(job.id, ["queued"], "in_progress");
    const final = succeeded(job, 0);
    expect(
      (await store.move(job.id, ["in_progress"], "succeeded", {}, { ends: final })).moved,
    ).toBe(true);
    expect(await redis.zscore(dueKey, `jobs/ab/${job.id}-0.png`)).not.toBeNull();
    expect(await redis.exists(`${prefix}:owner:${job.owner}:usage`)).toBe(0);
  });
});
