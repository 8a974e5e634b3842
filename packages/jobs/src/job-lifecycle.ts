/**
 * The one way a job ends (docs/architecture.md#the-job-lifecycle): the final
 * write, then its announcement — its budget hold settled to what it cost
 * (succeeded) or released (failed, canceled), its blobs listed for retention,
 * the webhook delivery and, for a batch child, the batch's counts and its
 * finalize step once every line is final. The worker's success write ends
 * the hold and lists the blobs itself (one round trip less per job).
 * The worker, the API's cancel, a batch stop and the reconciler all end jobs
 * through `finishJob`; a re-run that finds its job already final calls
 * `announceFinal` again, which is idempotent (a hold ends once, webhook
 * message ids are fixed, batch counts are guarded by a set).
 */

import type { BatchQueue } from "./batch-queue";
import type { BatchStore } from "./batch-store";
import { type BudgetStore, holdEndingOf } from "./budget-store";
import type { FinalJobObserver } from "./final-observer";
import type { JobStore, WriteOptions } from "./job-store";
import type { JobPatch, JobRecord, JobStatus } from "./records";
import type { RetentionIndex } from "./retention-index";
import type { WebhookQueue } from "./webhook-queue";

/** What ending a job touches. */
export type JobLifecycleDeps = {
  store: JobStore;
  webhooks: WebhookQueue;
  batches: BatchStore;
  batchQueue: BatchQueue;
  /** Lists a final job's blobs for deletion when its record expires. */
  retention: Pick<RetentionIndex, "scheduleJob">;
  /**
   * Told about every final job's announcement (metrics); `first`
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
  const ending = holdEndingOf(record);
  if (!ending) return;
  if (ending.settlement) await budgets.settle(ending.owner, ending.id, ending.settlement);
  else await budgets.release(ending.owner, ending.id);
}

/** Creates the job lifecycle over its stores and queues. */
export function createJobLifecycle(deps: JobLifecycleDeps) {
  /**
   * Announces a final job: its budget, its blobs' retention, its webhook,
   * its batch's bookkeeping. Safe to repeat; `first` when the caller's write
   * just ended the job, `ended` when that write also ended its hold and
   * listed its blobs (`MoveOptions.ends`).
   */
  async function announceFinal(
    record: JobRecord,
    options: { first?: boolean; ended?: boolean } = {},
  ): Promise<void> {
    // Apart from each other: sent together, they share one write to Redis (`batchWrites`).
    // A final write that was given the record (`ends`) has ended its hold and listed its blobs.
    await Promise.all([
      options.ended ? undefined : endHold(deps.budgets, record),
      options.ended ? undefined : deps.retention.scheduleJob(record),
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
