/**
 * One BullMQ Worker per enabled provider queue
 * (docs/architecture.md#queues-retries-and-failover): each has the provider's
 * rate limiter, and the queue's global concurrency bounds upstream calls in
 * flight across every worker process.
 */

import {
  BATCH_QUEUE,
  type BatchTaskData,
  type BatchTaskName,
  bullmqOptions,
  type ImageJobData,
  type ImageQueues,
  imageQueueName,
  type ProviderLimits,
  parkedQueueName,
  type QueueConnection,
  WEBHOOK_QUEUE,
  type WebhookDeliveryData,
  webhookBackoffMs,
} from "@imagegate/jobs";
import { type ProviderId, TASK_PROVIDERS } from "@imagegate/params";
import { Worker, type WorkerOptions } from "bullmq";
import type { Logger } from "pino";
import type { LocalSlots } from "./local-slots";
import type { ImageJobProcessor } from "./processors/image-job";

/** Options of `createImageWorkers`. */
export type ImageWorkersOptions = QueueConnection & {
  providers: ProviderId[];
  limits: Record<ProviderId, ProviderLimits>;
  queues: ImageQueues;
  processor: ImageJobProcessor;
  logger: Logger;
  /** Job lock; a killed worker's jobs are picked up again after it (WORKER_LOCK_MS). */
  lockDurationMs: number;
  /** How often workers look for jobs whose lock expired. */
  stalledIntervalMs: number;
  /** Stalls a job survives before BullMQ fails its entry (WORKER_MAX_STALLS). */
  maxStalledCount: number;
  /**
   * Called when BullMQ fails an entry outside our processor's control (the
   * stall limit) or after a run threw: the reconciler makes sure the job ends.
   */
  onEntryFailed: (jobId: string, reason: string) => void;
  /**
   * When this process also runs jobs without a queue entry (direct runs):
   * runs of providers that do not lease their tasks take a slot here too.
   */
  localSlots?: LocalSlots | undefined;
};

/**
 * Parked entries run at once per process: each is one status poll (or, when
 * its task is done, the download and store), and holds no upstream slot.
 */
const PARKED_CONCURRENCY = 50;

/**
 * Runs at once per process on the queue of a provider that parks its waits:
 * a run there submits and parks within seconds, so a few hundred keep up with
 * thousands of submits a second, while the provider's `concurrency` (global
 * concurrency and task leases) still bounds the whole fleet. Without this cap
 * a burst of 10,000 submits starts 10,000 runs in one heap at once.
 */
const PARKING_RUNS_PER_PROCESS = 1_000;

/** The image workers: one per provider queue, and one per parked queue. */
export type ImageWorkers = { workers: Worker<ImageJobData>[]; parked: Worker<ImageJobData>[] };

/**
 * Starts a Worker on each provider's image queue, and on the parked queue of
 * each provider that parks its waits (docs/decisions/0017-parked-waits.md):
 * no global concurrency there — the task leases bound what is in flight.
 */
export async function createImageWorkers(options: ImageWorkersOptions): Promise<ImageWorkers> {
  const workers: Worker<ImageJobData>[] = [];
  const parked: Worker<ImageJobData>[] = [];
  const watch = (worker: Worker<ImageJobData>, provider: ProviderId) => {
    worker.on("error", (err) => options.logger.error({ err, provider }, "worker error"));
    // A run whose lock could not be renewed must stop before its next side effect.
    worker.on("lockRenewalFailed", (jobIds) => options.processor.lockLost(jobIds));
    worker.on("failed", (job, err) => {
      options.logger.warn(
        { jobId: job?.data.jobId, provider, err: err.message },
        "queue entry failed",
      );
      if (job) options.onEntryFailed(job.data.jobId, err.message);
    });
  };
  for (const provider of options.providers) {
    const limits = options.limits[provider];
    await options.queues.get(provider).setGlobalConcurrency(limits.concurrency);
    const name = imageQueueName(provider);
    const settings: WorkerOptions = {
      ...bullmqOptions(options, name),
      concurrency:
        limits.parkAfterMs === null
          ? limits.concurrency
          : Math.min(limits.concurrency, PARKING_RUNS_PER_PROCESS),
      // A limiter costs every fetch three commands: only providers with a published rate get one.
      // A 429 pause holds back the others through the pause key each run checks (image-job.ts).
      ...(limits.rateLimit
        ? { limiter: { max: limits.rateLimit.max, duration: limits.rateLimit.durationMs } }
        : {}),
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount,
    };
    const slots = options.localSlots?.bounds(provider) ? options.localSlots : undefined;
    const worker = new Worker<ImageJobData>(
      name,
      slots
        ? async (job, token) => {
            await slots.take(provider);
            try {
              return await options.processor.process(job, token);
            } finally {
              slots.release(provider);
            }
          }
        : (job, token) => options.processor.process(job, token),
      settings,
    );
    watch(worker, provider);
    workers.push(worker);
    // Always for a task provider, even with `parkAfterMs: null`: jobs parked under an
    // earlier setting still finish.
    if (TASK_PROVIDERS.has(provider)) {
      const parkedName = parkedQueueName(provider);
      const waits = new Worker<ImageJobData>(
        parkedName,
        (job, token) => options.processor.process(job, token),
        {
          ...bullmqOptions(options, parkedName),
          concurrency: PARKED_CONCURRENCY,
          lockDuration: options.lockDurationMs,
          stalledInterval: options.stalledIntervalMs,
          maxStalledCount: options.maxStalledCount,
        },
      );
      watch(waits, provider);
      parked.push(waits);
    }
  }
  await Promise.all([...workers, ...parked].map((w) => w.waitUntilReady()));
  return { workers, parked };
}

/** Options of `createWebhookWorker`. */
export type WebhookWorkerOptions = QueueConnection & {
  scheduleSeconds: number[];
  processor: (job: import("bullmq").Job<WebhookDeliveryData>) => Promise<string>;
  logger: Logger;
  /** Deliveries in flight per process. @defaultValue 16 */
  concurrency?: number;
  /** Job lock and stalled-check period: a killed worker's deliveries resume after it (WORKER_LOCK_MS). */
  lockDurationMs: number;
};

/** The Worker of the `webhooks` queue, with the retry schedule as its backoff. */
export function createWebhookWorker(options: WebhookWorkerOptions): Worker<WebhookDeliveryData> {
  const worker = new Worker<WebhookDeliveryData>(WEBHOOK_QUEUE, options.processor, {
    ...bullmqOptions(options, WEBHOOK_QUEUE),
    concurrency: options.concurrency ?? 16,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.lockDurationMs,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
        webhookBackoffMs(
          options.scheduleSeconds,
          attemptsMade,
          (err as { retryAfterMs?: number } | undefined)?.retryAfterMs,
        ),
    },
  });
  worker.on("error", (err) => options.logger.error({ err }, "webhook worker error"));
  return worker;
}

/** The Worker of the `batches` queue (ingestion is I/O bound: a few at a time). */
export function createBatchWorker(
  options: QueueConnection & {
    processor: (
      job: import("bullmq").Job<BatchTaskData, unknown, BatchTaskName>,
    ) => Promise<string>;
    logger: Logger;
    /** Job lock and stalled-check period (WORKER_LOCK_MS); BullMQ renews it while a task runs. */
    lockDurationMs: number;
  },
): Worker<BatchTaskData, unknown, BatchTaskName> {
  const worker = new Worker<BatchTaskData, unknown, BatchTaskName>(BATCH_QUEUE, options.processor, {
    ...bullmqOptions(options, BATCH_QUEUE),
    concurrency: 4,
    // Renewed while an ingestion runs, so a long one keeps it; a killed worker's task resumes after it.
    lockDuration: options.lockDurationMs,
    stalledInterval: options.lockDurationMs,
  });
  worker.on("error", (err) => options.logger.error({ err }, "batch worker error"));
  worker.on("failed", (job, err) =>
    options.logger.error({ batchId: job?.data.batchId, err: err.message }, "batch task failed"),
  );
  return worker;
}
