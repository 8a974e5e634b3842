/**
 * Cancel (docs/architecture.md#queues-retries-and-failover): a queued job is
 * taken off its queue and never runs; a running one is marked canceled, which
 * its worker hears on the job's channel — it aborts the upstream call and
 * cancels the upstream task where the protocol has a cancel. A final job
 * answers 409. The job ends through the job lifecycle, like every other
 * (webhook, batch accounting).
 */
import type { JobRecord } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { ApiDeps } from "../deps";

/** Cancels `record`; returns its canceled record. */
export async function cancelJob(deps: ApiDeps, record: JobRecord): Promise<JobRecord> {
  const canceled = await deps.lifecycle.finishJob(
    record.id,
    ["queued", "in_progress"],
    "canceled",
    {},
  );
  if (!canceled) {
    const status = (await deps.store.get(record.id))?.status ?? record.status;
    throw new GatewayError(
      "job_already_final",
      `Job ${record.id} is already ${status} and cannot be canceled.`,
    );
  }
  await deps.queues.remove(record.id, record.provider_order);
  return canceled;
}
