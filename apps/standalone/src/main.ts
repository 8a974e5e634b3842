/**
 * `pnpm start`: the API and every worker in one process on embedded defaults
 * (docs/architecture.md#processes) — a private Redis when none answers, files
 * on local disk, and the local renderer for every model when no provider
 * credentials are set. The workers run in a thread of their own on a multi-core
 * machine. The one place that wires both apps together: the API's `/metrics`
 * includes the workers' job metrics (one registry inline, the thread's merged
 * in at each scrape). Tracing starts before Express, ioredis and BullMQ load
 * (their instrumentation patches them as they load), so the rest is imported
 * after; the worker thread starts its own the same way.
 */
import { enabledProviders, loadConfigOrExit } from "@imagegate/jobs/config";
import {
  createRegistry,
  keepHeapNearLiveSize,
  LOG_REDACTION,
  startTracing,
} from "@imagegate/telemetry";
import pino from "pino";

async function main(): Promise<void> {
  keepHeapNearLiveSize();
  const config = loadConfigOrExit();
  const tracing = await startTracing({
    enabled: config.tracing.enabled,
    serviceName: config.tracing.serviceName ?? "imagegate",
  });
  const { ensureRedis } = await import("./private-redis.js");
  const { startApi } = await import("@imagegate/api");
  const { startWorkers } = await import("./start-workers.js");
  const { createRecentImages } = await import("@imagegate/storage");
  const logger = pino({
    level: config.logLevel,
    base: { service: "imagegate" },
    redact: LOG_REDACTION,
  });
  let redis: Awaited<ReturnType<typeof ensureRedis>>;
  try {
    // A cluster or a sentinel is never started here: only a missing single node is.
    const single = !config.redis.clusterNodes?.length && !config.redis.sentinels?.length;
    redis = single ? await ensureRedis(config.redis.url) : null;
  } catch (err) {
    logger.fatal((err as Error).message);
    process.exit(1);
  }
  if (redis)
    logger.info({ url: config.redis.url, dir: "./data/redis" }, "started a private redis-server");
  const enabled = [...enabledProviders(config)];
  if (enabled.length === 1) {
    logger.info(
      "no provider credentials set: every model is served by the local renderer (x-imagegate-provider: local)",
    );
  }
  const registry = createRegistry();
  const recentImages = createRecentImages();
  const worker = await startWorkers(config, logger, { registry, recentImages });
  const api = await startApi(config, {
    logger: logger.child({ role: "api" }),
    registry,
    runNow: worker.runNow,
    recentImages,
    ...(worker.metrics ? { moreMetrics: worker.metrics } : {}),
  });
  logger.info(
    { workers: worker.mode },
    `imagegate ready: point the OpenAI SDK at ${config.publicBaseUrl}/v1`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await api.close();
    await worker.close();
    await redis?.stop();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
