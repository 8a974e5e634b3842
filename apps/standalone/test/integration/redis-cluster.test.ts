/**
 * The gateway on a real Redis Cluster (3 primaries + 3 replicas started by
 * the test kit): sync, async and batch requests work, the keys live on the
 * cluster (hash-tagged: records in one slot, each queue in its own), and
 * killing the primary that owns the image queue's slot mid-run loses none of
 * the 20 accepted jobs — its replica is promoted and every job succeeds.
 */
import { createRedis, type RedisClient } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import { createLocalProvider, type ImageProvider, sleep } from "@imagegate/providers";
import { type Json, startRedisCluster, type TestRedisCluster, waitFor } from "@imagegate/testkit";
import OpenAI from "openai";
import { startGateway, type TestGateway } from "./gateway";
import { runBatch } from "./run-batch";

/** The local renderer, slowed down so jobs are still running when a primary dies. */
function slowLocal(ms: number): Map<ProviderId, ImageProvider> {
  const local = createLocalProvider();
  return new Map([
    [
      "local",
      {
        id: "local",
        async submit(plan, call, ctx) {
          await sleep(ms, ctx.signal);
          return local.submit(plan, call, ctx);
        },
      },
    ],
  ]);
}

let cluster: TestRedisCluster;
let gateway: TestGateway;
let client: OpenAI;
let redis: RedisClient;
let prefix: string;

beforeAll(async () => {
  cluster = await startRedisCluster();
  gateway = await startGateway({
    providers: slowLocal(300),
    env: {
      REDIS_CLUSTER_NODES: cluster.nodes,
      // A run whose primary died mid-job is taken over quickly once its lock lapses.
      WORKER_LOCK_MS: "2000",
    },
  });
  prefix = gateway.config.queuePrefix;
  client = new OpenAI({ apiKey: gateway.apiKey, baseURL: gateway.baseURL, maxRetries: 0 });
  redis = createRedis({ ...gateway.config.redis });
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  await gateway?.close();
  await cluster?.stop();
});

async function finalJob(id: string): Promise<Json> {
  const res = await gateway.get(`/v1/jobs/${id}?wait=60`);
  expect(res.status).toBe(200);
  return res.body;
}

describe("imagegate on a Redis Cluster", () => {
  it("answers a sync generation and keeps the job's keys on the cluster, hash-tagged", async () => {
    const res = await gateway.post("/v1/images/generations", { prompt: "sync", size: "32x32" });
    expect(res.status).toBe(200);
    const body = res.body as { job_id: string; data: { url: string }[] };
    expect((await fetch(body.data[0]?.url as string)).status).toBe(200);
    // Records share the {prefix} tag (scripts touch a job and its indexes together).
    expect(await redis.exists(`{${prefix}}:job:${body.job_id}`)).toBe(1);
    expect(await redis.zcard(`{${prefix}}:jobs:open`)).toBe(0);
    // Each queue has its own tag, so queues spread over the primaries.
    const queueKey = `{${prefix}:images-local}:images-local:meta`;
    expect(await redis.exists(queueKey)).toBe(1);
    expect(await cluster.holders(queueKey)).toHaveLength(2);
  });

  it("runs an async job to success", async () => {
    const res = await gateway.post(
      "/v1/images/generations",
      { prompt: "async", size: "32x32" },
      { prefer: "respond-async" },
    );
    expect(res.status).toBe(202);
    expect(await finalJob((res.body as { id: string }).id)).toMatchObject({ status: "succeeded" });
  });

  it("runs a batch to completion", async () => {
    const lines = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({
        custom_id: `c-${i}`,
        method: "POST",
        url: "/v1/images/generations",
        body: { prompt: `line ${i}`, size: "16x16" },
      }),
    );
    const batch = await runBatch(client, `${lines.join("\n")}\n`, 30_000);
    expect(batch.request_counts).toEqual({ total: 6, completed: 6, failed: 0 });
    const output = await (await client.files.content(batch.output_file_id as string)).text();
    expect(output.trim().split("\n")).toHaveLength(6);
  });

  it("loses no accepted job when the primary of the queue's slot is killed mid-run", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await gateway.post(
        "/v1/images/generations",
        { prompt: `failover ${i}`, size: "32x32" },
        { prefer: "respond-async" },
      );
      expect(res.status).toBe(202);
      ids.push((res.body as { id: string }).id);
    }
    // Mid-run: some jobs done, the rest queued or running.
    await waitFor(
      async () => {
        const res = await gateway.get(`/v1/jobs/${ids[2]}`);
        return (res.body as { status: string }).status === "succeeded";
      },
      { timeoutMs: 20_000, intervalMs: 50, message: "the first jobs to succeed" },
    );
    const open = [];
    for (const id of ids) {
      const { status } = (await gateway.get(`/v1/jobs/${id}`)).body as { status: string };
      if (status !== "succeeded") open.push(id);
    }
    expect(open.length).toBeGreaterThan(5);
    const queueSlot = `{${prefix}:images-local}`;
    const { killed, promoted } = await cluster.killPrimaryOf(queueSlot);
    expect(promoted).not.toBe(killed);
    const statuses = [];
    for (const id of ids) statuses.push(((await finalJob(id)) as { status: string }).status);
    expect(statuses).toEqual(ids.map(() => "succeeded"));
  }, 120_000);
});
