/**
 * The worker role of `pnpm start` in its own thread (docs/decisions): the API
 * on the main thread and the workers here each get an event loop, so on a
 * multi-core machine a burst of polling never delays an HTTP answer and the
 * reverse. Config comes from the same environment; the main thread asks it
 * to stop (graceful: active jobs finish) with a "stop" message.
 */
import { parentPort } from "node:worker_threads";
import { loadConfig } from "@imagegate/jobs";
import { startWorker } from "@imagegate/worker";
import pino from "pino";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: { service: "imagegate", role: "worker" } });
  const worker = await startWorker(config, { logger });
  parentPort?.on("message", (message: unknown) => {
    if (message !== "stop") return;
    void worker.close().then(() => parentPort?.postMessage("stopped"));
  });
  parentPort?.postMessage("ready");
}

main().catch((err: unknown) => {
  // The main thread sees the thread's error event and stops the process.
  throw err;
});
