/** The processor of the `batches` queue: dispatches run, stop and finalize. */
import { type BatchTaskData, BatchTaskDataSchema, type BatchTaskName } from "@imagegate/jobs";
import type { Job } from "bullmq";
import type { BatchDeps } from "./deps";
import { finalizeBatch } from "./finalize";
import { runBatch } from "./run";
import { stopBatch } from "./stop";

/** Builds the batches processor. */
export function createBatchProcessor(deps: BatchDeps) {
  return async function processBatchTask(
    job: Job<BatchTaskData, unknown, BatchTaskName>,
  ): Promise<string> {
    const { batchId } = BatchTaskDataSchema.parse(job.data);
    switch (job.name) {
      case "run":
        return runBatch(deps, batchId);
      case "stop":
        return stopBatch(deps, batchId, job.id?.startsWith("expire-") ? "expired" : "cancelled");
      case "finalize":
        return finalizeBatch(deps, batchId);
    }
  };
}
