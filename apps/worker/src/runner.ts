/**
 * What runs an image job, built once per thread that runs them: Redis
 * connections, the stores, the blob store, the provider registry, the
 * queues a run hands jobs to, the lifecycle and the image-job processor.
 * The worker role (`start.ts`) adds its BullMQ workers, reconciler and
 * sweepers to it; the API thread of `pnpm start` adds only direct runs
 * (`direct-runner.ts`, docs/decisions/0018-direct-runs.md).
 */
import { availableParallelism } from "node:os";
import {
  bflCallbackSecret,
  type Config,
  createBatchQueue,
  createBatchStore,
  createBudgetStore,
  createCallbackHub,
  createImageQueues,
  createJobEvents,
  createJobLifecycle,
  createJobStore,
  createRedis,
  createRetentionIndex,
  createSubmitLimiter,
  createTaskSlots,
  createWebhookQueue,
  enabledProviders,
  firstCheckMsFor,
  observeFinalOnce,
  type QueueConnection,
  sharedSecret,
} from "@imagegate/jobs";
import { ERROR_CODES, type ProviderId } from "@imagegate/params";
import {
  createProviderRegistry,
  createUpstreamFetch,
  type ImageProvider,
  type UpstreamFetch,
} from "@imagegate/providers";
import { createConfiguredBlobStore, type NewFileWriter } from "@imagegate/storage";
import { jobMetrics, queueTelemetry, type Registry } from "@imagegate/telemetry";
import type { Logger } from "pino";
import sharp from "sharp";
import { instrumentProviders } from "./observe/instrument-provider";
import { traceBlobs } from "./observe/trace-blobs";
import { createImageJobProcessor } from "./processors/image-job";
import { createResultFetch } from "./result-fetch";

/** Options of `createRunner`. */
export type RunnerOptions = {
  logger: Logger;
  registry: Registry;
  /** Names its Redis connections (`imagegate-<role>`, `-events`, `-queues`), as CLIENT LIST shows them. */
  role: "worker" | "direct";
  /** Providers to use instead of the registry built from config (tests). */
  providers?: Map<ProviderId, ImageProvider> | undefined;
  fetch?: UpstreamFetch | undefined;
  /** How the filesystem store writes small new files (its default: synchronously). */
  newFiles?: NewFileWriter | undefined;
};

/** What runs image jobs in one thread (`createRunner`). */
export type Runner = Awaited<ReturnType<typeof createRunner>>;

/** Builds what runs image jobs in this thread; `close()` it after whatever uses it has stopped. */
export async function createRunner(config: Config, options: RunnerOptions) {
  const logger = options.logger;
  // libvips defaults to one thread here; two halve AVIF encoding (bench/encode.ts).
  sharp.concurrency(Math.max(2, availableParallelism()));
  const onError = (err: Error) => logger.warn({ err: err.message }, "redis connection error");
  const redis = createRedis({
    ...config.redis,
    name: `imagegate-${options.role}`,
    onError,
    batchWrites: true,
  });
  const subscriber = createRedis({
    ...config.redis,
    name: `imagegate-${options.role}-events`,
    onError,
  });
  // BullMQ's scripts on a connection of their own: on a Cluster ioredis copies every script
  // of a connection into each pipeline it makes (docs/decisions/0015-lean-hot-path.md).
  const queueRedis = createRedis({
    ...config.redis,
    name: `imagegate-${options.role}-queues`,
    onError,
  });
  // Provider API calls: keep-alive pools, closed at shutdown.
  const upstream = createUpstreamFetch();
  const prefix = config.queuePrefix;
  const metrics = jobMetrics(options.registry, new Set(Object.keys(ERROR_CODES)));
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
  // A run listens for its job's cancel only: not sent every job's events (docs/decisions/0015).
  const events = createJobEvents({ subscriber, store, cancelsOnly: true });
  const signingSecret = await sharedSecret(redis, prefix, "url-signing", config.urlSigningSecret);
  const stored = createConfiguredBlobStore(config.storage, {
    publicBaseUrl: config.publicBaseUrl,
    signingSecret,
    ...(options.newFiles ? { newFiles: options.newFiles } : {}),
  });
  const blobs = config.tracing.enabled ? traceBlobs(stored) : stored;
  const retention = createRetentionIndex({ redis, prefix, ttlSeconds });
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
    gifColours: config.gifColours,
    callbacks: config.callbacks.enabled
      ? {
          hub: await createCallbackHub({ subscriber, prefix }),
          publicBaseUrl: config.publicBaseUrl,
          bflSecret: await bflCallbackSecret(redis, prefix),
        }
      : undefined,
  });

  return {
    metrics,
    redis,
    bull,
    signingSecret,
    store,
    batches,
    blobs,
    retention,
    providers,
    enabled,
    /** The providers this thread runs jobs of. */
    active,
    queues,
    webhooks,
    batchQueue,
    budgets,
    lifecycle,
    processor,
    async close() {
      await Promise.all([queues.close(), webhooks.close(), batchQueue.close()]);
      await events.close();
      await upstream.close();
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}
