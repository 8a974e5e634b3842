/**
 * Metrics read off BullMQ's worker events, so the processors stay as they
 * are: how long an image job waited in its provider's queue (first pick-up
 * of each queue entry), each webhook delivery attempt's outcome, and each
 * finished batch's status and line counts.
 */
import type {
  BatchStore,
  BatchTaskData,
  BatchTaskName,
  ImageJobData,
  WebhookDeliveryData,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { JobMetrics } from "@imagegate/telemetry";
import type { Job, Worker } from "bullmq";
import type { Logger } from "pino";

/** Observes the queue wait of `provider`'s image worker. */
export function observeImageWorker(
  worker: Worker<ImageJobData>,
  provider: ProviderId,
  metrics: JobMetrics,
): void {
  worker.on("active", (job) => {
    // Retries and stalled re-runs are not waits in the queue.
    if (job.attemptsMade > 0 || job.stalledCounter > 0) return;
    const startedAt = job.processedOn ?? Date.now();
    metrics.queueWait(provider, (startedAt - job.timestamp) / 1000);
  });
}

/** Observes webhook delivery attempts: delivered, retrying, failed for good, or target gone. */
export function observeWebhookWorker(
  worker: Worker<WebhookDeliveryData>,
  metrics: JobMetrics,
): void {
  worker.on("completed", (job: Job<WebhookDeliveryData>, result: string) => {
    metrics.webhook(job.data.kind, result === "gone" ? "gone" : "delivered");
  });
  worker.on("failed", (job) => {
    if (!job) return;
    const last = job.attemptsMade >= (job.opts.attempts ?? 1) || job.finishedOn !== undefined;
    metrics.webhook(job.data.kind, last ? "failed" : "retrying");
  });
}

/** Observes finished batches: each finalize that ended one counts its status and lines. */
export function observeBatchWorker(
  worker: Worker<BatchTaskData, unknown, BatchTaskName>,
  batches: BatchStore,
  metrics: JobMetrics,
  logger: Logger,
): void {
  const FINAL = new Set(["completed", "cancelled", "expired"]);
  worker.on("completed", (job: Job<BatchTaskData, unknown, BatchTaskName>, result: unknown) => {
    if (job.name !== "finalize" || typeof result !== "string" || !FINAL.has(result)) return;
    batches.get(job.data.batchId).then(
      (batch) => batch && metrics.batch(batch.status, batch.request_counts),
      (err) => logger.warn({ err, batchId: job.data.batchId }, "batch metrics skipped"),
    );
  });
}
