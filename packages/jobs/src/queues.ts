/**
 * The queue catalog: every BullMQ queue's name and payload schema, declared
 * once (trigger.dev's workerCatalog pattern). One image queue per provider
 * gives each provider its own rate limiter and global concurrency.
 */
import { PROVIDER_IDS, type ProviderId } from "@imagegate/params";
import { z } from "zod";
import type { JobRecord } from "./records";

/** Name of a provider's image queue. */
export function imageQueueName(provider: ProviderId): `images-${ProviderId}` {
  return `images-${provider}`;
}

/**
 * Name of a provider's parked queue: jobs whose upstream task is still
 * running wait there as delayed entries, polled when due, holding no slot of
 * the provider's queue (docs/decisions/0017-parked-waits.md).
 */
export function parkedQueueName(provider: ProviderId): `parked-${ProviderId}` {
  return `parked-${provider}`;
}

export const WEBHOOK_QUEUE = "webhooks";
export const BATCH_QUEUE = "batches";

/**
 * A payload as this version names its fields. The previous version queued
 * `{jobId, route, routeIndex}`; such entries may still wait (or be retried)
 * on an image queue during and after an upgrade. Remove this once every
 * deployment has run the rename for longer than JOB_TTL_SECONDS (7 days by
 * default): by then no job such an entry names is left.
 */
function upgradeImageJobData(data: unknown): unknown {
  if (typeof data !== "object" || data === null || !("route" in data) || "providerOrder" in data) {
    return data;
  }
  const { route, routeIndex, ...rest } = data as Record<string, unknown>;
  return { ...rest, providerOrder: route, providerIndex: routeIndex };
}

/** Payload of an image job: the job record holds the request; this says where it is in its provider order. */
export const ImageJobDataSchema = z.preprocess(
  upgradeImageJobData,
  z.object({
    jobId: z.string(),
    /** Providers to try, in order (enabled ones only, decided at submit): the record's `provider_order`. */
    providerOrder: z.array(z.enum(PROVIDER_IDS)).min(1),
    /** Index in `providerOrder` of the provider this queue entry is for. */
    providerIndex: z.number().int().min(0),
  }),
);
export type ImageJobData = z.infer<typeof ImageJobDataSchema>;

/**
 * A synchronous job as the API saved it for a direct run: already
 * `in_progress` on its first provider and owned by `fence` (its `run`), so
 * the run makes no claim of its own (docs/decisions/0018-direct-runs.md).
 * With `saved`, the run was handed over while the record was still on its
 * way to Redis: it prepares meanwhile, and makes no write and no upstream
 * call until `saved` says true; false (the create failed) ends it with
 * nothing done.
 */
export type ClaimedRun = { record: JobRecord; fence: string; saved?: Promise<boolean> };

/**
 * A new job's record claimed for a direct run on its first provider, as the
 * processor's claim would have left it: `in_progress`, started now, `run`
 * its fence.
 */
export function claimForDirectRun(record: JobRecord, nowMs = Date.now()): ClaimedRun {
  // The form of a queued run's fallback fence, for the stand-in entry `direct:<id>`.
  const fence = `run-direct:${record.id}-${nowMs}`;
  return {
    fence,
    record: {
      ...record,
      status: "in_progress",
      provider: record.provider_order[0] ?? null,
      run: fence,
      started_at: Math.floor(nowMs / 1000),
    },
  };
}

/** The answer that waits for a direct run's job, in the same thread. */
export type DirectAnswer = {
  /**
   * Told the record a success's final write will leave, once that write
   * has left for Redis: the answer is built while it lands. It is sent only
   * if `settle` then brings that same record.
   */
  prepare?: (record: JobRecord) => void;
  /** Takes the record a success's final write made. */
  settle: (record: JobRecord) => void;
};

/**
 * Hands a synchronous job, saved claimed for its run (`claimed`), to the
 * workers of the same process, to run at once with no queue entry
 * (docs/decisions/0018-direct-runs.md); `trace` carries the caller's trace
 * context (W3C headers), as a queue entry would. A run that succeeds tells
 * `answer` (the waiting answer) its final record.
 */
export type RunNow = (
  data: ImageJobData,
  trace: Record<string, string>,
  claimed: ClaimedRun,
  answer?: DirectAnswer,
) => void;

/**
 * BullMQ priorities. Interactive jobs carry none: BullMQ takes its plain wait
 * list before any prioritized job (and adds to it faster), so batch children,
 * which carry a priority, never starve interactive traffic.
 */
export const PRIORITY = { interactive: 0, batch: 10 } as const;

/** Payload of a webhook delivery: which job or batch, which message (the id stays the same across retries). */
export const WebhookDeliveryDataSchema = z.object({
  kind: z.enum(["job", "batch"]),
  id: z.string(),
  messageId: z.string(),
});
export type WebhookDeliveryData = z.infer<typeof WebhookDeliveryDataSchema>;

/** Payload of a batch queue job: run (validate and enqueue), cancel, expire or finalize a batch. */
export const BatchTaskDataSchema = z.object({
  batchId: z.string(),
  /** Why a `stop` task stops the batch's remaining children. */
  reason: z.enum(["cancelled", "expired"]).optional(),
});
export type BatchTaskData = z.infer<typeof BatchTaskDataSchema>;
export type BatchTaskName = "run" | "stop" | "finalize";
