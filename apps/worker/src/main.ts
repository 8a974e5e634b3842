/**
 * Worker process entry: config → tracing → start → graceful stop on
 * SIGTERM/SIGINT. Tracing starts before ioredis and BullMQ load (their
 * instrumentation patches them as they load), so everything else is
 * imported after it.
 */
import { loadConfigOrExit } from "@imagegate/jobs/config";
import { keepHeapNearLiveSize, startTracing } from "@imagegate/telemetry";

async function main(): Promise<void> {
  keepHeapNearLiveSize();
  const config = loadConfigOrExit();
  const tracing = await startTracing({
    enabled: config.tracing.enabled,
    serviceName: config.tracing.serviceName ?? "imagegate-worker",
  });
  const { createWorkerLogger, startWorker } = await import("./index.js");
  const logger = createWorkerLogger(config);
  const worker = await startWorker(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping: finishing active jobs");
    worker
      .close()
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
