/**
 * Job records as stored in Redis (one hash per job, each field JSON), with
 * their schema: what comes back from Redis is parsed, not trusted. The public
 * job object (docs/architecture.md#the-job-object) is derived from this in the
 * API.
 */
import { NormalizedRequestSchema, OutputFormatSchema, ProviderIdSchema } from "@imagegate/params";
import { z } from "zod";

export const JOB_STATUSES = ["queued", "in_progress", "succeeded", "failed", "canceled"] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Statuses a job never leaves. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "canceled"]);

/** True when `status` is final. */
export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/** One stored output image (bytes live in the blob store under `key`). */
export const StoredImageSchema = z.object({
  key: z.string(),
  format: OutputFormatSchema,
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  seed: z.number().int().nullable(),
  revised_prompt: z.string().nullable(),
});
export type StoredImage = z.infer<typeof StoredImageSchema>;

/** A finished job's images. */
export const JobResultSchema = z.object({
  created: z.number().int(),
  images: z.array(StoredImageSchema),
  output_format: OutputFormatSchema,
  size: z.string(),
});
export type JobResult = z.infer<typeof JobResultSchema>;

/** The envelope body of a failed job (identical in sync replies, webhooks and batch lines). */
export const JobErrorSchema = z.object({
  message: z.string(),
  type: z.string(),
  param: z.string().nullable(),
  code: z.string().nullable(),
});
export type JobError = z.infer<typeof JobErrorSchema>;

/** One attempt on one provider. */
export const AttemptSchema = z.object({
  provider: ProviderIdSchema,
  at: z.number().int(),
  outcome: z.enum(["succeeded", "retrying", "failed_over", "failed", "rate_limited", "canceled"]),
  error: z
    .object({ code: z.string(), message: z.string(), upstream_status: z.number().int().nullable() })
    .nullable(),
});
export type Attempt = z.infer<typeof AttemptSchema>;

/** Delivery state of a job's webhook. */
export const WebhookStateSchema = z.object({
  url: z.string(),
  status: z.enum(["pending", "delivering", "delivered", "failed"]),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable().optional(),
  message_id: z.string().nullable().optional(),
});
export type WebhookState = z.infer<typeof WebhookStateSchema>;

/** Where an upstream task is: accepted and running, delivered, or ended without images. */
export const UPSTREAM_TASK_STATES = [
  "running",
  "succeeded",
  "failed",
  "canceled",
  "expired",
] as const;
export const UpstreamTaskStateSchema = z.enum(UPSTREAM_TASK_STATES);
export type UpstreamTaskState = z.infer<typeof UpstreamTaskStateSchema>;

/**
 * One accepted upstream task of a job: the ledger behind "never paid twice"
 * (docs/guarantees.md). A call index has at most one task that is running or
 * succeeded; a new one is submitted only once the provider said the last one
 * failed. `urls` are what the adapter needs to resume it (not shown publicly).
 */
export const UpstreamTaskEntrySchema = z.object({
  provider: ProviderIdSchema,
  call_index: z.number().int().min(0),
  /** BFL `id`, fal `request_id`, Replicate prediction `id`; null for synchronous upstreams. */
  task_id: z.string().nullable(),
  /** Unix milliseconds of the accepted submit. */
  submitted_at_ms: z.number().int(),
  state: UpstreamTaskStateSchema,
  /** What the provider says the task cost, when it says (BFL `cost`, credits / 100). */
  cost_usd: z.number().nullable(),
  urls: z.record(z.string(), z.string()),
  /** Why it ended without images. */
  error: z.string().nullable().default(null),
});
export type UpstreamTaskEntry = z.infer<typeof UpstreamTaskEntrySchema>;

/** The hash field of a task entry: unique per provider task. */
export function upstreamTaskField(
  entry: Pick<UpstreamTaskEntry, "provider" | "call_index" | "task_id">,
): string {
  return `task:${entry.provider}:${entry.task_id ?? `call-${entry.call_index}`}`;
}

/**
 * True for a task that still counts as its call's: accepted (it has an id),
 * running or delivered. That call is resumed, never submitted again. (A
 * synchronous upstream's call has no id: it cannot be resumed.)
 */
export function isLiveTask(entry: UpstreamTaskEntry): boolean {
  return entry.task_id !== null && (entry.state === "running" || entry.state === "succeeded");
}

/**
 * A job's cost (docs/architecture.md#tenants): the estimate held against its
 * key's budget at submit, and what it actually cost once it succeeded —
 * reported by the provider, from the price table, or both (`prices.ts`).
 */
export const JobCostSchema = z.object({
  estimated_usd: z.number(),
  actual_usd: z.number().nullable(),
  source: z.enum(["provider", "price_table", "mixed"]).nullable(),
  /** The budget hold of the estimate: the job id, or its batch line's hold (`batch_…:…`). */
  hold_id: z.string(),
});
export type JobCost = z.infer<typeof JobCostSchema>;

export const JobRecordSchema = z.object({
  id: z.string(),
  /** Hash of the API key that created the job; only that key can see it. */
  owner: z.string(),
  operation: z.enum(["generation", "edit"]),
  status: JobStatusSchema,
  model: z.string(),
  provider: ProviderIdSchema.nullable(),
  /**
   * Providers to try, in order (the failover order). The previous version
   * stored it as `route`: see `upgradeDoc` in job-store.ts.
   */
  provider_order: z.array(ProviderIdSchema),
  attempts: z.number().int(),
  /** 0–1 across all images of the job. */
  progress: z.number(),
  created_at: z.number().int(),
  started_at: z.number().int().nullable(),
  completed_at: z.number().int().nullable(),
  request: NormalizedRequestSchema,
  applied: z.record(z.string(), z.unknown()).nullable(),
  result: JobResultSchema.nullable(),
  error: JobErrorSchema.nullable(),
  attempt_log: z.array(AttemptSchema),
  webhook: WebhookStateSchema.nullable(),
  batch_id: z.string().nullable(),
  /** The batch line's custom_id, for batch children. */
  custom_id: z.string().nullable().default(null),
  metadata: z.record(z.string(), z.string()).nullable(),
  request_id: z.string().nullable(),
  /** Accepted upstream tasks, oldest first (each is its own hash field). */
  upstream_tasks: z.array(UpstreamTaskEntrySchema).default([]),
  /** Token of the run that owns the job now: writes of any other run are refused (fencing). */
  run: z.string().nullable().default(null),
  /** Times the reconciler put the job back on a queue after its queue entry vanished. */
  reconciled: z.number().int().default(0),
  /** Estimated and actual cost; null on jobs stored before costs existed. */
  cost: JobCostSchema.nullable().default(null),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

/** Fields of a record that may change after creation. */
export type JobPatch = Partial<
  Omit<JobRecord, "id" | "owner" | "created_at" | "request" | "operation" | "upstream_tasks">
>;
