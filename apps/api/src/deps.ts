/**
 * The API's dependencies, built once from config: Redis connections, the job
 * store and event hub, the image queues and the blob store. `createApp`
 * takes these, so tests can build an app on their own Redis prefix.
 */

import { type CallbackVerifier, createCallbackVerifier } from "@imagegate/callbacks";
import {
  type BatchQueue,
  type BatchStore,
  type BudgetStore,
  bflCallbackSecret,
  type Config,
  createBatchQueue,
  createBatchStore,
  createBudgetStore,
  createFileStore,
  createImageQueues,
  createJobEvents,
  createJobLifecycle,
  createJobStore,
  createKeysStore,
  createRedis,
  createRetentionIndex,
  createStreamSlots,
  createWebhookQueue,
  createWebhookSecrets,
  enabledProviders,
  type FileStore,
  firstCheckMsFor,
  type ImageQueues,
  type JobEvents,
  type JobLifecycle,
  type JobStore,
  type KeysStore,
  observeFinalOnce,
  type PresentOptions,
  type QueueConnection,
  type RedisClient,
  type RunNow,
  type StreamSlots,
  sharedSecret,
  staticOwners,
  type WebhookQueue,
  type WebhookSecrets,
} from "@imagegate/jobs";
import { ERROR_CODES, type ProviderId } from "@imagegate/params";
import { type BlobStore, createConfiguredBlobStore } from "@imagegate/storage";
import {
  createRegistry,
  jobMetrics,
  LOG_REDACTION,
  type MetricsSnapshot,
  queueTelemetry,
  type Registry,
} from "@imagegate/telemetry";
import pino, { type Logger } from "pino";
import { createKeyRateLimits, type KeyRateLimits } from "./http/rate-limit";

export type ApiDeps = {
  config: Config;
  logger: Logger;
  redis: RedisClient;
  /** Prometheus registry of this app (standalone shares it with the worker role). */
  registry: Registry;
  /** Metrics of other threads merged into `/metrics` (the standalone worker thread). */
  moreMetrics?: () => Promise<MetricsSnapshot[]>;
  /**
   * Hands a saved synchronous job to this process's workers to run at once,
   * with no queue entry (`pnpm start`, docs/decisions/0018-direct-runs.md).
   */
  runNow?: RunNow;
  store: JobStore;
  events: JobEvents;
  queues: ImageQueues;
  blobs: BlobStore;
  /** HMAC key of fs-mode file links. */
  signingSecret: string;
  /** How stored images are handed out (signed links, bytes). */
  present: PresentOptions;
  webhooks: WebhookQueue;
  files: FileStore;
  batches: BatchStore;
  batchQueue: BatchQueue;
  /** Ends jobs (cancel): the final write, webhook and batch accounting in one place. */
  lifecycle: JobLifecycle;
  /** Each key's `whsec_…` webhook signing secret. */
  secrets: WebhookSecrets;
  /** Managed API keys. */
  keys: KeysStore;
  /** Budget holds and usage counters. */
  budgets: BudgetStore;
  /** Per-key request limits. */
  rateLimits: KeyRateLimits;
  /** Per-key open event streams and long polls. */
  streams: StreamSlots;
  enabled: ReadonlySet<ProviderId>;
  /** Verifies provider callbacks; undefined unless PROVIDER_CALLBACKS is on. */
  callbacks: CallbackVerifier | undefined;
  close(): Promise<void>;
};

/** Creates the pino logger of the API role. */
export function createApiLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { service: "api" }, redact: LOG_REDACTION });
}

/** The callback verifier of the enabled providers, when callbacks are on. */
async function callbackVerifier(
  config: Config,
  redis: RedisClient,
): Promise<CallbackVerifier | undefined> {
  if (!config.callbacks.enabled) return undefined;
  const { fal, replicate, bfl } = config.providers;
  return createCallbackVerifier({
    fetch,
    falJwksUrl: fal.apiKey ? config.callbacks.falJwksUrl : undefined,
    replicate: replicate.apiKey
      ? { baseUrl: replicate.baseUrl, apiKey: replicate.apiKey }
      : undefined,
    bflSecret: bfl.apiKey ? await bflCallbackSecret(redis, config.queuePrefix) : undefined,
  });
}

/** Connects everything the API needs. */
export async function createDeps(
  config: Config,
  logger: Logger = createApiLogger(config),
  registry: Registry = createRegistry(),
): Promise<ApiDeps> {
  const onError = (err: Error) => logger.warn({ err: err.message }, "redis connection error");
  const redis = createRedis({
    ...config.redis,
    name: "imagegate-api",
    onError,
    batchWrites: true,
  });
  const subscriber = createRedis({ ...config.redis, name: "imagegate-api-events", onError });
  // BullMQ defines its ~50 scripts on the connection it is given, and on a Cluster ioredis
  // copies every script of a connection into each auto-pipeline it makes (21 µs against 2 µs
  // here). The job store's connection stays free of them (docs/decisions/0015).
  const queueRedis = createRedis({ ...config.redis, name: "imagegate-api-queues", onError });
  const bull: QueueConnection = {
    connection: queueRedis,
    prefix: config.queuePrefix,
    telemetry: await queueTelemetry(config.tracing.enabled),
  };
  const store = createJobStore({
    redis,
    prefix: config.queuePrefix,
    ttlSeconds: config.jobTtlSeconds,
    firstCheckMs: firstCheckMsFor(config.reconcileIntervalMs),
  });
  const events = createJobEvents({ subscriber, store });
  const queues = createImageQueues({ ...bull, limits: config.limits });
  const webhooks = createWebhookQueue({
    ...bull,
    scheduleSeconds: config.webhooks.retryScheduleSeconds,
  });
  const batchQueue = createBatchQueue(bull);
  const metrics = jobMetrics(registry, new Set(Object.keys(ERROR_CODES)));
  // A cancel ends jobs here: they are counted like the worker's, once, and their blobs listed for retention.
  const countFinal = observeFinalOnce({
    observe: metrics.finalJob,
    onError: (err, record) => logger.warn({ err, jobId: record.id }, "job metrics skipped"),
  });
  const retention = createRetentionIndex({
    redis,
    prefix: config.queuePrefix,
    ttlSeconds: config.jobTtlSeconds,
  });
  const batches = createBatchStore({
    redis,
    prefix: config.queuePrefix,
    ttlSeconds: config.jobTtlSeconds,
  });
  const budgets = createBudgetStore({ redis, prefix: config.queuePrefix });
  const signingSecret = await sharedSecret(
    redis,
    config.queuePrefix,
    "url-signing",
    config.urlSigningSecret,
  );
  const blobs = createConfiguredBlobStore(config.storage, {
    publicBaseUrl: config.publicBaseUrl,
    signingSecret,
  });
  return {
    config,
    logger,
    redis,
    registry,
    store,
    events,
    queues,
    blobs,
    signingSecret,
    present: {
      link: (key) => blobs.signedUrl(key, { ttlSeconds: config.urlTtlSeconds }),
      read: (key) => blobs.get(key),
    },
    webhooks,
    files: createFileStore({ redis, prefix: config.queuePrefix, ttlSeconds: config.jobTtlSeconds }),
    batches,
    batchQueue,
    lifecycle: createJobLifecycle({
      store,
      webhooks,
      batches,
      batchQueue,
      budgets,
      retention,
      onFinal: countFinal,
    }),
    secrets: createWebhookSecrets({
      redis,
      prefix: config.queuePrefix,
      configured: config.webhooks.secret,
      configuredOwners: staticOwners(config.apiKeys),
    }),
    keys: createKeysStore({ redis, prefix: config.queuePrefix }),
    budgets,
    rateLimits: createKeyRateLimits({ redis, prefix: config.queuePrefix }),
    streams: createStreamSlots({
      redis,
      prefix: config.queuePrefix,
      maxPerKey: config.maxStreamsPerKey,
    }),
    enabled: enabledProviders(config),
    callbacks: await callbackVerifier(config, redis),
    async close() {
      await Promise.all([queues.close(), webhooks.close(), batchQueue.close()]);
      await events.close();
      redis.disconnect();
      queueRedis.disconnect();
    },
  };
}
