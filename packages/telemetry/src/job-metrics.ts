/**
 * What happened to jobs, from whichever process saw it happen: final jobs by
 * model, provider, operation, status and error code; end-to-end duration;
 * time in queue; upstream call latency and errors by class; images and cost
 * (USD: what the provider reported on the job's upstream ledger, else the
 * price table's figure for a succeeded job) by provider and model; webhook deliveries and batch lines by outcome.
 * Labels are bounded: models, providers and error codes are closed sets
 * (an unknown code is counted as `other`), never ids or free text.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import { metricOnce } from "./registry";

/** The parts of a final job record the metrics read. */
export type FinalJob = {
  model: string;
  provider: string | null;
  operation: string;
  status: string;
  created_at: number;
  completed_at: number | null;
  error: { code: string | null } | null;
  result: { images: readonly unknown[] } | null;
  batch_id: string | null;
  upstream_tasks: readonly { provider: string; cost_usd: number | null }[];
  /** What the job was charged (price table or provider), when costs are kept. */
  cost?: { actual_usd: number | null } | null;
};

/** Outcome of one upstream call: `succeeded` or the error's class. */
export type UpstreamOutcome =
  | "succeeded"
  | "retryable"
  | "rate_limited"
  | "permanent"
  | "content_refused"
  | "timeout"
  | "aborted"
  | "other";

/** Outcome of one webhook delivery attempt. */
export type WebhookOutcome = "delivered" | "retrying" | "failed" | "gone";

const DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

/** The job metrics of one registry (created once per registry). */
export function jobMetrics(registry: Registry, knownCodes: ReadonlySet<string> = new Set()) {
  const registers = [registry];
  const jobs = metricOnce(
    registry,
    "imagegate_jobs_total",
    () =>
      new Counter({
        name: "imagegate_jobs_total",
        help: "Jobs that reached a final status, by model, provider, operation, status and error code",
        labelNames: ["model", "provider", "operation", "status", "code"],
        registers,
      }),
  );
  const jobDuration = metricOnce(
    registry,
    "imagegate_job_duration_seconds",
    () =>
      new Histogram({
        name: "imagegate_job_duration_seconds",
        help: "Seconds from submit to final status, by model, provider and status",
        labelNames: ["model", "provider", "status"],
        buckets: DURATION_BUCKETS,
        registers,
      }),
  );
  const queueWait = metricOnce(
    registry,
    "imagegate_queue_wait_seconds",
    () =>
      new Histogram({
        name: "imagegate_queue_wait_seconds",
        help: "Seconds a job waited in a provider queue before a worker took it",
        labelNames: ["provider"],
        buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
        registers,
      }),
  );
  const upstream = metricOnce(
    registry,
    "imagegate_upstream_call_duration_seconds",
    () =>
      new Histogram({
        name: "imagegate_upstream_call_duration_seconds",
        help: "Seconds of one upstream call (submit, polling, result), by provider and outcome",
        labelNames: ["provider", "outcome"],
        buckets: DURATION_BUCKETS,
        registers,
      }),
  );
  const upstreamErrors = metricOnce(
    registry,
    "imagegate_upstream_errors_total",
    () =>
      new Counter({
        name: "imagegate_upstream_errors_total",
        help: "Failed upstream calls by provider and error class",
        labelNames: ["provider", "class"],
        registers,
      }),
  );
  const images = metricOnce(
    registry,
    "imagegate_images_total",
    () =>
      new Counter({
        name: "imagegate_images_total",
        help: "Images delivered by succeeded jobs, by provider and model",
        labelNames: ["provider", "model"],
        registers,
      }),
  );
  const cost = metricOnce(
    registry,
    "imagegate_cost_usd_total",
    () =>
      new Counter({
        name: "imagegate_cost_usd_total",
        help: "Cost in USD by provider and model; source: provider (reported on the job's tasks) or price_table",
        labelNames: ["provider", "model", "source"],
        registers,
      }),
  );
  const webhooks = metricOnce(
    registry,
    "imagegate_webhook_deliveries_total",
    () =>
      new Counter({
        name: "imagegate_webhook_deliveries_total",
        help: "Webhook delivery attempts by target kind (job, batch) and outcome",
        labelNames: ["kind", "outcome"],
        registers,
      }),
  );
  const batchLines = metricOnce(
    registry,
    "imagegate_batch_lines_total",
    () =>
      new Counter({
        name: "imagegate_batch_lines_total",
        help: "Lines of finished batches by outcome (succeeded, failed)",
        labelNames: ["outcome"],
        registers,
      }),
  );
  const batches = metricOnce(
    registry,
    "imagegate_batches_total",
    () =>
      new Counter({
        name: "imagegate_batches_total",
        help: "Batches that reached a final status, by status",
        labelNames: ["status"],
        registers,
      }),
  );

  const codeOf = (code: string | null | undefined) =>
    !code ? "" : knownCodes.size === 0 || knownCodes.has(code) ? code : "other";

  return {
    /** Counts a final job (call once per job). */
    finalJob(job: FinalJob): void {
      const provider = job.provider ?? "none";
      jobs.inc({
        model: job.model,
        provider,
        operation: job.operation,
        status: job.status,
        code: codeOf(job.error?.code),
      });
      if (job.completed_at !== null) {
        jobDuration.observe(
          { model: job.model, provider, status: job.status },
          Math.max(0, job.completed_at - job.created_at),
        );
      }
      if (job.status === "succeeded" && job.result) {
        images.inc({ provider, model: job.model }, job.result.images.length);
      }
      let reported = 0;
      for (const task of job.upstream_tasks) {
        if (task.cost_usd !== null && task.cost_usd > 0) {
          cost.inc(
            { provider: task.provider, model: job.model, source: "provider" },
            task.cost_usd,
          );
          reported += task.cost_usd;
        }
      }
      // No provider figure: a succeeded job's charge from the price table stands in.
      const charged = job.cost?.actual_usd ?? 0;
      if (job.status === "succeeded" && reported === 0 && charged > 0) {
        cost.inc({ provider, model: job.model, source: "price_table" }, charged);
      }
    },
    /** Seconds a job waited in `provider`'s queue. */
    queueWait(provider: string, seconds: number): void {
      queueWait.observe({ provider }, Math.max(0, seconds));
    },
    /** One upstream call's duration and outcome. */
    upstreamCall(provider: string, seconds: number, outcome: UpstreamOutcome): void {
      upstream.observe({ provider, outcome }, seconds);
      if (outcome !== "succeeded") upstreamErrors.inc({ provider, class: outcome });
    },
    /** One webhook delivery attempt. */
    webhook(kind: "job" | "batch", outcome: WebhookOutcome): void {
      webhooks.inc({ kind, outcome });
    },
    /** A finished batch: its status and line counts. */
    batch(status: string, counts: { completed: number; failed: number }): void {
      batches.inc({ status });
      if (counts.completed > 0) batchLines.inc({ outcome: "succeeded" }, counts.completed);
      if (counts.failed > 0) batchLines.inc({ outcome: "failed" }, counts.failed);
    },
  };
}

/** The job metrics of a registry. */
export type JobMetrics = ReturnType<typeof jobMetrics>;
