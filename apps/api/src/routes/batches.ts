/**
 * The Batch API for images (OpenAI shape,
 * docs/architecture.md#batches-and-files): create from an uploaded JSONL file,
 * read, list, cancel. The batch worker does the rest (validate, enqueue
 * children, finalize). Scoped to the key.
 */
import { presentBatch } from "@imagegate/jobs";
import { fromZodError, GatewayError } from "@imagegate/params";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";
import { jsonBody } from "../http/json-body";
import { listPage, parseAfter, parseLimit } from "../http/list-page";
import { CreateBatchSchema, createBatch } from "../services/create-batch";
import { ownedBatch } from "../services/owned";

/** The batches router. */
export function batchesRouter(deps: ApiDeps): Router {
  const router = Router();

  router.post("/v1/batches", ...jsonBody(), async (req, res) => {
    const parsed = CreateBatchSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    res.json(presentBatch(await createBatch(deps, callerOf(res).owner, parsed.data)));
  });

  router.get("/v1/batches", async (req, res) => {
    const limit = parseLimit(req.query.limit, 20, 100);
    const after = parseAfter(req.query.after);
    const page = await deps.batches.list(callerOf(res).owner, { limit, after });
    res.json(listPage(page.data.map(presentBatch), page.hasMore));
  });

  router.get("/v1/batches/:id", async (req, res) => {
    res.json(presentBatch(await ownedBatch(deps, req.params.id, callerOf(res).owner)));
  });

  router.post("/v1/batches/:id/cancel", async (req, res) => {
    const owner = callerOf(res).owner;
    const batch = await ownedBatch(deps, req.params.id, owner);
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
    res.json(presentBatch(await ownedBatch(deps, batch.id, owner)));
  });

  return router;
}
