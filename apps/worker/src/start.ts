/**
 * Starts the worker role: Redis connections, the stores, the blob store, the
 * provider registry, and the BullMQ Workers — one per enabled provider queue,
 * one for webhook deliveries, one for batches — plus the reconciler, the
 * retention sweeper, the job metrics and, with WORKER_PORT, the worker's own
 * `/healthz` and `/metrics`. `close()` stops taking jobs and waits for active
 * ones (graceful shutdown, docs/architecture.md#processes).
 */
import { availableParallelism } from "node:os";
import {
  bflCallbackSecret,
  type Config,
  createBatchQueue,
  createBatchStore,
  createBudgetStore,
  createCallbackHub,
  createFileStore,
  createImageQueues,
  createJobEvents,
  createJobLifecycle,
  createJobStore,
  createKeysStore,
  createRedis,
  createRetentionIndex,
  createSubmitLimiter,
  createTaskSlots,
  createWebhookQueue,
  createWebhookSecrets,
  enabledProviders,
  firstCheckMsFor,
  isCluster,
  observeFinalOnce,
  type QueueConnection,
  type RunNow,
  redisKeys,
  sharedSecret,
  staticOwners,
} from "@imagegate/jobs";
import { ERROR_CODES, type ProviderId } from "@imagegate/params";
import {
  createProviderRegistry,
  createUpstreamFetch,
  type ImageProvider,
  type UpstreamFetch,
} from "@imagegate/providers";
import { buildStableLink, createBlobStore } from "@imagegate/storage";
import {
  createRegistry,
  jobMetrics,
  LOG_REDACTION,
  queueTelemetry,
  type Registry,
} from "@imagegate/telemetry";
import pino, { type Logger } from "pino";
import sharp from "sharp";
import type { BatchDeps } from "./batch/deps";
import { createBatchProcessor } from "./batch/processor";
import { createDirectRuns } from "./direct-runs";
import { createLocalSlots } from "./local-slots";
import { type HealthServer, startHealthServer } from "./observe/health-server";
import { instrumentProviders } from "./observe/instrument-provider";
import { traceBlobs } from "./observe/trace-blobs";
import {
  observeBatchWorker,
  observeImageWorker,
  observeWebhookWorker,
} from "./observe/worker-events";
import { createImageJobProcessor } from "./processors/image-job";
import { createWebhookDeliveryProcessor } from "./processors/webhook-delivery";
import { createReconciler } from "./reconciler";
import { createResultFetch } from "./result-fetch";
import { createRetentionSweeper } from "./retention";
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
  // libvips defaults to one thread here; two halve AVIF encoding (bench/encode.ts).
  sharp.concurrency(Math.max(2, availableParallelism()));
  const onError = (err: Error) => logger.warn({ err: err.message }, "redis connection error");
  const redis = createRedis({
    ...config.redis,
    name: "imagegate-worker",
    onError,
    autoPipelining: true,
  });
  const subscriber = createRedis({ ...config.redis, name: "imagegate-worker-events", onError });
  // BullMQ's scripts on a connection of their own: ioredis copies every script of a
  // connection into each pipeline it makes (docs/decisions/0015-lean-hot-path.md).
  const queueRedis = createRedis({ ...config.redis, name: "imagegate-worker-queues", onError });
  // Provider API calls: keep-alive pools, closed at shutdown.
  const upstream = createUpstreamFetch();
  const prefix = config.queuePrefix;
  const registry = options.registry ?? createRegistry();
  const metrics = jobMetrics(registry, new Set(Object.keys(ERROR_CODES)));
  const bull: QueueConnection = {
    connection: queueRedis,
    prefix,
    telemetry: await queueTelemetry(config.tracing.enabled),
  };
  const ttlSeconds = config.jobTtlSeconds;
  const store = createJobStore({
    redis,
    prefix,
    ttlSeconds,
    firstCheckMs: firstCheckMsFor(config.reconcileIntervalMs),
  });
  const batches = createBatchStore({ redis, prefix, ttlSeconds });
  const files = createFileStore({ redis, prefix, ttlSeconds });
  // A run listens for its job's cancel only: not sent every job's events (docs/decisions/0015).
  const events = createJobEvents({ subscriber, store, cancelsOnly: true });
  const signingSecret = await sharedSecret(redis, prefix, "url-signing", config.urlSigningSecret);
  const stored = createBlobStore(
    config.storage.driver === "fs"
      ? {
          driver: "fs",
          dir: config.storage.dir,
          publicBaseUrl: config.publicBaseUrl,
          signingSecret,
        }
      : config.storage,
  );
  const blobs = config.tracing.enabled ? traceBlobs(stored) : stored;
  // Batch output lines and webhook payloads are kept by their readers: they carry
  // links that live as long as the image and re-sign on each read (`/links/…`).
  const present = {
    link: async (key: string) =>
      buildStableLink({
        publicBaseUrl: config.publicBaseUrl,
        key,
        expiresAt: Math.floor(Date.now() / 1000) + ttlSeconds,
        secret: signingSecret,
      }),
    read: (key: string) => blobs.get(key),
  };
  const retention = createRetentionIndex({ redis, prefix, ttlSeconds });
  const sweeper = createRetentionSweeper({
    index: retention,
    blobs,
    logger,
    intervalMs: config.retentionIntervalMs,
  });
  const providers = instrumentProviders(
    options.providers ?? createProviderRegistry(config.providers),
    metrics,
  );
  const enabled = enabledProviders(config);
  const active = options.providers
    ? [...providers.keys()]
    : [...providers.keys()].filter((p) => enabled.has(p));
  const queues = createImageQueues({ ...bull, limits: config.limits });
  const webhooks = createWebhookQueue({
    ...bull,
    scheduleSeconds: config.webhooks.retryScheduleSeconds,
  });
  const batchQueue = createBatchQueue(bull);
  const budgets = createBudgetStore({ redis, prefix });
  const countFinal = observeFinalOnce({
    observe: metrics.finalJob,
    onError: (err, record) => logger.warn({ err, jobId: record.id }, "job metrics skipped"),
  });
  const lifecycle = createJobLifecycle({
    store,
    webhooks,
    batches,
    batchQueue,
    budgets,
    retention,
    onFinal: countFinal,
  });
  const batchDeps: BatchDeps = {
    config,
    redis,
    lifecycle,
    budgets,
    keys: createKeysStore({ redis, prefix }),
    store,
    batches,
    files,
    blobs,
    queues,
    batchQueue,
    webhooks,
    present,
    enabled,
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
  const processor = createImageJobProcessor({
    store,
    events,
    blobs,
    queues,
    lifecycle,
    providers,
    limits: config.limits,
    logger,
    fetch: options.fetch ?? upstream.fetch,
    resultFetch: createResultFetch({
      deliveryHosts: config.deliveryHosts,
      baseUrls: Object.fromEntries(
        Object.entries(config.providers).map(([id, p]) => [id, p.baseUrl]),
      ),
      allowPrivateUrls: config.allowPrivateUrls,
      fetch,
    }),
    prices: config.prices,
    urlTtlSeconds: config.urlTtlSeconds,
    submitLimiter: createSubmitLimiter(redis, prefix),
    taskSlots: createTaskSlots(redis, prefix),
    storeRetryWindowMs: config.storeRetryWindowMs,
    callbacks: config.callbacks.enabled
      ? {
          hub: await createCallbackHub({ subscriber, prefix }),
          publicBaseUrl: config.publicBaseUrl,
          bflSecret: await bflCallbackSecret(redis, prefix),
        }
      : undefined,
  });
  const localSlots = options.directRuns ? createLocalSlots(active, config.limits) : undefined;
  const direct = localSlots
    ? createDirectRuns({
        processor,
        served: new Set(active),
        queues,
        store,
        limits: config.limits,
        slots: localSlots,
        leaseMs: firstCheckMsFor(config.reconcileIntervalMs),
        logger,
        keepImages: options.keepImages,
        onStart: (provider, waitedSeconds) => metrics.queueWait(provider, waitedSeconds),
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
      await reconciler.stop();
      await sweeper.stop();
      await Promise.all([
        direct?.close(),
        ...[...imageWorkers.workers, ...imageWorkers.parked, deliveries, batchWorker].map((w) =>
          w.close(),
        ),
      ]);
      await Promise.all([queues.close(), webhooks.close(), batchQueue.close()]);
      await events.close();
      await upstream.close();
      redis.disconnect();
      queueRedis.disconnect();
      logger.info("worker stopped");
    },
  };
}
