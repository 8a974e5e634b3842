/**
 * The reconciler: every job ends (docs/guarantees.md#every-job-ends).
 * A job whose record is open (queued or in progress) must have a queue entry
 * that will still run it. When the entry failed outside our processor (the
 * stall limit: the job keeps killing workers) the job fails with
 * `processing_interrupted`; when the entry vanished, or ended while the
 * record stayed open (a crash between two writes), the job is put back on
 * the queue of the provider that holds its live tasks — which resumes them —
 * at most `maxRequeues` times, then it fails the same way. A job waiting on
 * a queue no worker serves (its provider disabled since) moves on down its
 * provider order, or fails with `no_provider` (`stranded.ts`). Its webhook and batch
 * accounting go out through the job lifecycle.
 *
 * It runs on BullMQ's `failed` events and as a sweep over the open-jobs index
 * every `intervalMs`, one worker process at a time (a Redis lock).
 */
import {
  type ImageQueues,
  isFinal,
  isLiveTask,
  type JobLifecycle,
  type JobRecord,
  type JobStore,
  type RedisClient,
} from "@imagegate/jobs";
import { GatewayError, type ProviderId } from "@imagegate/params";
import type { Logger } from "pino";
import { periodic } from "./periodic";
import { planStranded } from "./stranded";

/** Options of `createReconciler`. */
export type ReconcilerOptions = {
  store: JobStore;
  queues: ImageQueues;
  lifecycle: JobLifecycle;
  redis: RedisClient;
  /** Key of the sweep lock. */
  lockKey: string;
  logger: Logger;
  /** Sweep period; 0 = no sweeps (events only). */
  intervalMs: number;
  /** Times a job is put back on a queue before it fails. @defaultValue 3 */
  maxRequeues?: number;
  /** Open jobs looked at per sweep. @defaultValue 1000 */
  batchSize?: number;
};

/** How long until a healthy open job is looked at again: running ones sooner. */
const RECHECK_ACTIVE_MS = 120_000;
const RECHECK_WAITING_MS = 600_000;

/** BullMQ's reason for an entry that stalled more than WORKER_MAX_STALLS times. */
const STALL_LIMIT = "stalled more than allowable limit";

/** Creates the reconciler; `start()` begins the sweeps. */
export function createReconciler(options: ReconcilerOptions) {
  const { store, queues, lifecycle, logger } = options;
  const maxRequeues = options.maxRequeues ?? 3;

  async function interrupt(record: JobRecord, why: string): Promise<void> {
    const error = new GatewayError(
      "processing_interrupted",
      `The job was interrupted and could not be resumed (${why}).`,
    ).toEnvelope().error;
    const ended = await lifecycle.finishJob(record.id, ["queued", "in_progress"], "failed", {
      error,
    });
    if (ended) logger.warn({ jobId: record.id, why }, "job failed by the reconciler");
  }

  /** A job waiting on a queue no worker serves: on down its provider order, or failed, or left to wait. */
  async function moveStranded(record: JobRecord, provider: ProviderId): Promise<string> {
    const servedNow = new Map<ProviderId, boolean>();
    for (const p of record.provider_order) servedNow.set(p, await queues.served(p));
    const plan = planStranded(record, provider, (p) => servedNow.get(p) ?? false);
    if (plan.action === "wait") {
      logger.warn({ jobId: record.id, provider }, "job waits for a provider no worker serves");
      await store.scheduleCheck(record.id, Date.now() + RECHECK_WAITING_MS);
      return "healthy";
    }
    if (plan.action === "fail") {
      const error = new GatewayError(
        "no_provider",
        // The message predates the provider-order rename; it is part of the job object users see.
        `No worker serves ${provider}, and no later provider of this job's route is served.`,
      ).toEnvelope().error;
      await lifecycle.finishJob(record.id, ["queued", "in_progress"], "failed", { error });
      logger.warn(
        { jobId: record.id, provider },
        "job failed: its provider is served by no worker",
      );
      return "interrupted";
    }
    await queues.requeue(
      { jobId: record.id, providerOrder: record.provider_order, providerIndex: plan.providerIndex },
      record.batch_id ? "batch" : "interactive",
    );
    await store.scheduleCheck(record.id, Date.now() + RECHECK_WAITING_MS);
    logger.warn(
      { jobId: record.id, from: provider, to: plan.provider },
      "job moved off a provider no worker serves",
    );
    return "moved";
  }

  /** Makes sure job `id` ends: leaves healthy jobs alone, resumes or fails stranded ones. */
  async function reconcile(id: string, reason?: string): Promise<string> {
    const record = await store.get(id);
    if (!record || isFinal(record.status)) {
      await store.forgetOpen(id);
      return "closed";
    }
    if (reason?.includes(STALL_LIMIT)) {
      await interrupt(record, "its workers stopped while running it too many times");
      return "interrupted";
    }
    const { state, provider } = await queues.entry(id, record.provider_order);
    if (provider && state !== "active" && !(await queues.served(provider))) {
      return moveStranded(record, provider);
    }
    if (state !== "missing" && state !== "completed" && state !== "failed") {
      const next = state === "active" ? RECHECK_ACTIVE_MS : RECHECK_WAITING_MS;
      await store.scheduleCheck(id, Date.now() + next);
      return "healthy";
    }
    if (record.reconciled >= maxRequeues) {
      await interrupt(record, `its queue entry was lost ${record.reconciled + 1} times`);
      return "interrupted";
    }
    // Resume where the job's live tasks are (never another provider: they would be paid again).
    const live = record.upstream_tasks.find(isLiveTask)?.provider ?? record.provider;
    const providerIndex = Math.max(0, live ? record.provider_order.indexOf(live) : 0);
    await store.update(id, { reconciled: record.reconciled + 1 });
    await queues.requeue(
      { jobId: id, providerOrder: record.provider_order, providerIndex },
      record.batch_id ? "batch" : "interactive",
    );
    await store.scheduleCheck(id, Date.now() + RECHECK_WAITING_MS);
    logger.warn({ jobId: id, state, providerIndex }, "job re-queued by the reconciler");
    return "requeued";
  }

  /** One sweep over the due open jobs, if no other process is sweeping. */
  async function sweep(): Promise<number> {
    const lockMs = Math.max(10_000, options.intervalMs);
    const got = await options.redis.set(options.lockKey, "1", "PX", lockMs, "NX");
    if (got !== "OK") return 0;
    try {
      const ids = await store.dueOpenJobs(Date.now(), options.batchSize ?? 1000);
      for (const id of ids) {
        try {
          await reconcile(id);
        } catch (err) {
          logger.error({ jobId: id, err }, "reconcile failed");
        }
      }
      return ids.length;
    } finally {
      await options.redis.del(options.lockKey);
    }
  }

  return {
    reconcile,
    sweep,
    /** Reacts to a failed queue entry (BullMQ `failed`): the job must still end. */
    onEntryFailed(id: string, reason: string): void {
      reconcile(id, reason).catch((err) => logger.error({ jobId: id, err }, "reconcile failed"));
    },
    ...periodic(sweep, options.intervalMs, (err) =>
      logger.error({ err }, "reconciler sweep failed"),
    ),
  };
}
