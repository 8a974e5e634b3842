/**
 * `POST /v1/images/generations`
 * (docs/architecture.md#sync-async-and-idempotency): synchronous by default, as
 * OpenAI clients expect; `Prefer: respond-async` answers 202 with the job and
 * `Location`. A sync request that outlives SYNC_TIMEOUT_MS gets a 504 naming
 * the job id, and the job carries on.
 */
import { type FinalWaiter, isFinal, type JobRecord, presentImages } from "@imagegate/jobs";
import {
  ERROR_CODES,
  type ErrorCode,
  GatewayError,
  normalizeImageRequest,
} from "@imagegate/params";
import { type Request, type Response, Router } from "express";
import type { ApiDeps } from "../deps";
import { callerOf } from "../http/caller";
import { jsonBody } from "../http/json-body";
import { fingerprint, once } from "../services/idempotency";
import { jobView } from "../services/job-view";
import { submitImageJob } from "../services/submit-image-job";
import { clientGone, waitForJob } from "../services/wait-for-job";

/** True when the client asked for an async answer (RFC 7240 `Prefer: respond-async`). */
export function prefersAsync(prefer: string | undefined): boolean {
  return !!prefer && prefer.split(/[,;]/).some((p) => p.trim().toLowerCase() === "respond-async");
}

/** Answers a sync request from a job's latest record. */
async function replyWithResult(deps: ApiDeps, res: Response, record: JobRecord): Promise<void> {
  res.setHeader("x-imagegate-job-id", record.id);
  if (record.provider) res.setHeader("x-imagegate-provider", record.provider);
  if (!isFinal(record.status)) {
    res.setHeader("location", `/v1/jobs/${record.id}`);
    throw new GatewayError(
      "sync_timeout",
      `The image was not ready within ${deps.config.syncTimeoutMs} ms; job ${record.id} is still ${record.status}. Poll GET /v1/jobs/${record.id}.`,
      null,
    );
  }
  if (record.status === "succeeded") {
    res.json(await presentImages(record, deps.present));
    return;
  }
  const error = record.error ?? {
    message: `Job ${record.id} was canceled.`,
    type: "invalid_request_error",
    param: null,
    code: "canceled",
  };
  const code = (error.code ?? "internal_error") as ErrorCode;
  res.status(code in ERROR_CODES ? ERROR_CODES[code][0] : 500).json({ error });
}

/**
 * Answers a new job: 202 with the job when the client prefers async, else the
 * result when final — from `waiter`'s final event when one was registered
 * before the job was made (no read at all), else by waiting on its record.
 */
export async function respondToNewJob(
  deps: ApiDeps,
  req: Request,
  res: Response,
  record: JobRecord,
  waiter?: FinalWaiter,
): Promise<void> {
  // The request's access log line names the job it made.
  res.locals.jobId = record.id;
  if (prefersAsync(req.get("prefer"))) {
    res
      .status(202)
      .setHeader("location", `/v1/jobs/${record.id}`)
      .setHeader("preference-applied", "respond-async")
      .json(await jobView(deps, record, { position: false }));
    return;
  }
  const gone = clientGone(res);
  const timeoutMs = deps.config.syncTimeoutMs;
  const latest = waiter
    ? ((await waiter.final(timeoutMs, gone)) ?? (await deps.store.get(record.id)) ?? record)
    : await waitForJob(deps, record.id, timeoutMs, gone);
  await replyWithResult(deps, res, latest);
}

/** The generations router. */
export function imagesRouter(deps: ApiDeps): Router {
  const router = Router();
  router.post("/v1/images/generations", ...jsonBody(), async (req, res) => {
    const owner = res.locals.owner as string;
    const sync = !prefersAsync(req.get("prefer"));
    let waiter: FinalWaiter | undefined;
    const { record, replayed } = await once(
      deps,
      {
        owner,
        key: req.get("idempotency-key"),
        route: "generations",
        fingerprint: () => fingerprint(req.body),
      },
      async (jobId) => {
        // Listening before the job exists: its end cannot be missed, and needs no read.
        if (sync) waiter = await deps.events.expect(jobId);
        try {
          return await submitImageJob(deps, normalizeImageRequest(req.body), {
            owner,
            limits: callerOf(res).limits,
            requestId: res.locals.requestId as string,
            jobId,
          });
        } catch (err) {
          waiter?.cancel();
          throw err;
        }
      },
    );
    if (replayed) res.setHeader("idempotent-replayed", "true");
    await respondToNewJob(deps, req, res, record, replayed ? undefined : waiter);
  });
  return router;
}
