/**
 * Job records as stored in Redis (one hash per job, each field JSON), with
 * their schema: what comes back from Redis is parsed, not trusted. The public
 * job object (DESIGN §4 "Jobs") is derived from this in the API.
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

export const JobRecordSchema = z.object({
  id: z.string(),
  /** Hash of the API key that created the job; only that key can see it. */
  owner: z.string(),
  operation: z.enum(["generation", "edit"]),
  status: JobStatusSchema,
  model: z.string(),
  provider: ProviderIdSchema.nullable(),
  /** Providers to try, in order. */
  route: z.array(ProviderIdSchema),
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
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

/** Fields of a record that may change after creation. */
export type JobPatch = Partial<
  Omit<JobRecord, "id" | "owner" | "created_at" | "request" | "operation">
>;
