/** The processor of the `batches` queue: dispatches run, stop and finalize. */
import { type BatchTaskData, BatchTaskDataSchema, type BatchTaskName } from "@imagegate/jobs";
import type { Job } from "bullmq";
import type { BatchDeps } from "./deps";
import { finalizeBatch } from "./finalize";
import { runBatch } from "./run";
import { stopBatch } from "./stop";

/**
 * The reason of a stop queued before the payload carried one: an expiry is
 * scheduled a whole window ahead, so such entries outlive an upgrade by up to
 * 24 h. Remove once no deployment can hold one.
 */
function legacyStopReason(jobId: string | undefined): "cancelled" | "expired" {
  return jobId?.startsWith("expire-") ? "expired" : "cancelled";
}

/** Builds the batches processor. */
export function createBatchProcessor(deps: BatchDeps) {
  return async function processBatchTask(
    job: Job<BatchTaskData, unknown, BatchTaskName>,
  ): Promise<string> {
    const { batchId, reason } = BatchTaskDataSchema.parse(job.data);
    switch (job.name) {
      case "run":
        return runBatch(deps, batchId);
      case "stop":
        return stopBatch(deps, batchId, reason ?? legacyStopReason(job.id));
      case "finalize":
        return finalizeBatch(deps, batchId);
    }
  };
}
