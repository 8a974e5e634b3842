/**
 * Starts the worker role: what runs image jobs (`runner.ts`: Redis
 * connections, the stores, the blob store, the providers, the processor),
 * and the BullMQ Workers — one per enabled provider queue,
 * one for webhook deliveries, one for batches — plus the outbox relay
 * (new jobs' queue entries), the reconciler, the
 * retention sweeper, the job metrics and, with WORKER_PORT, the worker's own
 * `/healthz` and `/metrics`. `close()` stops taking jobs and waits for active
 * ones (graceful shutdown, docs/architecture.md#processes).
 */
import {
  type Config,
  createFileStore,
  createKeysStore,
  createRedis,
  createWebhookSecrets,
  isCluster,
  type RunNow,
  redisKeys,
  staticOwners,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { ImageProvider, UpstreamFetch } from "@imagegate/providers";
import { buildStableLink } from "@imagegate/storage";
import { createRegistry, LOG_REDACTION, type Registry } from "@imagegate/telemetry";
import pino, { type Logger } from "pino";
import type { BatchDeps } from "./batch/deps";
import { createBatchProcessor } from "./batch/processor";
import { directRunsOver } from "./direct-runner";
import { createLocalSlots, type LocalSlots } from "./local-slots";
import { type HealthServer, startHealthServer } from "./observe/health-server";
import {
  observeBatchWorker,
  observeImageWorker,
  observeWebhookWorker,
} from "./observe/worker-events";
import { createOutboxRelay } from "./outbox-relay";
import { createWebhookDeliveryProcessor } from "./processors/webhook-delivery";
import { createReconciler } from "./reconciler";
import { createRetentionSweeper } from "./retention";
import { createRunner } from "./runner";
import { createBatchWorker, createImageWorkers, createWebhookWorker } from "./workers";

/** Options for tests and the standalone process. */
export type StartWorkerOptions = {
  logger?: Logger;
  /** Providers to use instead of the registry built from config (tests). */
  providers?: Map<ProviderId, ImageProvider>;
  fetch?: UpstreamFetch;
  /** The Prometheus registry (standalone shares the API's); a new one otherwise. */
  registry?: Registry;
  /**
   * Run new synchronous jobs handed over by an API in this process at once,
   * with no queue entry (`pnpm start`, docs/decisions/0018-direct-runs.md).
   */
  directRuns?: boolean;
  /** With `directRuns`: takes the images of direct `b64_json` jobs as they are stored. */
  keepImages?: (key: string, bytes: Buffer) => void;
  /**
   * Slots shared with direct runs in another thread (`pnpm start`): this
   * process's queued runs of the providers they bound take one.
   */
  localSlots?: LocalSlots;
};

/** A running worker role; `healthPort` is the bound WORKER_PORT, when one is set. */
export type RunningWorker = {
  registry: Registry;
  healthPort: number | undefined;
  /** With `directRuns`: runs a saved, open job that has no queue entry (`direct-runs.ts`). */
  runNow?: RunNow;
  close(): Promise<void>;
};

/** Creates the pino logger of the worker role. */
export function createWorkerLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: "worker" }, redact: LOG_REDACTION });
}

/** Starts every worker of this process. */
export async function startWorker(
  config: Config,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const logger = options.logger ?? createWorkerLogger(config);
  const registry = options.registry ?? createRegistry();
  const runner = await createRunner(config, {
    logger,
    registry,
    role: "worker",
    providers: options.providers,
    fetch: options.fetch,
  });
  const { metrics, redis, bull, store, blobs, queues, lifecycle, processor } = runner;
  const { active, batches, webhooks, batchQueue } = runner;
  const prefix = config.queuePrefix;
  // Batch output lines and webhook payloads are kept by their readers: they carry
  // links that live as long as the image and re-sign on each read (`/links/…`).
  const present = {
    link: async (key: string) =>
      buildStableLink({
        publicBaseUrl: config.publicBaseUrl,
        key,
        expiresAt: Math.floor(Date.now() / 1000) + config.jobTtlSeconds,
        secret: runner.signingSecret,
      }),
    read: (key: string) => blobs.get(key),
  };
  const sweeper = createRetentionSweeper({
    index: runner.retention,
    blobs,
    logger,
    intervalMs: config.retentionIntervalMs,
  });
  const batchDeps: BatchDeps = {
    config,
    redis,
    lifecycle,
    budgets: runner.budgets,
    keys: createKeysStore({ redis, prefix }),
    store,
    batches,
    files: createFileStore({ redis, prefix, ttlSeconds: config.jobTtlSeconds }),
    blobs,
    queues,
    batchQueue,
    webhooks,
    present,
    enabled: runner.enabled,
    logger,
  };
  const reconciler = createReconciler({
    store,
    queues,
    lifecycle,
    redis,
    lockKey: redisKeys(prefix, isCluster(redis)).reconcilerLock(),
    logger,
    intervalMs: config.reconcileIntervalMs,
  });
  const localSlots =
    options.localSlots ??
    (options.directRuns ? createLocalSlots(active, config.limits) : undefined);
  // Slots given by another thread bound this thread's queued runs only: its direct runs are there.
  const direct =
    options.directRuns && localSlots
      ? directRunsOver(runner, config, {
          slots: localSlots,
          logger,
          keepImages: options.keepImages,
        })
      : undefined;
  const imageWorkers = await createImageWorkers({
    ...bull,
    providers: active,
    limits: config.limits,
    queues,
    processor,
    localSlots,
    logger,
    lockDurationMs: config.workerLockMs,
    stalledIntervalMs: config.workerLockMs,
    maxStalledCount: config.workerMaxStalls,
    onEntryFailed: reconciler.onEntryFailed,
  });
  const deliveries = createWebhookWorker({
    ...bull,
    scheduleSeconds: config.webhooks.retryScheduleSeconds,
    lockDurationMs: config.workerLockMs,
    processor: createWebhookDeliveryProcessor({
      store,
      batches,
      present,
      secrets: createWebhookSecrets({
        redis,
        prefix,
        configured: config.webhooks.secret,
        configuredOwners: staticOwners(config.apiKeys),
      }),
      timeoutMs: config.webhooks.timeoutMs,
      allowPrivateUrls: config.allowPrivateUrls,
      logger,
    }),
    logger,
  });
  const batchWorker = createBatchWorker({
    ...bull,
    processor: createBatchProcessor(batchDeps),
    logger,
    lockDurationMs: config.workerLockMs,
  });
  for (const [i, w] of imageWorkers.workers.entries()) {
    observeImageWorker(w, active[i] as ProviderId, metrics);
  }
  observeWebhookWorker(deliveries, metrics);
  observeBatchWorker(batchWorker, batches, metrics, logger);
  await Promise.all([deliveries.waitUntilReady(), batchWorker.waitUntilReady()]);
  // New jobs' queue entries, added from the outbox the API writes (docs/decisions/0020-submit-through-an-outbox.md).
  const relay = createOutboxRelay({
    connection: createRedis({
      ...config.redis,
      name: "imagegate-worker-outbox",
      onError: (err) => logger.warn({ err: err.message }, "redis connection error"),
    }),
    prefix,
    queues,
    logger,
  });
  relay.start();
  reconciler.start();
  sweeper.start();
  let health: HealthServer | undefined;
  if (config.workerPort !== undefined) {
    health = await startHealthServer({
      port: config.workerPort,
      host: config.host,
      redis,
      registry,
      adminKey: config.adminApiKey,
    });
  }
  logger.info({ providers: active, healthPort: health?.port }, "worker started");

  return {
    registry,
    healthPort: health?.port,
    ...(direct ? { runNow: direct.runNow } : {}),
    async close() {
      await health?.close();
      await relay.stop();
      await reconciler.stop();
      await sweeper.stop();
      await Promise.all([
        direct?.close(),
        ...[...imageWorkers.workers, ...imageWorkers.parked, deliveries, batchWorker].map((w) =>
          w.close(),
        ),
      ]);
      await runner.close();
      logger.info("worker stopped");
    },
  };
}
