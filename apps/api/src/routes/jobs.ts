/**
 * Jobs (docs/architecture.md#the-job-object): read with `?wait=N` long-polling,
 * list, cancel, and webhook redelivery. Everything is scoped to the caller's
 * key: another key's job answers 404, the same as an unknown one.
 */
import { isFinal, JOB_STATUSES, type JobStatus, webhookMessageId } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import { Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";
import { listPage, parseAfter, parseLimit } from "../http/list-page";
import { cancelJob } from "../services/cancel-job";
import { jobView } from "../services/job-view";
import { ownedJob } from "../services/owned";
import { openStreamSlot } from "../services/stream-slot";
import { clientGone, waitForJob } from "../services/wait-for-job";

/** Parses `?wait=` seconds (0–60). */
export function parseWait(value: unknown): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isFinite(n) || n < 0 || n > 60) {
    throw GatewayError.invalidRequest("wait", "wait must be a number of seconds from 0 to 60.");
  }
  return n;
}

/** Parses the list query: `limit` 1–100 (default 20), `after`, `status`. */
function parseListQuery(query: Record<string, unknown>) {
  const limit = parseLimit(query.limit, 20, 100);
  const status = query.status;
  if (status !== undefined && !JOB_STATUSES.includes(status as JobStatus)) {
    throw GatewayError.invalidRequest(
      "status",
      `status must be one of ${JOB_STATUSES.join(", ")}.`,
    );
  }
  return { limit, after: parseAfter(query.after), status: status as JobStatus | undefined };
}

/** The jobs router. */
export function jobsRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get("/v1/jobs", async (req, res) => {
    const query = parseListQuery(req.query);
    const page = await deps.store.list(callerOf(res).owner, query);
    // A list never inlines images: 100 jobs of b64_json would be hundreds of MB.
    const data = await Promise.all(page.data.map((r) => jobView(deps, r, { links: true })));
    res.json(listPage(data, page.hasMore));
  });

  router.get("/v1/jobs/:id", async (req, res) => {
    const waitS = parseWait(req.query.wait);
    let record = await ownedJob(deps, req.params.id, callerOf(res).owner);
    if (waitS > 0 && !isFinal(record.status)) {
      const slot = await openStreamSlot(deps, callerOf(res).owner, waitS * 1000 + 5_000);
      try {
        record = await waitForJob(deps, record.id, waitS * 1000, clientGone(res));
      } finally {
        await slot.release();
      }
    }
    if (record.provider) res.setHeader("x-imagegate-provider", record.provider);
    res.json(await jobView(deps, record));
  });

  router.post("/v1/jobs/:id/cancel", async (req, res) => {
    const record = await ownedJob(deps, req.params.id, callerOf(res).owner);
    res.json(await jobView(deps, await cancelJob(deps, record)));
  });

  router.post("/v1/jobs/:id/webhook/redeliver", async (req, res) => {
    const record = await ownedJob(deps, req.params.id, callerOf(res).owner);
    if (!record.webhook)
      throw GatewayError.invalidRequest(null, `Job ${record.id} has no webhook_url.`);
    await deps.rateLimits.redelivery(callerOf(res).owner);
    if (!isFinal(record.status)) {
      throw new GatewayError(
        "job_not_finished",
        `Job ${record.id} is ${record.status}; its webhook is sent when it ends.`,
      );
    }
    await deps.store.update(record.id, { webhook: { ...record.webhook, status: "pending" } });
    await deps.webhooks.redeliver({
      kind: "job",
      id: record.id,
      messageId: webhookMessageId(record.id),
    });
    res.status(202).json(await jobView(deps, (await deps.store.get(record.id)) ?? record));
  });

  return router;
}
