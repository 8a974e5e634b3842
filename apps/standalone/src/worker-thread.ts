/**
 * The worker role of `pnpm start` in its own thread (docs/decisions): the API
 * on the main thread and the queued work here each get an event loop, so on
 * a multi-core machine a burst of polling never delays an HTTP answer and
 * the reverse. Config comes from the same environment; the main thread asks
 * it to stop (graceful: active jobs finish) with a "stop" message and for
 * its metrics with `{type: "metrics", id}` (merged into the API's scrape).
 * Synchronous jobs run on the main thread (docs/decisions/0018-direct-runs.md);
 * this thread's queued runs share their local slots, whose counts come in
 * `workerData`. A thread has its own modules, so tracing starts here too,
 * before ioredis and BullMQ load.
 */
import { parentPort, workerData } from "node:worker_threads";
import { enabledProviders, loadConfig } from "@imagegate/jobs/config";
import {
  createRegistry,
  LOG_REDACTION,
  type MetricsSnapshot,
  startTracing,
} from "@imagegate/telemetry";
import pino from "pino";

/** What the thread is started with: the local slots' shared counts. */
export type ThreadStart = { slots: SharedArrayBuffer };

/** What the thread sends when asked: its metrics. */
export type ThreadReply = { type: "metrics"; id: number; metrics: MetricsSnapshot };

/** A request of the main thread besides "stop": its metrics. */
export type ThreadRequest = { type: "metrics"; id: number };

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing({
    enabled: config.tracing.enabled,
    serviceName: config.tracing.serviceName ?? "imagegate",
  });
  // require, not import(): in this thread only tsx's require hook is registered (from source).
  const { createLocalSlots, startWorker } =
    require("@imagegate/worker") as typeof import("@imagegate/worker");
  const start = workerData as ThreadStart;
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
    localSlots: createLocalSlots([...enabledProviders(config)], config.limits, start.slots),
  });
  parentPort?.on("message", (message: "stop" | ThreadRequest) => {
    if (message === "stop") {
      void worker
        .close()
        .then(() => tracing?.shutdown())
        .then(() => parentPort?.postMessage("stopped"));
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
