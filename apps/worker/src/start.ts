/**
 * Starts the worker role: Redis connections, the job store, the blob store,
 * the provider registry and one BullMQ Worker per enabled provider queue.
 * Returns a `close()` that stops taking jobs and waits for active ones
 * (graceful shutdown, DESIGN §5).
 */

import { availableParallelism } from "node:os";
import {
  type Config,
  createImageQueues,
  createJobEvents,
  createJobStore,
  createRedis,
  createSubmitLimiter,
  createWebhookQueue,
  enabledProviders,
  sharedSecret,
  webhookSecret,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import { createProviderRegistry, type ImageProvider } from "@imagegate/providers";
import { createBlobStore } from "@imagegate/storage";
import pino, { type Logger } from "pino";
import sharp from "sharp";
import { createImageJobProcessor } from "./processors/image-job";
import { createWebhookDeliveryProcessor } from "./processors/webhook-delivery";
import { createImageWorkers, createWebhookWorker } from "./workers";

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
  const store = createJobStore({
    redis,
    prefix: config.queuePrefix,
    ttlSeconds: config.jobTtlSeconds,
  });
  const events = createJobEvents({ subscriber, store });
  const signingSecret = await sharedSecret(
    redis,
    config.queuePrefix,
    "url-signing",
    config.urlSigningSecret,
  );
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
  const providers = options.providers ?? createProviderRegistry(config.providers);
  const enabled = enabledProviders(config);
  const active = options.providers
    ? [...providers.keys()]
    : [...providers.keys()].filter((p) => enabled.has(p));
  const queues = createImageQueues({
    connection: redis,
    prefix: config.queuePrefix,
    limits: config.limits,
  });
  const webhooks = createWebhookQueue({
    connection: redis,
    prefix: config.queuePrefix,
    scheduleSeconds: config.webhooks.retryScheduleSeconds,
  });
  const present = {
    link: (key: string) => blobs.signedUrl(key, { ttlSeconds: config.urlTtlSeconds }),
    read: (key: string) => blobs.get(key),
  };
  const processor = createImageJobProcessor({
    store,
    events,
    blobs,
    queues,
    providers,
    limits: config.limits,
    logger,
    fetch: options.fetch ?? fetch,
    urlTtlSeconds: config.urlTtlSeconds,
    submitLimiter: createSubmitLimiter(redis, config.queuePrefix),
    onFinal: (record) => webhooks.announce(record),
  });
  const workers = await createImageWorkers({
    connection: redis,
    prefix: config.queuePrefix,
    providers: active,
    limits: config.limits,
    queues,
    processor,
    logger,
    lockDurationMs: config.workerLockMs,
    stalledIntervalMs: config.workerLockMs,
  });
  const deliveries = createWebhookWorker({
    connection: redis,
    prefix: config.queuePrefix,
    scheduleSeconds: config.webhooks.retryScheduleSeconds,
    processor: createWebhookDeliveryProcessor({
      store,
      present,
      secret: await webhookSecret(redis, config.queuePrefix, config.webhooks.secret),
      timeoutMs: config.webhooks.timeoutMs,
      allowPrivateUrls: config.allowPrivateUrls,
      logger,
    }),
    logger,
  });
  await deliveries.waitUntilReady();
  logger.info({ providers: active }, "worker started");

  return {
    async close() {
      await Promise.all([...workers, deliveries].map((w) => w.close()));
      await Promise.all([queues.close(), webhooks.close()]);
      await events.close();
      redis.disconnect();
      logger.info("worker stopped");
    },
  };
}
