/**
 * The worker role of `pnpm start` in its own thread (docs/decisions): the API
 * on the main thread and the workers here each get an event loop, so on a
 * multi-core machine a burst of polling never delays an HTTP answer and the
 * reverse. Config comes from the same environment; the main thread asks it
 * to stop (graceful: active jobs finish) with a "stop" message, for its
 * metrics with `{type: "metrics", id}` (merged into the API's scrape), and
 * hands it saved synchronous jobs to run at once with `{type: "run", data}`
 * (docs/decisions/0018-direct-runs.md). A
 * thread has its own modules, so tracing starts here too, before ioredis and
 * BullMQ load.
 */
import { parentPort } from "node:worker_threads";
import type { ClaimedRun, ImageJobData } from "@imagegate/jobs";
import { loadConfig } from "@imagegate/jobs/config";
import {
  createRegistry,
  LOG_REDACTION,
  type MetricsSnapshot,
  startTracing,
} from "@imagegate/telemetry";
import pino from "pino";

/** What the thread sends: its metrics when asked, and each image a direct run stores for its answer. */
export type ThreadReply =
  | { type: "metrics"; id: number; metrics: MetricsSnapshot }
  | { type: "stored"; key: string; bytes: Uint8Array };

/** A request of the main thread besides "stop": its metrics, or a job to run now. */
export type ThreadRequest =
  | { type: "metrics"; id: number }
  | { type: "run"; data: ImageJobData; trace: Record<string, string>; claimed: ClaimedRun };

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing({
    enabled: config.tracing.enabled,
    serviceName: config.tracing.serviceName ?? "imagegate",
  });
  // require, not import(): in this thread only tsx's require hook is registered (from source).
  const { startWorker } = require("@imagegate/worker") as typeof import("@imagegate/worker");
  const logger = pino({
    level: config.logLevel,
    base: { service: "imagegate", role: "worker" },
    redact: LOG_REDACTION,
  });
  // Process metrics are the main thread's: counting them here too would double them.
  const registry = createRegistry({ processMetrics: false });
  const worker = await startWorker(config, {
    logger,
    registry,
    directRuns: true,
    keepImages: (key, bytes) => {
      // One copy, moved across: cloning a view would copy all of the memory behind it.
      const own = new Uint8Array(bytes);
      const stored: ThreadReply = { type: "stored", key, bytes: own };
      parentPort?.postMessage(stored, [own.buffer]);
    },
  });
  parentPort?.on("message", (message: "stop" | ThreadRequest) => {
    if (message === "stop") {
      void worker
        .close()
        .then(() => tracing?.shutdown())
        .then(() => parentPort?.postMessage("stopped"));
      return;
    }
    if (message.type === "run") {
      worker.runNow?.(message.data, message.trace, message.claimed);
      return;
    }
    const id = message.id;
    void registry.getMetricsAsJSON().then((metrics) => {
      const reply: ThreadReply = { type: "metrics", id, metrics };
      parentPort?.postMessage(reply);
    });
  });
  parentPort?.postMessage("ready");
}

main().catch((err: unknown) => {
  // The main thread sees the thread's error event and stops the process.
  throw err;
});
