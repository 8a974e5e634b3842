/**
 * The Batch API for images (OpenAI shape,
 * docs/architecture.md#batches-and-files): create from an uploaded JSONL file,
 * read, list, cancel. The batch worker does the rest (validate, enqueue
 * children, finalize). Scoped to the key.
 */
import { BATCH_ENDPOINTS, type BatchRecord, presentBatch } from "@imagegate/jobs";
import { fromZodError, GatewayError, httpUrlField, MetadataSchema, newId } from "@imagegate/params";
import { Router } from "express";
import { z } from "zod";
import type { ApiDeps } from "../deps";
import { jsonBody } from "../http/json-body";
import { checkWebhookUrl } from "../services/submit-image-job";

const WINDOW_SECONDS = 24 * 3600;

/** The body of `POST /v1/batches` (also documented in /openapi.json). */
export const CreateBatchSchema = z.object({
  input_file_id: z.string().min(1),
  endpoint: z.enum(BATCH_ENDPOINTS),
  completion_window: z.literal("24h"),
  metadata: MetadataSchema.nullish(),
  webhook_url: httpUrlField.optional(),
});

/** The batches router. */
export function batchesRouter(deps: ApiDeps): Router {
  const router = Router();
  const owner = (res: { locals: Record<string, unknown> }) => res.locals.owner as string;
  const owned = async (id: string, who: string): Promise<BatchRecord> => {
    const batch = await deps.batches.get(id);
    if (!batch || batch.owner !== who) throw GatewayError.notFound("batch", id);
    return batch;
  };

  router.post("/v1/batches", ...jsonBody(), async (req, res) => {
    const parsed = CreateBatchSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    const body = parsed.data;
    const file = await deps.files.get(body.input_file_id, owner(res));
    if (!file) throw GatewayError.notFound("file", body.input_file_id);
    if (file.purpose !== "batch") {
      throw GatewayError.invalidRequest(
        "input_file_id",
        `File ${file.id} has purpose '${file.purpose}', not 'batch'.`,
      );
    }
    await checkWebhookUrl(deps, body.webhook_url);
    const created = Math.floor(Date.now() / 1000);
    const batch: BatchRecord = {
      id: newId("batch"),
      owner: owner(res),
      endpoint: body.endpoint,
      input_file_id: file.id,
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
    await deps.batches.create(batch);
    await deps.batchQueue.run(batch.id, WINDOW_SECONDS * 1000);
    res.json(presentBatch(batch));
  });

  router.get("/v1/batches", async (req, res) => {
    const limit = req.query.limit === undefined ? 20 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw GatewayError.invalidRequest("limit", "limit must be an integer from 1 to 100.");
    }
    const after = typeof req.query.after === "string" ? req.query.after : undefined;
    const page = await deps.batches.list(owner(res), { limit, after });
    const data = page.data.map(presentBatch);
    res.json({
      object: "list",
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: page.hasMore,
    });
  });

  router.get("/v1/batches/:id", async (req, res) => {
    res.json(presentBatch(await owned(req.params.id, owner(res))));
  });

  router.post("/v1/batches/:id/cancel", async (req, res) => {
    const batch = await owned(req.params.id, owner(res));
    const moved = await deps.batches.transition(
      batch.id,
      ["validating", "in_progress"],
      "cancelling",
      {
        cancelling_at: Math.floor(Date.now() / 1000),
        stop_reason: "cancelled",
      },
    );
    if (!moved && batch.status !== "cancelling") {
      throw new GatewayError(
        "job_already_final",
        `Batch ${batch.id} is ${batch.status} and cannot be cancelled.`,
      );
    }
    await deps.batchQueue.stop(batch.id);
    res.json(presentBatch(await owned(batch.id, owner(res))));
  });

  return router;
}
