/**
 * The one way a job ends (docs/architecture.md#the-job-lifecycle): the final
 * write, then its announcement — its budget hold settled to what it cost
 * (succeeded) or released (failed, canceled), the webhook delivery and, for
 * a batch child, the batch's counts and its finalize step once every line is final.
 * The worker, the API's cancel, a batch stop and the reconciler all end jobs
 * through `finishJob`; a re-run that finds its job already final calls
 * `announceFinal` again, which is idempotent (a hold ends once, webhook
 * message ids are fixed, batch counts are guarded by a set).
 */

import type { BatchQueue } from "./batch-queue";
import type { BatchStore } from "./batch-store";
import { toMicros } from "./budget";
import type { BudgetStore } from "./budget-store";
import type { FinalJobObserver } from "./final-observer";
import type { JobStore, WriteOptions } from "./job-store";
import type { JobPatch, JobRecord, JobStatus } from "./records";
import type { WebhookQueue } from "./webhook-queue";

/** What ending a job touches. */
export type JobLifecycleDeps = {
  store: JobStore;
  webhooks: WebhookQueue;
  batches: BatchStore;
  batchQueue: BatchQueue;
  /**
   * Told about every final job's announcement (metrics, retention); `first`
   * is true for the process whose write ended the job — a re-announcement
   * after a crash says false.
   */
  onFinal?: FinalJobObserver;
  budgets: BudgetStore;
};

export type JobLifecycle = ReturnType<typeof createJobLifecycle>;

/** Queues a batch's finalize step once every line is final and the batch is past validation. */
export async function finalizeBatchWhenDone(
  deps: Pick<JobLifecycleDeps, "batches" | "batchQueue">,
  batchId: string,
): Promise<void> {
  const batch = await deps.batches.get(batchId);
  if (!batch || (batch.status !== "in_progress" && batch.status !== "cancelling")) return;
  const { total, completed, failed } = batch.request_counts;
  if (completed + failed >= total) await deps.batchQueue.finalize(batchId);
}

/** Ends a final job's budget hold: settled to its cost when it succeeded, else released. */
async function endHold(budgets: BudgetStore, record: JobRecord): Promise<void> {
  const cost = record.cost;
  if (!cost) return;
  if (record.status !== "succeeded") {
    await budgets.release(record.owner, cost.hold_id);
    return;
  }
  await budgets.settle(record.owner, cost.hold_id, {
    // A record written without its actual cost is charged its estimate.
    micros: toMicros(cost.actual_usd ?? cost.estimated_usd),
    images: record.result?.images.length ?? 0,
    model: record.model,
    provider: record.provider ?? "unknown",
    at: record.completed_at ?? Math.floor(Date.now() / 1000),
  });
}

/** Creates the job lifecycle over its stores and queues. */
export function createJobLifecycle(deps: JobLifecycleDeps) {
  /**
   * Announces a final job: its budget, its webhook, its batch's bookkeeping.
   * Safe to repeat; `first` when the caller's write just ended the job.
   */
  async function announceFinal(
    record: JobRecord,
    options: { first?: boolean } = {},
  ): Promise<void> {
    // Apart from each other: sent together, they share one write to Redis (auto-pipelining).
    await Promise.all([
      endHold(deps.budgets, record),
      deps.webhooks.announce(record),
      deps.onFinal?.(record, options.first === true),
    ]);
    if (!record.batch_id) return;
    const counts = await deps.batches.markChildFinal(
      record.batch_id,
      record.id,
      record.status === "succeeded",
    );
    if (counts.completed + counts.failed >= counts.total) {
      await finalizeBatchWhenDone(deps, record.batch_id);
    }
  }

  return {
    announceFinal,

    /**
     * Moves job `id` from one of `from` to the final status `to` with `patch`,
     * then announces it. Returns the final record, or null when the status did
     * not allow it (already final, or unknown). LockLostError when fenced off.
     */
    async finishJob(
      id: string,
      from: JobStatus[],
      to: Extract<JobStatus, "succeeded" | "failed" | "canceled">,
      patch: JobPatch,
      options: WriteOptions = {},
    ): Promise<JobRecord | null> {
      const now = Math.floor(Date.now() / 1000);
      const { moved, record } = await deps.store.move(
        id,
        from,
        to,
        { completed_at: now, ...patch },
        options,
      );
      if (!moved || !record) return null;
      await announceFinal(record, { first: true });
      return record;
    },
  };
}
