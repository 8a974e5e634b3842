/**
 * The other half of an async submit: the workers' outbox relay, which adds
 * the queue entries of the jobs the API saved
 * (docs/decisions/0020-submit-through-an-outbox.md). After the submit
 * rounds, checks that the outbox holds one entry per accepted submit, then
 * drains it with one relay in this process, a batch at a time, and checks
 * that every job got its queue entry. The relay's CPU and Redis's per job
 * are the part of a submit's cost that moved from the API to the workers.
 */
import {
  createImageQueues,
  decodeOutboxEntry,
  type ImageQueues,
  loadConfig,
  redisKeys,
} from "@imagegate/jobs";
import { createOutboxRelay } from "@imagegate/worker";
import { Redis } from "ioredis";
import type { BenchResult } from "./types";

type ProviderId = Parameters<ImageQueues["get"]>[0];

/** Redis's own CPU time so far (INFO cpu), in ms. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const read = (field: string) => Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read("used_cpu_user") + read("used_cpu_sys")) * 1000;
}

/** Entries waiting on `providers`' queues. */
async function queuedOn(queues: ImageQueues, providers: Set<ProviderId>): Promise<number> {
  let sum = 0;
  for (const provider of providers) sum += await queues.get(provider).count();
  return sum;
}

/** Drains the outbox of `prefix` taking `batchSize` entries at a time; what it cost a job. */
async function drain(
  redisUrl: string,
  prefix: string,
  batchSize: number,
  count: number,
  providers: Set<ProviderId>,
) {
  const config = loadConfig({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix });
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queueConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = createImageQueues({ connection: queueConnection, prefix, limits: config.limits });
  const logger = {
    error: (obj: object, msg?: string) => {
      throw new Error(`relay: ${msg} ${JSON.stringify(obj)}`);
    },
  };
  const relay = createOutboxRelay({ connection, prefix, queues, logger, batchSize });
  try {
    const redisBefore = await redisCpuMs(queueConnection);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let relayed = 0;
    while (relayed < count) {
      const n = await relay.drainOnce();
      if (n === 0) break;
      relayed += n;
    }
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const redisMs = (await redisCpuMs(queueConnection)) - redisBefore;
    const perJob = (value: number) => Math.round(value / Math.max(1, relayed));
    return {
      relayed,
      jobsPerS: Math.round((relayed * 1000) / ms),
      cpuUs: perJob(cpu.user + cpu.system),
      redisUs: perJob(redisMs * 1000),
      queued: await queuedOn(queues, providers),
    };
  } finally {
    await relay.stop();
    await queues.close();
    queueConnection.disconnect();
  }
}

/**
 * Relays the jobs the gateway saved under `prefix`, in batches of 10, then
 * of 200: `accepted` answered with a 202, and up to `unanswered` more that
 * were still in flight when a load run ended (their answers are not counted).
 */
export async function measureRelay(
  redisUrl: string,
  prefix: string,
  accepted: number,
  unanswered: number,
): Promise<BenchResult[]> {
  const redis = new Redis(redisUrl);
  const outbox = redisKeys(prefix).outbox();
  const saved = await redis.llen(outbox);
  // The queues the jobs go to: their first provider (the bench's route, or whatever the env enables).
  const providers = new Set<ProviderId>();
  for (const raw of await redis.lrange(outbox, 0, 999)) {
    const entry = decodeOutboxEntry(raw)?.data;
    if (entry) providers.add(entry.providerOrder[entry.providerIndex] as ProviderId);
  }
  redis.disconnect();
  if (saved < accepted || saved > accepted + unanswered) {
    throw new Error(`the outbox holds ${saved} entries for ${accepted} accepted submits`);
  }
  // Steady load keeps batches small (what piles up in one round trip); a backlog fills them.
  const small = await drain(redisUrl, prefix, 10, Math.floor(saved / 2), providers);
  const large = await drain(redisUrl, prefix, 200, saved - small.relayed, providers);
  const queued = large.queued;
  if (small.relayed + large.relayed !== saved || queued !== saved) {
    throw new Error(
      `relayed ${small.relayed + large.relayed} and queued ${queued} of ${saved} saved jobs`,
    );
  }
  const note = (d: typeof small, size: number) =>
    `one relay, batches of ${size}: ${d.jobsPerS} jobs/s, Redis ${d.redisUs} µs a job`;
  return [
    {
      name: "submit.relay.cpu_us_per_job",
      value: small.cpuUs,
      unit: "µs",
      note: note(small, 10),
    },
    {
      name: "submit.relay.backlog_cpu_us_per_job",
      value: large.cpuUs,
      unit: "µs",
      note: `${note(large, 200)}; ${queued} of ${saved} saved jobs queued (${accepted} answered)`,
    },
  ];
}
