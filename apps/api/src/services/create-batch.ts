/**
 * Creating a batch (docs/architecture.md#batches-and-files): its input file
 * must be the caller's and uploaded for `batch`, its webhook URL allowed; the
 * record starts `validating` with a 24 h window, and the batch worker is asked
 * to run it (and to expire it at the window's end).
 */
import { BATCH_ENDPOINTS, type BatchRecord } from "@imagegate/jobs";
import { GatewayError, httpUrlField, MetadataSchema, newId } from "@imagegate/params";
import { z } from "zod";
import type { ApiDeps } from "../deps";
import { checkWebhookUrl } from "./check-webhook-url";
import { ownedFile } from "./owned";

/** The one completion window OpenAI offers. */
const WINDOW_SECONDS = 24 * 3600;

/** The body of `POST /v1/batches` (also the OpenAPI document's `BatchCreateRequest`). */
export const CreateBatchSchema = z.object({
  input_file_id: z.string().min(1),
  endpoint: z.enum(BATCH_ENDPOINTS),
  completion_window: z.literal("24h"),
  metadata: MetadataSchema.nullish(),
  webhook_url: httpUrlField.optional(),
});
export type CreateBatch = z.infer<typeof CreateBatchSchema>;

/** The record of a new batch, validating, created at `created` (unix seconds). */
function newBatchRecord(
  id: string,
  owner: string,
  body: CreateBatch,
  created: number,
): BatchRecord {
  return {
    id,
    owner,
    endpoint: body.endpoint,
    input_file_id: body.input_file_id,
    completion_window: "24h",
    status: "validating",
    output_file_id: null,
    error_file_id: null,
    errors: null,
    created_at: created,
    in_progress_at: null,
    expires_at: created + WINDOW_SECONDS,
    finalizing_at: null,
    completed_at: null,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    metadata: body.metadata ?? null,
    webhook: body.webhook_url
      ? { url: body.webhook_url, status: "pending", attempts: 0, last_status_code: null }
      : null,
    stop_reason: null,
    request_counts: { total: 0, completed: 0, failed: 0 },
  };
}

/** Checks, saves and starts a batch for `owner`; returns its record. */
export async function createBatch(
  deps: ApiDeps,
  owner: string,
  body: CreateBatch,
): Promise<BatchRecord> {
  const file = await ownedFile(deps, body.input_file_id, owner);
  if (file.purpose !== "batch") {
    throw GatewayError.invalidRequest(
      "input_file_id",
      `File ${file.id} has purpose '${file.purpose}', not 'batch'.`,
    );
  }
  await checkWebhookUrl(deps, body.webhook_url);
  const batch = newBatchRecord(newId("batch"), owner, body, Math.floor(Date.now() / 1000));
  await deps.batches.create(batch);
  await deps.batchQueue.run(batch.id, WINDOW_SECONDS * 1000);
  return batch;
}
