/**
 * What the two durable writes of a synchronous job cost at 1 in flight, on
 * this machine, in the same run as `proxy.ts`'s gateways: the floor under
 * imagegate's added latency that no proxy pays. A direct run's job is saved
 * before its upstream call and written succeeded before its answer
 * (docs/decisions/0018-direct-runs.md), each a Redis round trip the request
 * waits for. Here the gateway's own job store replays those two writes
 * around the same fake upstream's call, with a record the gateway wrote
 * (same fields, same sizes): create, call, final write, one job after
 * another, as cold between requests as the gateway is at 1 in flight.
 */
import { randomUUID } from "node:crypto";
import { Agent } from "node:http";
import {
  createJobStore,
  createRedis,
  decodeJobRecord,
  type JobPatch,
  type JobRecord,
} from "@imagegate/jobs";
import { postJson } from "./post-json";
import { median } from "./stats";

/** p50s in ms of one job's create, final write and both (their sum per job), and jobs timed. */
export type DurableWrites = { create: number; final: number; both: number; jobs: number };

/**
 * Replays a synchronous job's two writes for `durationS` around calls to
 * `upstreamUrl`, on `redisUrl` under `prefix`, with the succeeded record
 * `sample` (a hash the gateway wrote) as the model of each job.
 */
export async function timeDurableWrites(options: {
  redisUrl: string;
  prefix: string;
  sample: Record<string, string>;
  upstreamUrl: string;
  upstreamBody: unknown;
  durationS: number;
}): Promise<DurableWrites> {
  const final = decodeJobRecord(options.sample);
  if (final?.status !== "succeeded")
    throw new Error("durable writes: the sample is not a succeeded job");
  // The gateway's connection settings for its job store: one socket write per turn.
  const redis = createRedis({ url: options.redisUrl, name: "bench-durable", batchWrites: true });
  const store = createJobStore({ redis, prefix: options.prefix, ttlSeconds: 3600 });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(options.upstreamUrl);
  const body = JSON.stringify(options.upstreamBody);
  // What the direct run's final write sets (deliver.ts), taken from the gateway's own record.
  const patch: JobPatch = {
    provider: final.provider,
    attempts: final.attempts,
    attempt_log: final.attempt_log,
    applied: final.applied,
    cost: final.cost,
    progress: 1,
    completed_at: final.completed_at,
    result: final.result,
  };
  const creates: number[] = [];
  const finals: number[] = [];
  const both: number[] = [];
  try {
    const end = performance.now() + options.durationS * 1000;
    while (performance.now() < end) {
      const id = `job_bench${randomUUID().replaceAll("-", "")}`;
      const fence = `run-direct:${id}-${Date.now()}`;
      const claimed: JobRecord = {
        ...final,
        id,
        status: "in_progress",
        run: fence,
        progress: 0,
        completed_at: null,
        applied: null,
        result: null,
        attempt_log: [],
        upstream_tasks: [],
        cost: final.cost ? { ...final.cost, hold_id: id } : null,
      };
      const t0 = performance.now();
      await store.create(claimed, { holdMicros: 0 });
      const t1 = performance.now();
      const status = await postJson(agent, url, body);
      if (status !== 200) throw new Error(`durable writes: the upstream answered ${status}`);
      const t2 = performance.now();
      const { moved } = await store.move(id, ["in_progress"], "succeeded", patch, {
        fence,
        tasks: final.upstream_tasks.map((t) => ({ ...t })),
        ends: { ...claimed, ...patch, status: "succeeded" },
      });
      const t3 = performance.now();
      if (!moved) throw new Error(`durable writes: job ${id} did not move to succeeded`);
      creates.push(t1 - t0);
      finals.push(t3 - t2);
      both.push(t1 - t0 + (t3 - t2));
    }
  } finally {
    agent.destroy();
    redis.disconnect();
  }
  return { create: median(creates), final: median(finals), both: median(both), jobs: both.length };
}
