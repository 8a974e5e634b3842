/**
 * Starts the worker role for `pnpm start`: in a worker thread when the
 * machine has more than one core (so the API and the workers do not share an
 * event loop), else in this thread. Either way one `close()` stops it
 * gracefully.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Config } from "@imagegate/jobs";
import { startWorker } from "@imagegate/worker";
import type { Logger } from "pino";

/** A running worker role. */
export type RunningWorkers = { mode: "thread" | "inline"; close(): Promise<void> };

/**
 * The worker thread: `worker-thread.js` when built; from source (`pnpm start`
 * runs under tsx), a small script that registers tsx's require hook in the
 * thread first — on Node 20 a loader given with `--import` does not reach
 * worker threads.
 */
function newThread(): Worker {
  if (!__filename.endsWith(".ts")) return new Worker(join(__dirname, "worker-thread.js"));
  const entry = join(__dirname, "worker-thread.ts");
  const script = `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(script, { eval: true });
}

/** Starts the workers; `cores` decides where (tests pass 1 to keep them inline). */
export async function startWorkers(
  config: Config,
  logger: Logger,
  cores = availableParallelism(),
): Promise<RunningWorkers> {
  if (cores < 2) {
    const worker = await startWorker(config, { logger: logger.child({ role: "worker" }) });
    return { mode: "inline", close: () => worker.close() };
  }
  // The thread inherits this process's flags (tsx's loader, the source condition) and env.
  const thread = newThread();
  const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
  thread.on("error", (err) => {
    logger.fatal({ err }, "the worker thread failed; stopping");
    process.exit(1);
  });
  await new Promise<void>((resolve, reject) => {
    thread.once("message", (message) => (message === "ready" ? resolve() : reject(message)));
    thread.once("exit", (code) =>
      reject(new Error(`the worker thread exited (${code}) before it was ready`)),
    );
  });
  return {
    mode: "thread",
    async close() {
      const stopped = new Promise<void>((resolve) =>
        thread.on("message", (m) => m === "stopped" && resolve()),
      );
      thread.postMessage("stop");
      await Promise.race([stopped, exited]);
      await thread.terminate();
    },
  };
}
