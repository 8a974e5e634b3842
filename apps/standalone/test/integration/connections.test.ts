/**
 * Each role's Redis connections (docs/decisions/0015-lean-hot-path.md): the
 * job store's connection carries our scripts only, BullMQ's ~50 live on a
 * queue connection of their own — on a Cluster ioredis copies every script
 * of a connection into each auto-pipeline it builds, so sharing them made
 * every store write pay for BullMQ's.
 */

import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeps } from "@imagegate/api";
import { createRedis, loadConfig } from "@imagegate/jobs";
import { startGateway } from "./gateway";

/** The names of the script commands defined on an ioredis client. */
const scriptsOf = (client: object) =>
  Object.keys((client as { scriptsSet: Record<string, unknown> }).scriptsSet);

it("the API's job-store connection carries no BullMQ script once a job is queued", async () => {
  const config = loadConfig({
    REDIS_URL: process.env.REDIS_URL as string,
    QUEUE_PREFIX: `test-${randomUUID()}`,
    STORAGE_DIR: mkdtempSync(join(tmpdir(), "imagegate-files-")),
    LOG_LEVEL: "silent",
  });
  const deps = await createDeps(config);
  try {
    await deps.queues.enqueue({
      jobId: `job_${randomUUID()}`,
      providerOrder: ["local"],
      providerIndex: 0,
    });
    // Ours (imagegate…) and the rate limiter's; with BullMQ's the connection held 58.
    expect(scriptsOf(deps.redis)).toContain("imagegateCreateJob");
    expect(scriptsOf(deps.redis).length).toBeLessThan(10);
  } finally {
    await deps.close();
  }
});

it("both roles of a gateway keep their queues on connections of their own", async () => {
  const gateway = await startGateway();
  const redis = createRedis({ url: process.env.REDIS_URL as string });
  try {
    const list = (await redis.call("CLIENT", "LIST")) as string;
    const names = new Set([...list.matchAll(/ name=(\S+)/g)].map((m) => m[1]));
    for (const name of [
      "imagegate-api",
      "imagegate-api-queues",
      "imagegate-worker",
      "imagegate-worker-queues",
    ]) {
      expect(names).toContain(name);
    }
  } finally {
    redis.disconnect();
    await gateway.close();
  }
});
