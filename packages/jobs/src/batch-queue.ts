/**
 * The `batches` queue: run (validate the input file and enqueue children),
 * stop (cancel or expire what has not started), finalize (write the output
 * and error files). Finalize and the expiry use fixed ids, so they are
 * scheduled once however often they are asked for.
 */
import { Queue } from "bullmq";
import { bullmqOptions, type QueueConnection } from "./queue-connection";
import { BATCH_QUEUE, type BatchTaskData, type BatchTaskName } from "./queues";
import { BATCH_TASK_RETRY_POLICY } from "./retry-policy";

export type BatchQueue = ReturnType<typeof createBatchQueue>;

/** Creates the producer of batch tasks. */
export function createBatchQueue(options: QueueConnection) {
  const queue = new Queue<BatchTaskData, unknown, BatchTaskName>(
    BATCH_QUEUE,
    bullmqOptions(options, BATCH_QUEUE),
  );
  // Fixed job ids: each task is scheduled once however often it is asked for.
  const add = (name: BatchTaskName, data: BatchTaskData, jobId: string, delayMs = 0) =>
    queue.add(name, data, {
      jobId,
      delay: delayMs,
      ...BATCH_TASK_RETRY_POLICY,
    });
  return {
    queue,
    /** Validates and ingests a new batch; also schedules its expiry at the end of the window. */
    async run(batchId: string, windowMs: number): Promise<void> {
      await add("run", { batchId }, `run-${batchId}`);
      await add("stop", { batchId, reason: "expired" }, `expire-${batchId}`, windowMs);
    },
    /** Stops the children that have not started (cancel). */
    async stop(batchId: string): Promise<void> {
      await add("stop", { batchId, reason: "cancelled" }, `cancel-${batchId}`);
    },
    /** Writes the output once every child is final. */
    async finalize(batchId: string): Promise<void> {
      await add("finalize", { batchId }, `finalize-${batchId}`);
    },
    async close(): Promise<void> {
      await queue.close();
    },
  };
}
