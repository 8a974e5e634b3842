/**
 * Starts the worker role: Redis connections, the stores, the blob store, the
 * provider registry, and the BullMQ Workers — one per enabled provider queue,
 * one for webhook deliveries, one for batches. `close()` stops taking jobs
 * and waits for active ones (graceful shutdown, DESIGN §5).
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
  createSubmitLimiter,
  createWebhookQueue,
  createWebhookSecrets,
  enabledProviders,
  firstCheckMsFor,
  redisKeys,
  sharedSecret,
  staticOwners,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import { createProviderRegistry, type ImageProvider } from "@imagegate/providers";
import { createBlobStore } from "@imagegate/storage";
import pino, { type Logger } from "pino";
import sharp from "sharp";
import type { BatchDeps } from "./batch/deps";
import { createBatchProcessor } from "./batch/processor";
import { createImageJobProcessor } from "./processors/image-job";
import { createWebhookDeliveryProcessor } from "./processors/webhook-delivery";
import { createReconciler } from "./reconciler";
import { createResultFetch } from "./result-fetch";
import { createBatchWorker, createImageWorkers, createWebhookWorker } from "./workers";

/** Options for tests and the standalone process. */
export type StartWorkerOptions = {
  logger?: Logger;
  /** Providers to use instead of the registry built from config (tests). */
  providers?: Map<ProviderId, ImageProvider>;
  fetch?: typeof fetch;
};

/** A running worker role. */
export type RunningWorker = { close(): Promise<void> };

/** Creates the pino logger of the worker role. */
export function createWorkerLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: "worker" } });
}

/** Starts every worker of this process. */
export async function startWorker(
  config: Config,
  options: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const logger = options.logger ?? createWorkerLogger(config);
  // libvips defaults to one thread here; two halve AVIF encoding (bench/encode.ts).
  sharp.concurrency(Math.max(2, availableParallelism()));
  const redis = createRedis({ url: config.redis.url, name: "imagegate-worker" });
  const subscriber = createRedis({ url: config.redis.url, name: "imagegate-worker-events" });
  const prefix = config.queuePrefix;
  const ttlSeconds = config.jobTtlSeconds;
  const store = createJobStore({
    redis,
    prefix,
    ttlSeconds,
    firstCheckMs: firstCheckMsFor(config.reconcileIntervalMs),
  });
  const batches = createBatchStore({ redis, prefix, ttlSeconds });
  const files = createFileStore({ redis, prefix, ttlSeconds });
  const events = createJobEvents({ subscriber, store });
  const signingSecret = await sharedSecret(redis, prefix, "url-signing", config.urlSigningSecret);
  const blobs = createBlobStore(
    config.storage.driver === "fs"
      ? {
          driver: "fs",
          dir: config.storage.dir,
          publicBaseUrl: config.publicBaseUrl,
          signingSecret,
        }
      : config.storage,
  );
  const present = {
    link: (key: string) => blobs.signedUrl(key, { ttlSeconds: config.urlTtlSeconds }),
    read: (key: string) => blobs.get(key),
  };
  const providers = options.providers ?? createProviderRegistry(config.providers);
  const enabled = enabledProviders(config);
  const active = options.providers
    ? [...providers.keys()]
    : [...providers.keys()].filter((p) => enabled.has(p));
  const queues = createImageQueues({ connection: redis, prefix, limits: config.limits });
  const webhooks = createWebhookQueue({
    connection: redis,
    prefix,
    scheduleSeconds: config.webhooks.retryScheduleSeconds,
  });
  const batchQueue = createBatchQueue({ connection: redis, prefix });
  const budgets = createBudgetStore({ redis, prefix });
  const lifecycle = createJobLifecycle({ store, webhooks, batches, batchQueue, budgets });
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
    lockKey: redisKeys(prefix).reconcilerLock(),
    logger,
    intervalMs: config.reconcileIntervalMs,
  });
  const imageWorkers = await createImageWorkers({
    connection: redis,
    prefix,
    providers: active,
    limits: config.limits,
    queues,
    processor: createImageJobProcessor({
      store,
      events,
      blobs,
      queues,
      lifecycle,
      providers,
      limits: config.limits,
      logger,
      fetch: options.fetch ?? fetch,
      resultFetch: createResultFetch({
        deliveryHosts: config.deliveryHosts,
        baseUrls: Object.fromEntries(
          Object.entries(config.providers).map(([id, p]) => [id, p.baseUrl]),
        ),
        allowPrivateUrls: config.allowPrivateUrls,
        fetch: options.fetch ?? fetch,
      }),
      prices: config.prices,
      urlTtlSeconds: config.urlTtlSeconds,
      submitLimiter: createSubmitLimiter(redis, prefix),
      storeRetryWindowMs: config.storeRetryWindowMs,
      callbacks: config.callbacks.enabled
        ? {
            hub: await createCallbackHub({ subscriber, prefix }),
            publicBaseUrl: config.publicBaseUrl,
            bflSecret: await bflCallbackSecret(redis, prefix),
          }
        : undefined,
    }),
    logger,
    lockDurationMs: config.workerLockMs,
    stalledIntervalMs: config.workerLockMs,
    maxStalledCount: config.workerMaxStalls,
    onEntryFailed: reconciler.onEntryFailed,
  });
  const deliveries = createWebhookWorker({
    connection: redis,
    prefix,
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
    connection: redis,
    prefix,
    processor: createBatchProcessor(batchDeps),
    logger,
    lockDurationMs: config.workerLockMs,
  });
  await Promise.all([deliveries.waitUntilReady(), batchWorker.waitUntilReady()]);
  reconciler.start();
  logger.info({ providers: active }, "worker started");

  return {
    async close() {
      await reconciler.stop();
      await Promise.all([...imageWorkers, deliveries, batchWorker].map((w) => w.close()));
      await Promise.all([queues.close(), webhooks.close(), batchQueue.close()]);
      await events.close();
      redis.disconnect();
      logger.info("worker stopped");
    },
  };
}
