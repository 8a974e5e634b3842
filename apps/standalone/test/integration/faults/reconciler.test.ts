/**
 * Every job ends (docs/guarantees.md): jobs whose queue entry vanished or
 * was never added — a queued one, one whose outbox entry its relay took and
 * lost, a running one whose worker died, the children of a batch whose
 * ingester was killed mid-way — are found by the reconciler's sweep, put back
 * where their upstream tasks live, and end on one task per call. A job
 * canceled before its entry was relayed never runs.
 */

import { createImageQueues, createRedis, redisKeys } from "@imagegate/jobs";
import { type BflFake, type Json, startBflFake, waitFor } from "@imagegate/testkit";
import { createOutboxRelay, startWorker } from "@imagegate/worker";
import { Queue, QueueEvents } from "bullmq";
import OpenAI, { toFile } from "openai";
import { startGateway, type TestGateway } from "../gateway";
import {
  expectPaidOnce,
  finalJob,
  startWorkerProcess,
  submitAsync,
  tasksOf,
  type WorkerProcess,
} from "./rig";

let bfl: BflFake;
let gateway: TestGateway;
const workers: WorkerProcess[] = [];
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  bfl = await startBflFake("bk");
  gateway = await startGateway({
    worker: false,
    env: {
      BFL_API_KEY: "bk",
      BFL_BASE_URL: bfl.url,
      WORKER_LOCK_MS: "1000",
      RECONCILE_INTERVAL_MS: "300",
    },
    providersFile: {
      providers: {
        bfl: { pollIntervalMs: 25, maxPollIntervalMs: 100, backoffMs: 50, concurrency: 50 },
      },
      // local after bfl: where a job goes when no worker serves bfl any more.
      routes: { "flux.2-max": ["bfl", "local"] },
    },
  });
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
  await Promise.all(stops.splice(0).map((stop) => stop()));
  bfl.taskMs = 30;
});

afterAll(async () => {
  await gateway.close();
  await bfl.close();
});

/** BullMQ options to reach the gateway's queues from outside. */
function queueOptions() {
  return { connection: { url: gateway.config.redis.url }, prefix: gateway.config.queuePrefix };
}

/** Removes a job's BullMQ entry from outside, as a flushed or lost queue would. */
async function dropQueueEntry(id: string): Promise<void> {
  const queue = new Queue("images-bfl", queueOptions());
  try {
    // BullMQ's remove answers 1 for an entry that is not there too.
    await waitFor(async () => (await queue.getJobState(id)) !== "unknown", {
      timeoutMs: 5_000,
      message: "the entry to be there",
    });
    await waitFor(async () => (await queue.remove(id)) === 1, {
      timeoutMs: 5_000,
      message: "the entry to be removable (its lock gone)",
    });
  } finally {
    await queue.close();
  }
}

/** Starts a worker; job `id` must then succeed, paid once. */
async function expectRunPaidOnce(id: string): Promise<void> {
  const worker = await startWorker(gateway.config);
  stops.push(() => worker.close());
  await expectPaidOnce(await finalJob(gateway, id, 20_000), bfl.tasks);
}

/** Adds the queue entries of the jobs waiting in the outbox, as a worker's relay does. */
async function relayOutbox(): Promise<void> {
  const connection = createRedis(gateway.config.redis);
  const queues = createImageQueues({
    connection,
    prefix: gateway.config.queuePrefix,
    limits: gateway.config.limits,
  });
  const relay = createOutboxRelay({
    connection: connection.duplicate(),
    prefix: gateway.config.queuePrefix,
    queues,
    logger: { error: () => {} },
  });
  try {
    while ((await relay.drainOnce()) > 0);
  } finally {
    await relay.stop();
    await queues.close();
    connection.disconnect();
  }
}

describe("the reconciler", () => {
  it("puts back a queued job whose outbox entry was lost (its relay died holding it)", async () => {
    const id = await submitAsync(gateway, { prompt: "lost in the outbox", size: "64x64" });
    const redis = createRedis(gateway.config.redis);
    try {
      // Taken off the outbox, as a relay does before it adds the entry, and never added.
      const taken = await redis.rpop(redisKeys(gateway.config.queuePrefix).outbox());
      expect(taken).toContain(id);
    } finally {
      redis.disconnect();
    }
    await expectRunPaidOnce(id);
  }, 30_000);

  it("never runs a job canceled while its outbox entry waited", async () => {
    const id = await submitAsync(gateway, { prompt: "canceled in the outbox", size: "64x64" });
    const canceled = await gateway.post(`/v1/jobs/${id}/cancel`, {});
    expect(canceled.body.status).toBe("canceled");
    const events = new QueueEvents("images-bfl", queueOptions());
    try {
      await events.waitUntilReady();
      // The relay adds the entry; its run finds the job canceled and ends without a call.
      const ended = new Promise<string>((resolve) => {
        events.on("completed", ({ jobId }) => jobId === id && resolve("completed"));
        events.on("failed", ({ jobId }) => jobId === id && resolve("failed"));
      });
      const worker = await startWorker(gateway.config);
      stops.push(() => worker.close());
      expect(await ended).toBe("completed");
    } finally {
      await events.close();
    }
    expect((await gateway.get(`/v1/jobs/${id}`)).body.status).toBe("canceled");
    expect(tasksOf(bfl.tasks, "canceled in the outbox")).toEqual([]);
  }, 30_000);

  it("puts back a queued job whose queue entry vanished", async () => {
    const id = await submitAsync(gateway, { prompt: "lost while queued", size: "64x64" });
    await relayOutbox();
    await dropQueueEntry(id);
    await expectRunPaidOnce(id);
  }, 30_000);

  it("moves a queued job off a provider no worker serves any more, down its route", async () => {
    const id = await submitAsync(gateway, { prompt: "provider disabled meanwhile", size: "64x64" });
    // The only worker runs without BFL_API_KEY: nothing takes jobs from the bfl queue.
    const config = gateway.config;
    const worker = await startWorker({
      ...config,
      providers: { ...config.providers, bfl: { ...config.providers.bfl, apiKey: undefined } },
    });
    stops.push(() => worker.close());
    const job = await finalJob(gateway, id, 20_000);
    expect({ status: job.status, provider: job.provider }).toEqual({
      status: "succeeded",
      provider: "local",
    });
    expect(tasksOf(bfl.tasks, "provider disabled meanwhile")).toEqual([]);
  }, 30_000);

  it("resumes a running job whose worker died and whose entry vanished, on its one task", async () => {
    bfl.taskMs = 3_000;
    const first = startWorkerProcess(gateway.env);
    workers.push(first);
    const id = await submitAsync(gateway, { prompt: "lost while running", size: "64x64" });
    await first.waitForLog("upstream task submitted", id);
    await first.kill();
    await dropQueueEntry(id);
    workers.push(startWorkerProcess(gateway.env));
    const job = await finalJob(gateway, id, 30_000);
    await expectPaidOnce(job, bfl.tasks);
  }, 40_000);

  it("ends every line of a batch whose ingester was killed mid-way, each paid once", async () => {
    const client = new OpenAI({ apiKey: gateway.apiKey, baseURL: gateway.baseURL, maxRetries: 0 });
    const count = 1_100;
    const body = Array.from({ length: count }, (_, i) =>
      JSON.stringify({
        custom_id: `line-${i}`,
        method: "POST",
        url: "/v1/images/generations",
        body: { prompt: `batch line ${i}`, size: "64x64" },
      }),
    ).join("\n");
    const file = await client.files.create({
      file: await toFile(Buffer.from(body), "lines.jsonl"),
      purpose: "batch",
    });
    const first = startWorkerProcess(gateway.env);
    workers.push(first);
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/images/generations",
      completion_window: "24h",
    });
    // Kill as soon as the first chunk of lines has become jobs.
    await waitFor(
      async () => ((await client.batches.retrieve(batch.id)).request_counts?.total ?? 0) > 0,
      { timeoutMs: 20_000, intervalMs: 5, message: "the first chunk" },
    );
    await first.kill();
    workers.push(startWorkerProcess(gateway.env));
    let done = await client.batches.retrieve(batch.id);
    await waitFor(
      async () => {
        done = await client.batches.retrieve(batch.id);
        return done.status === "completed";
      },
      { timeoutMs: 90_000, intervalMs: 250, message: "the batch to complete" },
    );
    expect(done.request_counts).toEqual({ total: count, completed: count, failed: 0 });
    const output = (await (await client.files.content(done.output_file_id as string)).text())
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Json);
    expect(new Set(output.map((l) => l.custom_id)).size).toBe(count);
    for (let i = 0; i < count; i++) {
      expect(tasksOf(bfl.tasks, `batch line ${i}`)).toHaveLength(1);
    }
  }, 120_000);
});
