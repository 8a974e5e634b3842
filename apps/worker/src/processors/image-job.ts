/**
 * The image job processor: follows one run of a job through the pipeline on
 * the provider its queue belongs to — claim the job (fencing token) → plan →
 * the calls (`n` in parallel, resuming the ledger's tasks) → post-process →
 * store and record (retried within a window) → announce — and hands any
 * failure to the outcome mapper (`outcome.ts`, applied by `apply-outcome.ts`).
 * docs/architecture.md traces it; docs/guarantees.md says what it promises.
 */

import { setMaxListeners } from "node:events";
import {
  byTaskOrder,
  type ClaimedRun,
  type DirectAnswer,
  type ImageJobData,
  ImageJobDataSchema,
  type ImageQueues,
  imageKey,
  isFinal,
  isLiveTask,
  type JobEvents,
  type JobLifecycle,
  type JobRecord,
  type JobStore,
  LockLostError,
  type PriceTable,
  type ProviderLimits,
  parkedQueueName,
  type SubmitLimiter,
  type TaskSlots,
  upstreamTaskField,
} from "@imagegate/jobs";
import { type ProviderId, TASK_PROVIDERS } from "@imagegate/params";
import {
  type ImageProvider,
  type ProviderInputImage,
  TaskParked,
  type UpstreamFetch,
} from "@imagegate/providers";
import type { BlobStore } from "@imagegate/storage";
import { annotateActiveSpan, JOB_ID_ATTRIBUTE, lazyChild, withSpan } from "@imagegate/telemetry";
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "pino";
import { applyOutcome, cancelUpstreamTasks, type RunPending } from "../apply-outcome";
import { attemptEntry, withAttempt } from "../attempt-log";
import { claimJob, giveBackClaim, hasLanded, JobNotSaved, untilSaved } from "../claims";
import { costOf } from "../job-cost";
import { decideOutcome } from "../outcome";
import { type CallbackSettings, NoTaskSlot } from "../pipeline/call-provider";
import { type Delivered, deliver, processImages } from "../pipeline/deliver";
import { planJob } from "../pipeline/plan";
import type { GifColours } from "../pipeline/post-process";
import { runCalls } from "../pipeline/run-calls";
import type { ResultFetch } from "../result-fetch";
import { parkAfterMsOf, releaseTaskSlots } from "./task-leases";

/** What the processor needs. */
export type ImageJobDeps = {
  store: JobStore;
  events: JobEvents;
  blobs: BlobStore;
  queues: ImageQueues;
  lifecycle: JobLifecycle;
  providers: ReadonlyMap<ProviderId, ImageProvider>;
  limits: Record<ProviderId, ProviderLimits>;
  logger: Logger;
  fetch: UpstreamFetch;
  resultFetch: ResultFetch;
  /** Prices of the actual cost written on success. */
  prices: PriceTable;
  /** Lifetime of input-image links handed to providers. */
  urlTtlSeconds: number;
  submitLimiter: SubmitLimiter;
  /** How long the store step is retried after the upstream delivered. */
  storeRetryWindowMs: number;
  /** Palette size of GIF output (GIF_COLOURS). */
  gifColours: GifColours;
  /** Provider callbacks, when PROVIDER_CALLBACKS is on. */
  callbacks: CallbackSettings | undefined;
  /** Task leases of providers that park their waits. */
  taskSlots: TaskSlots;
};

/** How long a provider's queue stops handing out jobs while its tasks in flight are at its concurrency. */
const NO_SLOT_PAUSE_MS = 500;

/** The most upstream calls one job makes (n ≤ 10). */
const MAX_CALLS = 10;

async function inputImages(deps: ImageJobDeps, record: JobRecord) {
  const toInput = async (key: string, mime: string): Promise<ProviderInputImage> => ({
    url: await deps.blobs.signedUrl(key, { ttlSeconds: deps.urlTtlSeconds }),
    mime,
    read: () => deps.blobs.get(key),
  });
  const images = await Promise.all(
    (record.request.images ?? []).map((i) => toInput(i.key, i.mime)),
  );
  const m = record.request.mask;
  return { images, mask: m ? await toInput(m.key, m.mime) : undefined };
}

/**
 * What a run needs of its queue entry: a BullMQ job, or the stand-in of a
 * direct run, which has no entry (`direct-runs.ts`).
 */
export type RunEntry = Pick<
  Job<ImageJobData>,
  "id" | "data" | "queueName" | "attemptsMade" | "opts" | "moveToDelayed"
>;

/** Options of one run. */
type RunOptions = {
  /**
   * Takes the images a `b64_json` job stored, as it stores them: a direct
   * run hands them to the waiting answer (docs/decisions/0018-direct-runs.md).
   */
  keepImages?: ((key: string, bytes: Buffer) => void) | undefined;
  /**
   * The job as the API saved it, claimed for this run (a direct run): the
   * run makes no claim of its own, and a pause gives the claim back.
   */
  claimed?: ClaimedRun | undefined;
  /** The waiting answer of a direct run's job: told of its final write as it leaves and as it lands. */
  answer?: DirectAnswer | undefined;
};

/** The processor, and the hook that stops runs whose lock BullMQ could not renew. */
export type ImageJobProcessor = {
  process(job: RunEntry, token?: string, options?: RunOptions): Promise<string>;
  /** Aborts the runs of these BullMQ job ids: their locks are gone. */
  lockLost(jobIds: readonly string[]): void;
};

/** Builds the BullMQ processor for image jobs. */
export function createImageJobProcessor(deps: ImageJobDeps): ImageJobProcessor {
  const runs = new Map<string, AbortController>();

  async function process(job: RunEntry, token?: string, options?: RunOptions): Promise<string> {
    const data = ImageJobDataSchema.parse(job.data);
    const providerId = data.providerOrder[data.providerIndex] as ProviderId;
    // Made when a line is logged: most runs log nothing at warn (packages/telemetry/src/lazy-child.ts).
    let log = lazyChild(deps.logger, { jobId: data.jobId, provider: providerId });
    const spanAttributes = { [JOB_ID_ATTRIBUTE]: data.jobId, "imagegate.provider": providerId };
    annotateActiveSpan(spanAttributes);
    const provider = deps.providers.get(providerId);
    if (!provider) {
      throw new UnrecoverableError(`provider ${providerId} is not enabled on this worker`);
    }
    // A job can slip past a fresh 429 pause while BullMQ re-queues; it waits the pause out, attempt unspent.
    const pausedMs = await deps.queues.pausedForMs(providerId);
    if (pausedMs > 0) {
      log.debug({ pausedMs }, "provider paused: job delayed");
      // A direct run's job waits the pause out queued, as a job that has not started.
      if (options?.claimed) {
        await untilSaved(options.claimed);
        await giveBackClaim(deps.store, data.jobId, options.claimed.fence);
      }
      await job.moveToDelayed(Date.now() + pausedMs, token);
      throw new DelayedError();
    }
    // The BullMQ lock token fences this run: once another run claims the job, our writes are
    // refused. A direct run's job was saved claimed for it (its `claimed`): no claim to make.
    const fence = options?.claimed?.fence ?? token ?? `run-${job.id}-${Date.now()}`;
    const claimedAtMs = Date.now();
    const { moved, record } = options?.claimed
      ? { moved: true, record: options.claimed.record }
      : await claimJob(deps.store, data.jobId, providerId, fence, claimedAtMs);
    if (!record) return "skipped";
    log = lazyChild(deps.logger, { jobId: data.jobId, provider: providerId, owner: record.owner });
    const parks = deps.limits[providerId].parkAfterMs !== null;
    const onParkedQueue = job.queueName === parkedQueueName(providerId);
    if (!moved) {
      // Final already: a re-run after a crash between the final write and its announcement,
      // or a parked job woken by its cancel, whose upstream task is still running.
      if (isFinal(record.status)) await deps.lifecycle.announceFinal(record);
      if (record.status === "canceled" && record.upstream_tasks.some(isLiveTask)) {
        await cancelUpstreamTasks(deps, record.id, log);
      }
      if (parks) await releaseTaskSlots(deps.taskSlots, providerId, record.id, MAX_CALLS);
      return "skipped";
    }

    const control = new AbortController();
    // Each call of the run listens on it (up to n = 10, several signals each).
    setMaxListeners(100, control.signal);
    runs.set(job.id ?? record.id, control);
    const stopListening = await deps.events.listen(record.id, (event) => {
      if (event.status === "canceled") control.abort(new Error("job canceled"));
    });
    let delivered: Delivered;
    // How the run ended for its tasks: parked or refused (they keep their leases), the job
    // ended (every lease goes back), or neither (the leases of ended tasks go back).
    let exit: "parked" | "no slot" | "job ended" | "not saved" | undefined;
    let calls = MAX_CALLS;
    // Written with the run's next record write (the result or the failure), not on their own.
    const pending: RunPending = { patch: {}, tasks: [] };
    const ledger = new Map(record.upstream_tasks.map((t) => [upstreamTaskField(t), t]));
    try {
      const { plan, applied } = planJob(record, providerId);
      calls = plan.calls.length;
      pending.patch.applied = applied as unknown as Record<string, unknown>;
      // A direct run got here while its job's create was on its way: nothing is written
      // or called before it lands (docs/decisions/0018-direct-runs.md).
      await untilSaved(options?.claimed);
      // A task protocol keeps the job running for seconds: its report shows meanwhile
      // (written once: a parked job's later runs find it there).
      if (
        TASK_PROVIDERS.has(providerId) &&
        JSON.stringify(record.applied) !== JSON.stringify(pending.patch.applied)
      ) {
        await deps.store.update(record.id, pending.patch, { fence });
      }
      const { images, mask } = await inputImages(deps, record);
      const progress = plan.calls.map(() => 0);
      const raw = await runCalls({
        record,
        providerId,
        plan,
        providers: deps.providers,
        limits: deps.limits,
        run: {
          jobId: record.id,
          fence,
          store: deps.store,
          submitLimiter: deps.submitLimiter,
          logger: log,
          fetch: deps.fetch,
          resultFetch: deps.resultFetch,
          runSignal: control.signal,
          images,
          mask,
          callbacks: deps.callbacks,
          parkAfterMs: parkAfterMsOf(deps.limits[providerId], plan.calls.length, runs.size),
          taskSlots: parks ? deps.taskSlots : undefined,
          claimedAtMs,
          deferredTasks: pending.tasks,
          ledger,
          onProgress: (index, fraction) => {
            progress[index] = fraction;
            const total = progress.reduce((a, b) => a + b, 0) / progress.length;
            // The final write says 1: an announcement of "all done" just before it is wasted.
            if (total < 1) void deps.store.progress(record.id, Math.min(0.95, total));
          },
        },
      });
      log.info({ images: raw.length }, "upstream delivered");
      const processed = await withSpan("image.post_process", spanAttributes, () =>
        processImages(raw, plan, { gifColours: deps.gifColours }),
      );
      const cost = costOf(deps, record, providerId, processed, [...ledger.values()]);
      // Before the final write: the answer that waits must find them when that write wakes it.
      if (options?.keepImages && record.request.response_format === "b64_json") {
        for (const [i, image] of processed.entries()) {
          options.keepImages(imageKey(record.id, i, image.format), image.data);
        }
      }
      delivered = await withSpan("image.store", spanAttributes, () =>
        deliver({
          // Its ledger as the run leaves it: the record the final write makes is built from it.
          record: { ...record, upstream_tasks: [...ledger.values()].sort(byTaskOrder) },
          fence,
          plan,
          images: processed,
          store: deps.store,
          blobs: deps.blobs,
          window: { windowMs: deps.storeRetryWindowMs, signal: control.signal, logger: log },
          patch: {
            ...pending.patch,
            provider: providerId,
            ...withAttempt(record, attemptEntry(providerId, "succeeded")),
            ...(cost ? { cost } : {}),
          },
          tasks: pending.tasks,
          onWrite: options?.answer?.prepare,
        }),
      );
      if (delivered.status !== "not running") options?.answer?.settle(delivered.record);
    } catch (err) {
      // A direct run that failed before its record landed (its plan) waits for it, to write
      // the outcome there; if it never lands, the run ends with nothing written.
      if (err instanceof JobNotSaved || !(await hasLanded(options?.claimed))) {
        exit = "not saved";
        throw err instanceof JobNotSaved ? err : new JobNotSaved(record.id);
      }
      if (err instanceof TaskParked) {
        exit = "parked";
        return await park(job, data, token, onParkedQueue, err.wakeAtMs, log);
      }
      if (err instanceof NoTaskSlot) {
        exit = "no slot";
        log.debug("tasks in flight at the provider's concurrency: job back to its queue");
        // It waits for a slot as a queued job, and has not started (unless an earlier run did).
        const neverRan = record.attempt_log.length === 0 && record.upstream_tasks.length === 0;
        await giveBackClaim(deps.store, record.id, fence, neverRan);
        await (onParkedQueue
          ? deps.queues.parked(providerId)
          : deps.queues.get(providerId)
        ).rateLimit(NO_SLOT_PAUSE_MS);
        throw Worker.RateLimitError();
      }
      const latest = (await deps.store.get(record.id)) ?? record;
      const outcome = decideOutcome(err, {
        attemptsMade: job.attemptsMade,
        attempts: job.opts.attempts ?? 1,
        hasNextProvider: data.providerIndex + 1 < data.providerOrder.length,
        canceled: latest.status === "canceled",
        hasLiveTasks: latest.upstream_tasks.some(isLiveTask),
      });
      log.warn({ err, action: outcome.action }, "image job run failed");
      if (["canceled", "failover", "fail"].includes(outcome.action)) exit = "job ended";
      return applyOutcome(deps, outcome, {
        data,
        record: latest,
        providerId,
        fence,
        err,
        log,
        pending,
      });
    } finally {
      runs.delete(job.id ?? record.id);
      await stopListening();
      if (parks && exit !== "parked" && exit !== "no slot" && exit !== "not saved") {
        // A task still running (a retry resumes it; the lock was lost) keeps its lease.
        const running = new Set(
          [...ledger.values()].filter((t) => t.state === "running").map((t) => t.call_index),
        );
        const keep = exit === "job ended" ? () => false : (i: number) => running.has(i);
        await releaseTaskSlots(deps.taskSlots, providerId, record.id, calls, keep);
      }
    }
    if (delivered.status === "not running") return "canceled";
    log.info({ images: delivered.record.result?.images.length }, "image job succeeded");
    // The final write ended the hold and listed the blobs (deliver's `ends`).
    await deps.lifecycle.announceFinal(delivered.record, { first: true, ended: true });
    return "succeeded";
  }

  /**
   * Parks the job until `wakeAtMs`: its task runs on, and the job waits as a
   * delayed entry of the provider's parked queue, holding no worker slot
   * (docs/decisions/0017-parked-waits.md). An entry already there is
   * delayed again; one on the provider's queue adds the parked entry first,
   * then ends, so a crash in between leaves two entries (fenced runs) and
   * never none.
   */
  async function park(
    job: RunEntry,
    data: ImageJobData,
    token: string | undefined,
    onParkedQueue: boolean,
    wakeAtMs: number,
    log: Logger,
  ): Promise<string> {
    log.debug({ wakeAtMs }, "upstream task still running: job parked");
    if (onParkedQueue) {
      await job.moveToDelayed(wakeAtMs, token);
      throw new DelayedError();
    }
    await deps.queues.park(data, wakeAtMs, (job.opts.attempts ?? 1) - job.attemptsMade);
    return "parked";
  }

  return {
    process,
    lockLost(jobIds) {
      for (const id of jobIds) runs.get(id)?.abort(new LockLostError(id));
    },
  };
}
