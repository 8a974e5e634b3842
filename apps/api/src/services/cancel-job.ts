/**
 * Cancel (DESIGN §4 "Jobs"): a queued job is taken off its queue and never
 * runs; a running one is marked canceled, which its worker hears on the
 * job's channel — it aborts the upstream call and cancels the upstream task
 * where the protocol has a cancel. A final job answers 409.
 */
import { isFinal, type JobRecord } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { ApiDeps } from "../deps";

/** Cancels `record`; returns its canceled record. */
export async function cancelJob(deps: ApiDeps, record: JobRecord): Promise<JobRecord> {
  const refuse = (status: string) =>
    new GatewayError(
      "job_already_final",
      `Job ${record.id} is already ${status} and cannot be canceled.`,
    );
  if (isFinal(record.status)) throw refuse(record.status);
  const canceled = await deps.store.transition(record.id, ["queued", "in_progress"], "canceled", {
    completed_at: Math.floor(Date.now() / 1000),
  });
  if (!canceled) throw refuse((await deps.store.get(record.id))?.status ?? "final");
  await deps.queues.remove(record.id, record.route);
  const latest = (await deps.store.get(record.id)) as JobRecord;
  await deps.webhooks.announce(latest);
  if (latest.batch_id) {
    // A batch child canceled on its own still counts toward its batch.
    const counts = await deps.batches.markChildFinal(latest.batch_id, latest.id, false);
    const batch = await deps.batches.get(latest.batch_id);
    const running = batch?.status === "in_progress" || batch?.status === "cancelling";
    if (running && counts.completed + counts.failed >= counts.total)
      await deps.batchQueue.finalize(latest.batch_id);
  }
  return latest;
}
