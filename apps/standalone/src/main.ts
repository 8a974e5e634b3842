/**
 * `pnpm start`: the API and every worker in one process on embedded defaults
 * (DESIGN §2) — a private Redis when none answers, files on local disk, and
 * the local renderer for every model when no provider credentials are set.
 * The workers run in a thread of their own on a multi-core machine. The one
 * place that wires both apps together.
 */
import { startApi } from "@imagegate/api";
import { ConfigError, enabledProviders, loadConfig } from "@imagegate/jobs";
import pino from "pino";
import { ensureRedis } from "./private-redis";
import { startWorkers } from "./start-workers";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel, base: { service: "imagegate" } });
  let redis: Awaited<ReturnType<typeof ensureRedis>>;
  try {
    redis = await ensureRedis(config.redis.url);
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
  const worker = await startWorkers(config, logger);
  const api = await startApi(config, { logger: logger.child({ role: "api" }) });
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
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
