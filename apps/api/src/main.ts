/**
 * API process entry: config → tracing → start → graceful stop on
 * SIGTERM/SIGINT. Tracing starts before Express, ioredis and BullMQ load
 * (their instrumentation patches them as they load), so everything else is
 * imported after it.
 */
import { loadConfigOrExit } from "@imagegate/jobs/config";
import { startTracing } from "@imagegate/telemetry";

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const tracing = await startTracing({
    enabled: config.tracing.enabled,
    serviceName: config.tracing.serviceName ?? "imagegate-api",
  });
  const { createApiLogger, startApi } = await import("./index.js");
  const logger = createApiLogger(config);
  const api = await startApi(config, { logger });
  const stop = (signal: string) => {
    logger.info({ signal }, "stopping");
    api
      .close()
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

void main();
