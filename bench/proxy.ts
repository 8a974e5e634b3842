/**
 * imagegate against a plain proxy (`pnpm bench proxy`): Portkey's gateway
 * (`@portkey-ai/gateway`, a dev dependency of bench/) and `pnpm start`, both
 * in front of the same fake OpenAI-compatible upstream answering a 64×64 PNG
 * at once; imagegate routes flux.2-max to its OpenAI-compatible adapter,
 * synchronous, `response_format: b64_json`. Interleaved rounds; reports the
 * req/s ratio at 10 in flight (the median of the rounds' ratios), the
 * latency each adds to the upstream's own (p50, p99), the CPU time each
 * spends per answer, the added p50 at 1 in flight (timed per request here:
 * autocannon keeps whole milliseconds), and the Redis commands a sync job
 * costs against a bare BullMQ add + process + waitUntilFinished, counted in
 * the same run. Each round also times the two durable writes of a sync job
 * at 1 in flight (`durable-writes.ts`): what imagegate's c=1 latency holds
 * that a proxy's does not.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startLocalRedis, waitFor } from "@imagegate/testkit";
import autocannon from "autocannon";
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { spawnStandalone, startServer, stopChild } from "./child";
import { cpuMsOf } from "./cpu";
import { type DurableWrites, timeDurableWrites } from "./durable-writes";
import { postJson } from "./post-json";
import { median, percentile } from "./stats";
import type { BenchResult } from "./types";

// Five rounds: the machine's speed drifts within a run, and each round's
// ratio pairs the two gateways measured back to back.
const ROUNDS = 5;
const ROUND_S = 5;

type Target = {
  name: string;
  url: string;
  body: unknown;
  headers: Record<string, string>;
  /** The process serving it, whose CPU time a round reads (Linux `/proc`). */
  pid?: number;
};
type Sample = { rps: number; p50: number; p99: number; cpuMsPerRequest: number };

async function load(target: Target, connections: number, durationS: number): Promise<Sample> {
  const cpuBefore = cpuMsOf(target.pid);
  const result = await autocannon({
    url: target.url,
    method: "POST",
    connections,
    duration: durationS,
    headers: { "content-type": "application/json", ...target.headers },
    body: JSON.stringify(target.body),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return {
    rps: result["2xx"] / durationS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: (cpuMsOf(target.pid) - cpuBefore) / Math.max(1, result["2xx"]),
  };
}

/** What one request takes, in ms with sub-ms precision (autocannon's histogram keeps whole ms). */
async function timeOne(agent: Agent, target: Target, body: string): Promise<number> {
  const started = performance.now();
  const status = await postJson(agent, new URL(target.url), body, target.headers);
  if (status !== 200) throw new Error(`${target.name}: ${status}`);
  return performance.now() - started;
}

/** One request at a time for `durationS` on one kept-alive connection: p50 and p99 in ms. */
async function sequential(target: Target, durationS: number): Promise<Sample> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify(target.body);
  const times: number[] = [];
  try {
    const end = performance.now() + durationS * 1000;
    while (performance.now() < end) times.push(await timeOne(agent, target, body));
  } finally {
    agent.destroy();
  }
  return {
    rps: times.length / durationS,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    cpuMsPerRequest: 0,
  };
}

function spawnPortkey(port: number): ChildProcess {
  const entry = createRequire(__filename).resolve("@portkey-ai/gateway/build/start-server.js");
  return spawn(process.execPath, [entry, `--port=${port}`, "--headless"], {
    env: { ...process.env, NODE_ENV: "production" },
    stdio: "ignore",
  });
}

async function ready(url: string, body: unknown, headers: Record<string, string>): Promise<void> {
  await waitFor(
    async () =>
      (
        await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        })
      ).ok,
    { timeoutMs: 60_000, intervalMs: 250, message: `${url} to answer` },
  );
}

/** Total commands Redis has executed (INFO commandstats, less the INFO calls). */
async function commandsSoFar(redis: Redis): Promise<number> {
  const info = await redis.info("commandstats");
  let total = 0;
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (m[1] !== "info") total += Number(m[2]);
  }
  return total;
}

/** Redis commands per job of `jobs` jobs run one after another by `runOne`. */
async function commandsPerJob(redis: Redis, jobs: number, runOne: () => Promise<void>) {
  for (let i = 0; i < 20; i++) await runOne();
  const before = await commandsSoFar(redis);
  for (let i = 0; i < jobs; i++) await runOne();
  return (await commandsSoFar(redis)) - before;
}

/** Commands of a bare BullMQ round trip: add, a worker returns a small result, waitUntilFinished. */
async function bareBullmq(redisUrl: string, jobs: number): Promise<number> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const prefix = `bare-${randomUUID()}`;
  const queue = new Queue("bare", { connection, prefix });
  const events = new QueueEvents("bare", { connection, prefix });
  const worker = new Worker("bare", async () => ({ ok: true }), { connection, prefix });
  const counter = new Redis(redisUrl);
  try {
    await Promise.all([events.waitUntilReady(), worker.waitUntilReady()]);
    const total = await commandsPerJob(counter, jobs, async () => {
      const job = await queue.add("j", { n: 1 }, { removeOnComplete: true });
      // A job removed on completion before the wait looked is finished too.
      await job.waitUntilFinished(events).catch((err: Error) => {
        if (!/Missing key/.test(err.message)) throw err;
      });
    });
    return total / jobs;
  } finally {
    counter.disconnect();
    await Promise.all([worker.close(), events.close(), queue.close()]);
  }
}

/** A succeeded job the gateway wrote under `prefix` (its hash), the model for `timeDurableWrites`. */
async function succeededJob(redis: Redis, prefix: string): Promise<Record<string, string>> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:job:*`, "COUNT", 1000);
    for (const key of keys) {
      if ((await redis.hget(key, "status")) === '"succeeded"') return redis.hgetall(key);
    }
    cursor = next;
  } while (cursor !== "0");
  throw new Error("proxy bench: no succeeded job to model the durable writes on");
}

/** Runs the proxy bench; `redisUrl` is unused: the command count needs a Redis of its own. */
export async function run(_redisUrl: string): Promise<BenchResult[]> {
  const redis = await startLocalRedis();
  const fake = await startServer("fake-openai", {});
  const dir = mkdtempSync(join(tmpdir(), "bench-proxy-"));
  const providersFile = join(dir, "providers.json");
  writeFileSync(
    providersFile,
    JSON.stringify({
      providers: { openai: { concurrency: 64 } },
      routes: { "flux.2-max": ["openai"] },
    }),
  );
  const [portkeyPort, imagegatePort] = [await freePort(), await freePort()];
  const portkey = spawnPortkey(portkeyPort);
  const prefix = `bench-${randomUUID()}`;
  const imagegate = spawnStandalone(imagegatePort, {
    REDIS_URL: redis.url,
    QUEUE_PREFIX: prefix,
    STORAGE_DIR: join(dir, "files"),
    OPENAI_API_KEY: "sk-bench",
    OPENAI_BASE_URL: `${fake.url}/v1`,
    PROVIDERS_FILE: providersFile,
  });
  const prompt = { prompt: "a lighthouse", size: "64x64", response_format: "b64_json" };
  const targets: Target[] = [
    {
      name: "portkey",
      url: `http://127.0.0.1:${portkeyPort}/v1/images/generations`,
      body: { model: "gpt-image-1", ...prompt },
      pid: portkey.pid,
      headers: {
        authorization: "Bearer sk-bench",
        "x-portkey-provider": "openai",
        "x-portkey-custom-host": `${fake.url}/v1`,
      },
    },
    {
      name: "imagegate",
      url: `http://127.0.0.1:${imagegatePort}/v1/images/generations`,
      body: { model: "flux.2-max", ...prompt },
      headers: {},
      pid: imagegate.pid,
    },
  ];
  const direct: Target = {
    name: "upstream",
    url: `${fake.url}/v1/images/generations`,
    body: prompt,
    headers: {},
  };
  const counter = new Redis(redis.url);
  try {
    for (const t of targets) await ready(t.url, t.body, t.headers);
    for (const t of [direct, ...targets]) await load(t, 10, 2); // warm-up
    const sample = await succeededJob(counter, prefix);
    const c10 = new Map<string, Sample[]>();
    const c1 = new Map<string, Sample[]>();
    const writes: DurableWrites[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so drift between rounds hits both alike.
      const order = round % 2 === 0 ? [direct, ...targets] : [direct, ...[...targets].reverse()];
      for (const t of order)
        c10.set(t.name, [...(c10.get(t.name) ?? []), await load(t, 10, ROUND_S)]);
      for (const t of order) c1.set(t.name, [...(c1.get(t.name) ?? []), await sequential(t, 3)]);
      writes.push(
        await timeDurableWrites({
          redisUrl: redis.url,
          prefix: `${prefix}-durable`,
          sample,
          upstreamUrl: direct.url,
          upstreamBody: direct.body,
          durationS: 3,
        }),
      );
    }
    const med = (m: Map<string, Sample[]>, name: string, key: keyof Sample) =>
      median((m.get(name) ?? []).map((s) => s[key]));
    const imagegateTarget = targets[1] as Target;
    const syncCommands = await commandsPerJob(counter, 300, async () => {
      const res = await fetch(imagegateTarget.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(imagegateTarget.body),
      });
      await res.arrayBuffer();
    });
    const bare = await bareBullmq(redis.url, 300);
    const rps = (name: string) => med(c10, name, "rps");
    const roundRatios = (c10.get("imagegate") ?? []).map(
      (s, i) => s.rps / (c10.get("portkey")?.[i]?.rps ?? Number.NaN),
    );
    const sortedRatios = [...roundRatios].sort((a, b) => a - b);
    const added = (m: Map<string, Sample[]>, name: string, key: "p50" | "p99") =>
      Math.max(0, med(m, name, key) - med(m, "upstream", key));
    const results: BenchResult[] = [];
    for (const name of ["portkey", "imagegate"]) {
      results.push(
        {
          name: `proxy.${name}.rps_c10`,
          value: Math.round(rps(name)),
          unit: "req/s",
          note: `median of ${ROUNDS} rounds of ${ROUND_S} s`,
        },
        {
          name: `proxy.${name}.added_p50_c10`,
          value: added(c10, name, "p50"),
          unit: "ms",
          note: "over the upstream's own p50",
        },
        {
          name: `proxy.${name}.added_p99_c10`,
          value: added(c10, name, "p99"),
          unit: "ms",
          note: "over the upstream's own p99",
        },
        {
          name: `proxy.${name}.cpu_ms_per_request_c10`,
          value: Math.round(med(c10, name, "cpuMsPerRequest") * 100) / 100,
          unit: "ms",
          note: "CPU time of its process (all threads) per answer, from /proc",
        },
        {
          name: `proxy.${name}.added_p50_c1`,
          value: Math.round(added(c1, name, "p50") * 100) / 100,
          unit: "ms",
          note: "1 request in flight, timed to 0.01 ms",
        },
      );
    }
    results.push(
      {
        name: "proxy.ratio_rps_c10",
        value: Math.round(median(roundRatios) * 100) / 100,
        unit: "×",
        note: `imagegate req/s / Portkey req/s, median of the ${ROUNDS} rounds' (${sortedRatios
          .map((r) => r.toFixed(2))
          .join(", ")})`,
      },
      {
        name: "proxy.durable_writes_p50_c1",
        value: Math.round(median(writes.map((w) => w.both)) * 100) / 100,
        unit: "ms",
        note: `a sync job's create + final write, 1 in flight, replayed around the same upstream (create ${median(
          writes.map((w) => w.create),
        ).toFixed(
          2,
        )}, final ${median(writes.map((w) => w.final)).toFixed(2)} ms; median of ${ROUNDS} rounds' p50s)`,
      },
      {
        name: "proxy.redis_commands_per_sync_job",
        value: Math.round(syncCommands / 300),
        unit: "commands",
        note: `bare BullMQ add + process + waitUntilFinished: ${Math.round(bare)}`,
      },
    );
    return results;
  } finally {
    counter.disconnect();
    await Promise.all([stopChild(portkey), stopChild(imagegate), fake.stop()]);
    await redis.stop();
  }
}
