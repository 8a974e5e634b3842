/**
 * Direct runs (docs/decisions/0018-direct-runs.md): in `pnpm start`, a new
 * synchronous job runs at once in this process, with no queue entry, when
 * its provider has room here; the API saved it already claimed for the run
 * (else the claim is given back and it waits `queued` on its queue). Its
 * record and the open-jobs index keep it durable: while the run lasts it
 * keeps pushing the job's next reconciler look ahead (its lease), so after
 * a crash the job falls due within `leaseMs` and the reconciler puts it on
 * its queue, which resumes its saved upstream tasks. A run that does not
 * end the job hands it to its queue: a 429 pause or a full provider waits
 * there, a retry runs there after its backoff with this attempt counted. */
import {
  type ClaimedRun,
  type DirectAnswer,
  type EntryRetry,
  type ImageJobData,
  type ImageQueues,
  imageJobOptions,
  imageQueueName,
  imageRetryDelayMs,
  type JobStore,
  type ProviderLimits,
  type RunNow,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import { JOB_ID_ATTRIBUTE, withSpanFrom } from "@imagegate/telemetry";
import { DelayedError, RateLimitError, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import { giveBackClaim, hasLanded, JobNotSaved } from "./claims";
import type { LocalSlots } from "./local-slots";
import type { ImageJobProcessor, RunEntry } from "./processors/image-job";

/** What direct runs need. */
export type DirectRunsDeps = {
  processor: ImageJobProcessor;
  /** The providers this process's workers serve; a job of another one is queued. */
  served: ReadonlySet<ProviderId>;
  queues: ImageQueues;
  store: JobStore;
  limits: Record<ProviderId, ProviderLimits>;
  /** Shared with this process's queue workers. */
  slots: LocalSlots;
  /** How far ahead each renewal pushes the job's next reconciler look; renewed every half. */
  leaseMs: number;
  logger: Logger;
  /** Takes the images of `b64_json` jobs as they are stored, for the answer that waits. */
  keepImages?: ((key: string, bytes: Buffer) => void) | undefined;
  /** Each run's wait before it started (the queue wait it replaces). */
  onStart?: (provider: ProviderId, waitedSeconds: number) => void;
};

/** How long a provider's count of queue workers is reused. */
const WORKERS_CHECK_MS = 5_000;

/** Direct runs of one process. */
export type DirectRuns = {
  /**
   * Runs job `data` (saved, open, with no queue entry) now when its provider
   * has room here, else enqueues it. Never throws: a job it could neither
   * run nor enqueue is the reconciler's once its lease runs out.
   */
  runNow: RunNow;
  /** How many runs are in flight. */
  running(): number;
  /** Takes no more, and waits for the runs in flight. */
  close(): Promise<void>;
};

/** Creates this process's direct runs. */
export function createDirectRuns(deps: DirectRunsDeps): DirectRuns {
  const inFlight = new Set<Promise<void>>();
  let closing = false;
  const workersSeen = new Map<ProviderId, { sole: Promise<boolean>; at: number }>();

  /**
   * True when this process is the only one taking `provider`'s jobs: only
   * then do its slots bound the provider's whole concurrency.
   */
  function soleWorker(provider: ProviderId): Promise<boolean> {
    const seen = workersSeen.get(provider);
    if (seen && Date.now() - seen.at < WORKERS_CHECK_MS) return seen.sole;
    const sole = deps.queues.workerCount(provider).then(
      (n) => n === 1,
      () => false,
    );
    workersSeen.set(provider, { sole, at: Date.now() });
    return sole;
  }

  /**
   * Whether a run of `provider` may start here now; takes its slot. (A
   * paused provider is the processor's to find: its run hands the job over,
   * delayed by the pause.)
   */
  async function admit(provider: ProviderId): Promise<boolean> {
    if (closing || !deps.served.has(provider)) return false;
    if (!deps.slots.bounds(provider)) return true;
    return (await soleWorker(provider)) && !closing && deps.slots.tryTake(provider);
  }

  /** Puts the job on its queue: at once, or as a later attempt. */
  const handOver = (data: ImageJobData, retry?: EntryRetry) =>
    deps.queues.enqueue(data, "interactive", retry);

  /** Puts a job that was saved claimed for a run that never started on its queue, queued again. */
  async function handBack(data: ImageJobData, claimed: ClaimedRun): Promise<void> {
    // A job whose create failed has nothing to give back.
    if (!(await hasLanded(claimed))) return;
    await giveBackClaim(deps.store, data.jobId, claimed.fence);
    await handOver(data);
  }

  async function run(
    data: ImageJobData,
    provider: ProviderId,
    claimed: ClaimedRun,
    answer: DirectAnswer | undefined,
  ): Promise<void> {
    const limits = deps.limits[provider];
    let delayedUntil = 0;
    const entry: RunEntry = {
      id: `direct:${data.jobId}`,
      data,
      queueName: imageQueueName(provider),
      attemptsMade: 0,
      opts: imageJobOptions(data.jobId, limits),
      moveToDelayed: async (timestamp: number) => {
        delayedUntil = timestamp;
      },
    };
    const renew = async () => {
      // Not before the record has landed: the open index must never name a job that is not.
      if (!(await hasLanded(claimed))) return;
      await deps.store
        .scheduleCheck(data.jobId, Date.now() + deps.leaseMs)
        .catch((err) => deps.logger.warn({ err, jobId: data.jobId }, "lease renewal failed"));
    };
    const lease = setInterval(renew, deps.leaseMs / 2);
    try {
      await deps.processor.process(entry, undefined, {
        keepImages: deps.keepImages,
        claimed,
        answer,
      });
    } catch (err) {
      // The job ended (failed, or failed over where no provider was left), or never existed.
      if (err instanceof UnrecoverableError || err instanceof JobNotSaved) return;
      const retry: EntryRetry | undefined =
        err instanceof DelayedError
          ? { attemptsMade: 0, delayMs: delayedUntil - Date.now() }
          : err instanceof RateLimitError
            ? undefined
            : { attemptsMade: 1, delayMs: await imageRetryDelayMs(limits, 1) };
      await handOver(data, retry);
      deps.logger.debug({ jobId: data.jobId, retry }, "direct run handed its job to the queue");
    } finally {
      clearInterval(lease);
    }
  }

  return {
    runNow(data, trace, claimed, answer) {
      const provider = data.providerOrder[data.providerIndex] as ProviderId;
      const handedAt = Date.now();
      const task = (async () => {
        if (!(await admit(provider))) return handBack(data, claimed);
        try {
          deps.onStart?.(provider, (Date.now() - handedAt) / 1000);
          // Named like BullMQ's "process <queue>" span, which a queued run has instead.
          await withSpanFrom(
            trace,
            `direct ${imageQueueName(provider)}`,
            { [JOB_ID_ATTRIBUTE]: data.jobId, "imagegate.provider": provider },
            () => run(data, provider, claimed, answer),
          );
        } finally {
          deps.slots.release(provider);
        }
      })().catch((err) =>
        deps.logger.error(
          { err, jobId: data.jobId },
          "direct run failed; the reconciler takes the job",
        ),
      );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    },
    running: () => inFlight.size,
    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}
