/**
 * The zod schemas of every JSON answer of the API, for `/openapi.json` (and
 * for tests, which parse real answers with them, so the document cannot
 * drift from what the routes send). They mirror the present* functions of
 * `@imagegate/jobs` and the catalog's `describeModel`.
 */

import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import {
  AttemptSchema,
  BatchRecordSchema,
  JOB_STATUSES,
  UPSTREAM_TASK_STATES,
} from "@imagegate/jobs";
import { OperationSchema, ProviderIdSchema } from "@imagegate/params";
import { z } from "zod";

// zod copies prototype methods into each schema it makes: extend it before the schemas below exist.
extendZodWithOpenApi(z);

const Metadata = z.record(z.string(), z.string()).nullable();
const Applied = z.record(z.string(), z.unknown()).nullable();

/** The OpenAI error envelope. */
export const ErrorEnvelopeSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

/** The images response: OpenAI's, plus model, provider, job id and the applied report. */
export const ImagesResponseSchema = z.object({
  created: z.number().int(),
  data: z.array(
    z.object({
      url: z.string().optional(),
      b64_json: z.string().optional(),
      revised_prompt: z.string().optional(),
    }),
  ),
  output_format: z.string(),
  size: z.string(),
  model: z.string(),
  provider: z.string().nullable(),
  job_id: z.string(),
  applied: Applied,
  /** What the job cost (null for jobs stored before costs existed). */
  cost_usd: z.number().nullable(),
});

const WebhookView = z
  .object({
    url: z.string(),
    status: z.enum(["pending", "delivering", "delivered", "failed"]),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
  })
  .nullable();

/** The job object (`image.job`). */
export const JobSchema = z.object({
  id: z.string(),
  object: z.literal("image.job"),
  operation: OperationSchema,
  status: z.enum(JOB_STATUSES),
  model: z.string(),
  provider: ProviderIdSchema.nullable(),
  attempts: z.number().int(),
  progress: z.number(),
  created_at: z.number().int(),
  started_at: z.number().int().nullable(),
  completed_at: z.number().int().nullable(),
  request: z.record(z.string(), z.unknown()),
  applied: Applied,
  result: ImagesResponseSchema.nullable(),
  error: ErrorEnvelopeSchema.shape.error.nullable(),
  attempt_log: z.array(AttemptSchema),
  upstream_tasks: z.array(
    z.object({
      provider: ProviderIdSchema,
      call_index: z.number().int(),
      task_id: z.string().nullable(),
      submitted_at: z.number().int(),
      state: z.enum(UPSTREAM_TASK_STATES),
      cost_usd: z.number().nullable(),
      error: z.string().optional(),
    }),
  ),
  webhook: WebhookView,
  batch_id: z.string().nullable(),
  metadata: Metadata,
  cost: z
    .object({
      estimated_usd: z.number(),
      actual_usd: z.number().nullable(),
      source: z.enum(["provider", "price_table", "mixed", "not_charged"]).nullable(),
    })
    .nullable(),
  queue_position: z.number().int().nullable().optional(),
});

/** An OpenAI-style page of `item`. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    object: z.literal("list"),
    data: z.array(item),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
    has_more: z.boolean(),
  });
}

/** The OpenAI file object. */
export const FileSchema = z.object({
  id: z.string(),
  object: z.literal("file"),
  bytes: z.number().int(),
  created_at: z.number().int(),
  filename: z.string(),
  purpose: z.enum(["batch", "batch_output"]),
  status: z.literal("processed"),
  expires_at: z.number().int().nullable(),
  status_details: z.null(),
});

/** A deleted file. */
export const FileDeletedSchema = z.object({
  id: z.string(),
  object: z.literal("file"),
  deleted: z.literal(true),
});

/**
 * The OpenAI batch object: the stored record as `presentBatch` shows it (no
 * owner or stop reason; the webhook's public fields), derived from the
 * record's own schema so the two cannot differ.
 */
export const BatchSchema = BatchRecordSchema.omit({
  owner: true,
  stop_reason: true,
  webhook: true,
}).extend({
  object: z.literal("batch"),
  webhook: WebhookView,
});

const Handling = z.looseObject({ kind: z.string() });

/** A model of the catalog: sizes, providers and each parameter's handling. */
export const ModelSchema = z.object({
  id: z.string(),
  object: z.literal("model"),
  created: z.number().int(),
  owned_by: z.string(),
  name: z.string(),
  description: z.string(),
  operations: z.array(z.string()),
  aspect_ratios: z.array(z.string()),
  resolutions: z.array(z.string()),
  default_size: z.string(),
  sizes: z.record(z.string(), z.record(z.string(), z.string())),
  max_side: z.number().int(),
  pixel_budget: z.number().int(),
  max_input_images: z.number().int(),
  providers: z.array(
    z.object({
      provider: ProviderIdSchema,
      enabled: z.boolean(),
      native_model: z.string(),
      native_edit_model: z.string().optional(),
      native_formats: z.array(z.string()),
      parameters: z.record(z.string(), z.record(z.string(), z.unknown())),
      unknown_parameters: Handling,
      auto_size: z.array(OperationSchema),
    }),
  ),
});

/** The model list (no paging). */
export const ModelListSchema = z.object({ object: z.literal("list"), data: z.array(ModelSchema) });

/** The webhook signing secret. */
export const WebhookSecretSchema = z.object({
  object: z.literal("webhook_secret"),
  secret: z.string().startsWith("whsec_"),
  /** After a rotation, when the previous secret stops signing (unix seconds). */
  previous_secret_expires_at: z.number().int().nullable(),
});

/** `/healthz` and `/readyz`. */
export const HealthSchema = z.object({
  status: z.enum(["ok", "unavailable"]),
  redis: z.string().optional(),
  storage: z.string().optional(),
});

/** A key as `/admin/keys` shows it (never the key itself, but once on creation). */
export const ApiKeySchema = z.object({
  id: z.string(),
  object: z.literal("api_key"),
  name: z.string(),
  source: z.enum(["static", "managed"]),
  redacted_key: z.string(),
  limits: z.object({
    requests_per_minute: z.number().int().nullable(),
    budget_usd: z.number().nullable(),
    models: z.array(z.string()).nullable(),
  }),
  disabled: z.boolean(),
  created_at: z.number().int().nullable(),
});

/** A new managed key, with the key shown this once. */
export const ApiKeyCreatedSchema = ApiKeySchema.extend({ key: z.string() });

/** The key list (static and managed, no paging). */
export const ApiKeyListSchema = z.object({
  object: z.literal("list"),
  data: z.array(ApiKeySchema),
  has_more: z.boolean(),
});

/** A deleted managed key. */
export const ApiKeyDeletedSchema = z.object({
  id: z.string(),
  object: z.literal("api_key"),
  deleted: z.literal(true),
});

/** A key's usage: images, jobs, spend, holds and budget. */
export const UsageSchema = z.object({
  object: z.literal("usage"),
  key_id: z.string(),
  start_time: z.number().int().nullable(),
  end_time: z.number().int().nullable(),
  images: z.number().int(),
  jobs: z.number().int(),
  spent_usd: z.number(),
  held_usd: z.number(),
  budget_usd: z.number().nullable(),
  remaining_usd: z.number().nullable(),
  by_model: z.array(
    z.object({
      model: z.string(),
      provider: z.string(),
      images: z.number().int(),
      cost_usd: z.number(),
    }),
  ),
});
