/**
 * Producers for the per-provider image queues, shared by the API (submit)
 * and the worker (failover). Job options come from the provider's limits
 * (`retry-policy.ts`).
 */
import { type ProviderId, TASK_PROVIDERS } from "@imagegate/params";
import { Job, type JobsOptions, Queue } from "bullmq";
import { isCluster, redisKeys } from "./keys";
import type { ProviderLimits } from "./providers-file";
import { bullmqOptions, type QueueConnection } from "./queue-connection";
import { type ImageJobData, imageQueueName, PRIORITY, parkedQueueName } from "./queues";
import { imageRetryPolicy } from "./retry-policy";

export type ImageQueues = ReturnType<typeof createImageQueues>;

/** How long a process reuses what it learnt of a provider's pause. */
const PAUSE_CHECK_MS = 200;

/** Queue entry states that will still run. */
const LIVE_STATES = new Set(["waiting", "delayed", "prioritized", "active", "waiting-children"]);

/** An entry that carries on after `attemptsMade` attempts made elsewhere, in `delayMs`. */
export type EntryRetry = { attemptsMade: number; delayMs: number };

/** BullMQ options of an image job on a provider with these limits. */
export function imageJobOptions(
  jobId: string,
  limits: ProviderLimits,
  priority: keyof typeof PRIORITY = "interactive",
  retry?: EntryRetry,
): JobsOptions {
  return {
    jobId,
    ...imageRetryPolicy(limits, retry?.attemptsMade),
    ...(retry ? { delay: Math.max(0, Math.round(retry.delayMs)) } : {}),
    ...(PRIORITY[priority] > 0 ? { priority: PRIORITY[priority] } : {}),
  };
}

/** One Queue per provider, created on first use. */
export function createImageQueues(
  options: QueueConnection & { limits: Record<ProviderId, ProviderLimits> },
) {
  const keys = redisKeys(options.prefix, isCluster(options.connection));
  // Every image queue (the providers' and the parked ones), by name, created on first use.
  const queues = new Map<string, Queue<ImageJobData>>();
  const queueNamed = (name: string): Queue<ImageJobData> => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue<ImageJobData>(name, bullmqOptions(options, name));
      queues.set(name, queue);
    }
    return queue;
  };
  const pauseKey = (provider: ProviderId) => keys.paused(imageQueueName(provider));
  // A run asks before each upstream call; the answer is reused for a moment (a pause lasts seconds).
  const pauseSeen = new Map<ProviderId, { untilMs: number; checkedAt: number }>();
  const get = (provider: ProviderId) => queueNamed(imageQueueName(provider));
  /** The provider's parked queue (docs/decisions/0017-parked-waits.md). */
  const parked = (provider: ProviderId) => queueNamed(parkedQueueName(provider));
  /** The queues an entry of the job can be on for `provider`: its own, then a task provider's parked one. */
  const queuesOf = (provider: ProviderId) =>
    TASK_PROVIDERS.has(provider) ? [get(provider), parked(provider)] : [get(provider)];
  /**
   * Enqueues job `data.jobId` on the queue of `data.providerOrder[data.providerIndex]`;
   * `retry` makes it a later attempt (a direct run handing over, docs/decisions/0018-direct-runs.md).
   */
  async function enqueue(
    data: ImageJobData,
    priority: keyof typeof PRIORITY = "interactive",
    retry?: EntryRetry,
  ): Promise<void> {
    const provider = data.providerOrder[data.providerIndex];
    if (!provider) throw new Error(`provider index ${data.providerIndex} out of range`);
    // A failover re-adds the same job id to another queue: ids are unique per queue.
    await get(provider).add(
      "image",
      data,
      imageJobOptions(data.jobId, options.limits[provider], priority, retry),
    );
  }
  /** A job's entry on `providers`' queues: its state, and the queue of a live one. */
  async function entry(
    jobId: string,
    providers: readonly ProviderId[],
  ): Promise<{ state: string; provider: ProviderId | null }> {
    let seen = "missing";
    for (const provider of providers) {
      for (const queue of queuesOf(provider)) {
        const state = await queue.getJobState(jobId);
        if (LIVE_STATES.has(state)) return { state, provider };
        if (state !== "unknown") seen = state;
      }
    }
    return { state: seen, provider: null };
  }
  /**
   * Makes a parked job due now (a provider callback came, or the job was
   * canceled and its worker must cancel the task); false when it was not
   * waiting parked.
   */
  async function wake(jobId: string, providers: readonly ProviderId[]): Promise<boolean> {
    for (const provider of providers.filter((p) => TASK_PROVIDERS.has(p))) {
      // Promote needs only the id: no read of the entry first (a callback wakes thousands).
      const job = new Job<ImageJobData>(parked(provider), "image", {} as ImageJobData, {}, jobId);
      try {
        await job.promote();
        return true;
      } catch {
        // Not there, or not delayed (running, or already due): it polls soon anyway.
      }
    }
    return false;
  }
  return {
    get,
    parked,
    enqueue,
    /**
     * Parks a job whose task is still running: a delayed entry on its
     * provider's parked queue, due at `wakeAtMs`, with the attempts its run
     * had left. Added before the caller's entry ends, so a crash in between
     * leaves two entries (fenced runs), never none.
     */
    async park(data: ImageJobData, wakeAtMs: number, attemptsLeft: number): Promise<void> {
      const provider = data.providerOrder[data.providerIndex] as ProviderId;
      await parked(provider).add("image", data, {
        ...imageJobOptions(data.jobId, options.limits[provider]),
        attempts: Math.max(1, attemptsLeft),
        delay: Math.max(0, wakeAtMs - Date.now()),
      });
    },
    wake,
    /**
     * Pauses a provider after a 429: BullMQ's manual rate limit stops its
     * workers fetching, and our own pause key (which a job checks before it
     * calls the upstream) holds back any job that slips through meanwhile.
     */
    async pause(provider: ProviderId, ms: number): Promise<void> {
      const key = pauseKey(provider);
      pauseSeen.set(provider, { untilMs: Date.now() + ms, checkedAt: Date.now() });
      const left = await options.connection.pttl(key);
      if (left < ms) await options.connection.set(key, "1", "PX", Math.max(1, Math.ceil(ms)));
      await get(provider).rateLimit(ms);
    },
    /** Milliseconds left of a provider's pause, 0 when none. */
    async pausedForMs(provider: ProviderId): Promise<number> {
      const now = Date.now();
      const seen = pauseSeen.get(provider);
      if (seen && now - seen.checkedAt < PAUSE_CHECK_MS) return Math.max(0, seen.untilMs - now);
      const left = Math.max(0, await options.connection.pttl(pauseKey(provider)));
      pauseSeen.set(provider, { untilMs: now + left, checkedAt: now });
      return left;
    },
    /**
     * Jobs ahead of `jobId` on the first of `providers` whose queue holds it
     * waiting, or null. Plain waiting jobs run before prioritized ones
     * (batch children), so those count first.
     */
    async position(jobId: string, providers: readonly ProviderId[]): Promise<number | null> {
      for (const provider of providers) {
        const keys = get(provider).keys;
        const [len, index, rank] = (await options.connection
          .multi()
          .llen(keys.wait as string)
          .lpos(keys.wait as string, jobId)
          .zrank(keys.prioritized as string, jobId)
          .exec()) as [unknown, number | null][];
        const waiting = len?.[1] as number;
        // The wait list is pushed on the left and taken from the right.
        if (typeof index?.[1] === "number") return waiting - 1 - index[1];
        if (typeof rank?.[1] === "number") return waiting + rank[1];
      }
      return null;
    },
    /**
     * Where the queue entries of `jobId` are on `providers`' queues: the
     * first one that will still run (waiting, delayed, prioritized, active),
     * else the last state seen ("completed", "failed"), else "missing".
     */
    async entryState(jobId: string, providers: readonly ProviderId[]): Promise<string> {
      return (await entry(jobId, providers)).state;
    },
    entry,
    /**
     * Whether some worker, in any process, takes jobs from `provider`'s queue
     * (BullMQ names its worker connections; where CLIENT LIST is refused it
     * answers yes).
     */
    async served(provider: ProviderId): Promise<boolean> {
      return (await get(provider).getWorkersCount()) > 0;
    },
    /** How many workers, in any process, take jobs from `provider`'s queue. */
    async workerCount(provider: ProviderId): Promise<number> {
      return get(provider).getWorkersCount();
    },
    /**
     * Puts a job back on a queue (the reconciler): drops its old entries on
     * `data.providerOrder`'s queues, whatever their state, then adds a fresh one.
     */
    async requeue(
      data: ImageJobData,
      priority: keyof typeof PRIORITY = "interactive",
    ): Promise<void> {
      await Promise.all(
        data.providerOrder.flatMap((p) =>
          queuesOf(p).map((queue) => queue.remove(data.jobId).catch(() => 0)),
        ),
      );
      await enqueue(data, priority);
    },
    /**
     * Removes a job still waiting on any of `providers`' queues (a cancel);
     * active ones stay, and a parked one is woken instead, so that its worker
     * cancels the upstream task it waits on.
     */
    async remove(jobId: string, providers: readonly ProviderId[]): Promise<void> {
      await Promise.all(
        providers.map((p) =>
          get(p)
            .remove(jobId)
            .catch(() => 0),
        ),
      );
      await wake(jobId, providers);
    },
    /** Enqueues many jobs at once (`addBulk` per provider), e.g. a batch's children. */
    async enqueueMany(
      items: ImageJobData[],
      priority: keyof typeof PRIORITY = "batch",
    ): Promise<void> {
      const byProvider = new Map<ProviderId, ImageJobData[]>();
      for (const item of items) {
        const provider = item.providerOrder[item.providerIndex] as ProviderId;
        const list = byProvider.get(provider);
        if (list) list.push(item);
        else byProvider.set(provider, [item]);
      }
      await Promise.all(
        [...byProvider].map(([provider, list]) =>
          get(provider).addBulk(
            list.map((data) => ({
              name: "image",
              data,
              opts: imageJobOptions(data.jobId, options.limits[provider], priority),
            })),
          ),
        ),
      );
    },
    /** Closes every queue. */
    async close(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
