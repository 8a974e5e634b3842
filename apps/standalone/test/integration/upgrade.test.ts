/**
 * A rolling upgrade over a durable queue: a job the previous version created
 * and queued — its record's `doc` naming the failover order `route`, its queue
 * entry `{jobId, route, routeIndex}` — is run by this version's worker. Delete
 * with `upgradeDoc` (job-store.ts) and `upgradeImageJobData` (queues.ts).
 */

import { createRedis, redisKeys } from "@imagegate/jobs";
import { startWorker } from "@imagegate/worker";
import { Queue } from "bullmq";
import { finalJob, submitAsync } from "./faults/rig";
import { startGateway, type TestGateway } from "./gateway";

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startGateway({ worker: false });
});

afterAll(async () => {
  await gateway.close();
});

it("runs a job the previous version stored and queued with `route`", async () => {
  const id = await submitAsync(gateway, { prompt: "queued before the upgrade", size: "64x64" });
  const key = redisKeys(gateway.config.queuePrefix).job(id);
  const queue = new Queue("images-local", {
    connection: { url: gateway.config.redis.url },
    prefix: gateway.config.queuePrefix,
  });
  const redis = await queue.client;
  // Rewrite the record and the queue entry as the previous version wrote them.
  const { provider_order, ...doc } = JSON.parse((await redis.hget(key, "doc")) as string);
  await redis.hset(key, { doc: JSON.stringify({ ...doc, route: provider_order }) });
  // That version queued the entry itself: no outbox entry.
  const outbox = createRedis(gateway.config.redis);
  expect(await outbox.rpop(redisKeys(gateway.config.queuePrefix).outbox())).toContain(id);
  outbox.disconnect();
  await queue.add("image", { jobId: id, route: provider_order, routeIndex: 0 }, { jobId: id });
  const worker = await startWorker(gateway.config);
  try {
    const job = await finalJob(gateway, id, 20_000);
    expect(job).toMatchObject({ status: "succeeded", provider: "local" });
    expect(job).not.toHaveProperty("route");
    expect(job).not.toHaveProperty("provider_order");
    // Run from the old entry itself, not put back by the reconciler after that entry failed.
    expect(await redis.hget(key, "reconciled")).toBeNull();
  } finally {
    await worker.close();
    await queue.close();
  }
});
