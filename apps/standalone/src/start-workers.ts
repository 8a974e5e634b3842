/**
 * Starts the worker role for `pnpm start`: in a worker thread when the
 * machine has more than one core (so the API and the queued work — async
 * jobs, batches, polling, webhooks, the reconciler — do not share an event
 * loop), else in this thread. The direct runs of synchronous jobs run in
 * this thread either way, where their requests wait
 * (docs/decisions/0018-direct-runs.md); in thread mode they share the local
 * slots with the thread's queued runs through shared memory. One `close()`
 * stops it all gracefully. Inline, the workers record their metrics in the
 * API's registry; in a thread, `metrics()` asks the thread for its own,
 * which the API merges into each scrape.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { type Config, enabledProviders, type RunNow } from "@imagegate/jobs";
import type { RecentImages } from "@imagegate/storage";
import type { MetricsSnapshot, Registry } from "@imagegate/telemetry";
import { createLocalSlots, startDirectRunner, startWorker } from "@imagegate/worker";
import type { Logger } from "pino";
import type { ThreadReply, ThreadRequest, ThreadStart } from "./worker-thread";

/** A running worker role. */
export type RunningWorkers = {
  mode: "thread" | "inline";
  /** The thread's metrics (thread mode only: inline ones are in the shared registry). */
  metrics?: () => Promise<MetricsSnapshot[]>;
  /** Runs a saved synchronous job at once (docs/decisions/0018-direct-runs.md). */
  runNow: RunNow;
  close(): Promise<void>;
};

/** Options of `startWorkers`. */
export type StartWorkersOptions = {
  /** The API's registry, used by inline workers. */
  registry: Registry;
  /** Cores to assume (tests pass 1 to keep the workers inline). @defaultValue availableParallelism() */
  cores?: number;
  /** Where direct runs leave the images of `b64_json` jobs for the API's answer. */
  recentImages: RecentImages;
};

/**
 * The worker thread: `worker-thread.js` when built; from source (`pnpm start`
 * runs under tsx), a small script that registers tsx's require hook in the
 * thread first — on Node 20 a loader given with `--import` does not reach
 * worker threads.
 */
function newThread(workerData: ThreadStart): Worker {
  if (!__filename.endsWith(".ts")) {
    return new Worker(join(__dirname, "worker-thread.js"), { workerData });
  }
  const entry = join(__dirname, "worker-thread.ts");
  const script = `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register(); require(${JSON.stringify(entry)});`;
  return new Worker(script, { eval: true, workerData });
}

/** Starts the workers, in a thread on a multi-core machine. */
export async function startWorkers(
  config: Config,
  logger: Logger,
  options: StartWorkersOptions,
): Promise<RunningWorkers> {
  if ((options.cores ?? availableParallelism()) < 2) {
    const worker = await startWorker(config, {
      logger: logger.child({ role: "worker" }),
      registry: options.registry,
      directRuns: true,
      keepImages: options.recentImages.keep,
    });
    const runNow = worker.runNow;
    if (!runNow) throw new Error("the workers were started without direct runs");
    return { mode: "inline", runNow, close: () => worker.close() };
  }
  // The local slots' counts, shared with the thread's queued runs.
  const slots = createLocalSlots([...enabledProviders(config)], config.limits);
  const direct = await startDirectRunner(config, {
    logger: logger.child({ role: "worker" }),
    registry: options.registry,
    slots,
    keepImages: options.recentImages.keep,
  });
  // The thread inherits this process's flags (tsx's loader, the source condition) and env.
  const thread = newThread({ slots: slots.buffer });
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
  let asked = 0;
  const waiting = new Map<number, (metrics: MetricsSnapshot) => void>();
  thread.on("message", (message: ThreadReply | string) => {
    if (typeof message === "object" && message.type === "metrics") {
      waiting.get(message.id)?.(message.metrics);
      waiting.delete(message.id);
    }
  });
  return {
    mode: "thread",
    runNow: direct.runNow,
    async metrics() {
      const id = ++asked;
      const reply = new Promise<MetricsSnapshot>((resolve) => waiting.set(id, resolve));
      const ask: ThreadRequest = { type: "metrics", id };
      thread.postMessage(ask);
      // A thread that does not answer in time leaves its series out of this scrape.
      const late = new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000).unref());
      const metrics = await Promise.race([reply, late]);
      waiting.delete(id);
      return metrics ? [metrics] : [];
    },
    async close() {
      await direct.close();
      const stopped = new Promise<void>((resolve) =>
        thread.on("message", (m) => m === "stopped" && resolve()),
      );
      thread.postMessage("stop");
      await Promise.race([stopped, exited]);
      await thread.terminate();
    },
  };
}
