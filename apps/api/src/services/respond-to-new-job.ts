/**
 * The answer to a new job (docs/architecture.md#sync-async-and-idempotency):
 * 202 with the job when the client prefers async, else the job's result once
 * it is final. A sync request that outlives SYNC_TIMEOUT_MS gets a 504 naming
 * the job id, and the job carries on; a failed job answers with its stored
 * envelope, through the error handler like every other error.
 */
import { type FinalWaiter, isFinal, type JobRecord } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { Request, Response } from "express";
import type { ApiDeps } from "../deps";
import { sendJson } from "../http/json-answer";
import { jobView } from "./job-view";
import { imagesAnswer, type PreparedAnswer } from "./prepared-answers";
import { clientGone, waitForJob } from "./wait-for-job";

/** True when the client asked for an async answer (RFC 7240 `Prefer: respond-async`). */
export function prefersAsync(prefer: string | undefined): boolean {
  return !!prefer && prefer.split(/[,;]/).some((p) => p.trim().toLowerCase() === "respond-async");
}

/** Answers a sync request from a job's latest record; throws for any end but success. */
async function replyWithResult(
  deps: ApiDeps,
  res: Response,
  record: JobRecord,
  prepared: PreparedAnswer | undefined,
): Promise<void> {
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
    // res.json's bytes, without scanning the base64 twice more; built while the final
    // write landed when a direct run made this record (prepared-answers.ts).
    const json = (await prepared?.take(record)) ?? (await imagesAnswer(deps, record));
    if (json) sendJson(res, json);
    else res.json(null);
    return;
  }
  throw GatewayError.fromEnvelope(
    record.error ?? {
      message: `Job ${record.id} was canceled.`,
      type: "invalid_request_error",
      param: null,
      code: "canceled",
    },
  );
}

/**
 * Answers a new job: 202 with the job when the client prefers async, else the
 * result when final — from `waiter`'s final event when one was registered
 * before the job was made (no read at all), else by waiting on its record;
 * with the answer `prepared` while a direct run's final write landed, if it
 * made that record.
 */
export async function respondToNewJob(
  deps: ApiDeps,
  req: Request,
  res: Response,
  record: JobRecord,
  waiter?: FinalWaiter,
  prepared?: PreparedAnswer,
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
  // Nobody to answer: the job carries on, and the access line says the client left
  // rather than an error line blaming a timeout that never came.
  if (gone.aborted && !isFinal(latest.status)) return;
  await replyWithResult(deps, res, latest, prepared);
}
