/**
 * Public shapes of a job: the images response (OpenAI's, plus `model`,
 * `provider`, `applied`, `cost_usd`) and the job object
 * (docs/architecture.md#the-job-object). Links are signed on every read, so an
 * old job always hands out a working URL while its image is kept.
 */
import type { ResponseFormat } from "@imagegate/params";
import type { JobRecord, UpstreamTaskEntry } from "./records";

/** The OpenAI images response of a succeeded job. */
export type ImagesResponse = {
  created: number;
  data: { url?: string; b64_json?: string; revised_prompt?: string }[];
  output_format: string;
  size: string;
  model: string;
  provider: string | null;
  job_id: string;
  applied: Record<string, unknown> | null;
  /** What the job cost (null for jobs stored before costs existed). */
  cost_usd: number | null;
};

/**
 * How stored images become public: a fresh signed link, or their bytes.
 * (The blob store provides both; this package does not depend on it.)
 */
export type PresentOptions = {
  link: (key: string) => Promise<string>;
  read: (key: string) => Promise<Buffer>;
};

/** The images response of a succeeded job, with fresh links or inline base64. */
export async function presentImages(
  record: JobRecord,
  options: PresentOptions,
  responseFormat: ResponseFormat = record.request.response_format,
): Promise<ImagesResponse | null> {
  if (!record.result) return null;
  const data = await Promise.all(
    record.result.images.map(async (image) => {
      const extra = image.revised_prompt ? { revised_prompt: image.revised_prompt } : {};
      if (responseFormat === "b64_json") {
        return { b64_json: (await options.read(image.key)).toString("base64"), ...extra };
      }
      return { url: await options.link(image.key), ...extra };
    }),
  );
  return {
    created: record.result.created,
    data,
    output_format: record.result.output_format,
    size: record.result.size,
    model: record.model,
    provider: record.provider,
    job_id: record.id,
    applied: record.applied,
    cost_usd: record.cost?.actual_usd ?? null,
  };
}

/**
 * The job's `cost`: the estimate, and once it ended what it cost — nothing
 * for a failed or canceled job, whose hold was released.
 */
export function presentCost(record: JobRecord) {
  if (!record.cost) return null;
  const { estimated_usd, actual_usd, source } = record.cost;
  if (record.status === "failed" || record.status === "canceled") {
    return { estimated_usd, actual_usd: 0, source: "not_charged" as const };
  }
  return { estimated_usd, actual_usd, source };
}

/** A ledger entry as the job object shows it (no resume URLs; times in unix seconds). */
export function presentUpstreamTask(entry: UpstreamTaskEntry) {
  return {
    provider: entry.provider,
    call_index: entry.call_index,
    task_id: entry.task_id,
    submitted_at: Math.floor(entry.submitted_at_ms / 1000),
    state: entry.state,
    cost_usd: entry.cost_usd,
    ...(entry.error ? { error: entry.error } : {}),
  };
}

/** The public job object; `responseFormat` overrides the request's (webhooks always use links). */
export async function presentJob(
  record: JobRecord,
  options: PresentOptions,
  responseFormat?: ResponseFormat,
) {
  const { images, mask, ...request } = record.request;
  return {
    id: record.id,
    object: "image.job" as const,
    operation: record.operation,
    status: record.status,
    model: record.model,
    provider: record.provider,
    attempts: record.attempts,
    progress: record.progress,
    created_at: record.created_at,
    started_at: record.started_at,
    completed_at: record.completed_at,
    request: {
      ...request,
      ...(images ? { images: images.map(({ key: _k, ...meta }) => meta) } : {}),
      ...(mask ? { mask: { width: mask.width, height: mask.height, mime: mask.mime } } : {}),
    },
    applied: record.applied,
    result:
      record.status === "succeeded" ? await presentImages(record, options, responseFormat) : null,
    error: record.error,
    attempt_log: record.attempt_log,
    upstream_tasks: record.upstream_tasks.map(presentUpstreamTask),
    cost: presentCost(record),
    webhook: record.webhook
      ? {
          url: record.webhook.url,
          status: record.webhook.status,
          attempts: record.webhook.attempts,
          last_status_code: record.webhook.last_status_code,
        }
      : null,
    batch_id: record.batch_id,
    metadata: record.metadata,
  };
}
