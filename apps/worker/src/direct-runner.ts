/**
 * Direct runs on the API's own thread (`pnpm start` on a multi-core machine,
 * docs/decisions/0018-direct-runs.md): what runs an image job, built in this
 * thread, and the direct runs over it — no BullMQ workers, reconciler or
 * sweepers, which stay in the worker thread. A synchronous job then runs
 * where its request waits: no message to another thread and back, and the
 * answer's images stay in this thread's memory. The local slots are shared
 * with the worker thread's queued runs (`local-slots.ts`).
 */
import { type Config, firstCheckMsFor, type RunNow } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { ImageProvider, UpstreamFetch } from "@imagegate/providers";
import { createOffThreadWriter } from "@imagegate/storage";
import type { Registry } from "@imagegate/telemetry";
import type { Logger } from "pino";
import { createDirectRuns, type DirectRuns } from "./direct-runs";
import type { LocalSlots } from "./local-slots";
import { createRunner, type Runner } from "./runner";

/** Options of `startDirectRunner`. */
export type DirectRunnerOptions = {
  logger: Logger;
  registry: Registry;
  /** The worker thread's slots (`createLocalSlots(…, buffer)` over its shared counts). */
  slots: LocalSlots;
  /** Takes the images of direct `b64_json` jobs as they are stored. */
  keepImages: (key: string, bytes: Buffer) => void;
  /** Providers to use instead of the registry built from config (tests). */
  providers?: Map<ProviderId, ImageProvider>;
  fetch?: UpstreamFetch;
};

/** Direct runs in this thread; `close()` waits for the runs in flight. */
export type DirectRunner = { runNow: RunNow; close(): Promise<void> };

/** Direct runs over `runner`'s processor, store and queues, in the thread that built it. */
export function directRunsOver(
  runner: Runner,
  config: Config,
  options: Pick<DirectRunnerOptions, "slots" | "logger"> & {
    keepImages?: DirectRunnerOptions["keepImages"] | undefined;
  },
): DirectRuns {
  return createDirectRuns({
    processor: runner.processor,
    served: new Set(runner.active),
    queues: runner.queues,
    store: runner.store,
    limits: config.limits,
    slots: options.slots,
    leaseMs: firstCheckMsFor(config.reconcileIntervalMs),
    logger: options.logger,
    keepImages: options.keepImages,
    onStart: (provider, waitedSeconds) => runner.metrics.queueWait(provider, waitedSeconds),
  });
}

/** Starts direct runs in this thread. */
export async function startDirectRunner(
  config: Config,
  options: DirectRunnerOptions,
): Promise<DirectRunner> {
  // A direct run's image file is written in a thread of its own while other runs are in
  // flight here: creating it blocks this event loop, which they wait on (docs/decisions/0018, 6).
  let running = () => 0;
  const newFiles = createOffThreadWriter({ offload: () => running() > 1 });
  const runner = await createRunner(config, { ...options, role: "direct", newFiles }).catch(
    async (err: unknown) => {
      await newFiles.close();
      throw err;
    },
  );
  const direct = directRunsOver(runner, config, options);
  running = direct.running;
  return {
    runNow: direct.runNow,
    async close() {
      await direct.close();
      await runner.close();
      await newFiles.close();
    },
  };
}
