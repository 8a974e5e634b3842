/**
 * Starts the API role: dependencies → app → listen. Returns the bound port
 * and a `close()` that stops accepting connections and closes Redis.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Config, RunNow } from "@imagegate/jobs";
import type { RecentImages } from "@imagegate/storage";
import type { MetricsSnapshot, Registry } from "@imagegate/telemetry";
import type { Logger } from "pino";
import { createApp } from "./app";
import { createApiLogger, createDeps } from "./deps";

/** A running API. */
export type RunningApi = { server: Server; port: number; url: string; close(): Promise<void> };

/** Starts the API on `config.port` (0 = any free port). */
export async function startApi(
  config: Config,
  options: {
    logger?: Logger;
    registry?: Registry;
    /** Metrics of other threads to merge into `/metrics` (the standalone worker thread). */
    moreMetrics?: () => Promise<MetricsSnapshot[]>;
    /** Runs saved synchronous jobs at once in this process's workers (`pnpm start`). */
    runNow?: RunNow;
    /** Images the direct runs just stored: read before storage (`pnpm start`). */
    recentImages?: RecentImages;
  } = {},
): Promise<RunningApi> {
  const logger = options.logger ?? createApiLogger(config);
  if (config.apiKeys.length === 0) {
    logger.warn(
      "API_KEYS is empty: authentication is OFF (until a managed key exists) and every caller shares one owner",
    );
  }
  if (config.webhooks.secret && config.apiKeys.length > 1) {
    logger.warn(
      "WEBHOOK_SECRET signs the webhooks of every static key: each of them can verify (and forge) the others'; unset it to give each key its own secret",
    );
  }
  const deps = await createDeps(config, logger, options.registry);
  if (options.moreMetrics) deps.moreMetrics = options.moreMetrics;
  if (options.runNow) deps.runNow = options.runNow;
  const recent = options.recentImages;
  if (recent) {
    const read = deps.present.read;
    deps.present = { ...deps.present, read: async (key) => recent.take(key) ?? read(key) };
  }
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (err?: Error) =>
      err ? reject(err) : resolve(s),
    );
  });
  // Sync requests may wait up to SYNC_TIMEOUT_MS; keep Node from cutting them off first.
  server.requestTimeout = config.syncTimeoutMs + 30_000;
  server.headersTimeout = 65_000;
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, providers: [...deps.enabled] }, "api listening");
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deps.close();
    },
  };
}
