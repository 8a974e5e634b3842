/**
 * Creates a job record for a normalized request and enqueues it on the first
 * provider of its route. On one node both go out in the same round trip on
 * the same Redis connection, record first: Redis runs one connection's
 * commands in order, so a worker never sees a queue entry whose record is not
 * there yet. On a Redis Cluster the record and the queue live in different
 * slots, so on different primaries and connections: there the entry is added
 * only once the record is written (the worker also re-reads once before
 * skipping).
 */
import { isCluster, type JobRecord, newJobRecord, routeFor } from "@imagegate/jobs";
import { checkUrl, UnsafeUrlError } from "@imagegate/net";
import { GatewayError, type NormalizedRequest, newId, requireModel } from "@imagegate/params";
import { annotateActiveSpan, JOB_ID_ATTRIBUTE } from "@imagegate/telemetry";
import type { ApiDeps } from "../deps";

/** Who is asking, and from where; `jobId` when the id was fixed earlier (edit inputs are stored under it). */
export type SubmitContext = {
  owner: string;
  requestId: string | null;
  batchId?: string | null;
  jobId?: string;
};

/** Refuses a webhook URL that is not http(s) or resolves to a private address (unless allowed). */
export async function checkWebhookUrl(deps: ApiDeps, url: string | undefined): Promise<void> {
  if (!url) return;
  try {
    await checkUrl(url, { allowPrivate: deps.config.allowPrivateUrls });
  } catch (err) {
    if (err instanceof UnsafeUrlError) {
      throw GatewayError.invalidRequest(
        "webhook_url",
        `webhook_url is not allowed: ${err.message}.`,
        "invalid_url",
      );
    }
    throw err;
  }
}

/** Saves and enqueues a new image job; returns its record. */
export async function submitImageJob(
  deps: ApiDeps,
  request: NormalizedRequest,
  context: SubmitContext,
): Promise<JobRecord> {
  await checkWebhookUrl(deps, request.webhook_url);
  const model = requireModel(request.model);
  const route = routeFor(model, deps.enabled, deps.config.routes);
  const record = newJobRecord({
    id: context.jobId ?? newId("job"),
    owner: context.owner,
    request,
    model: model.id,
    route,
    requestId: context.requestId,
    batchId: context.batchId ?? null,
  });
  annotateActiveSpan({ [JOB_ID_ATTRIBUTE]: record.id });
  const entry = { jobId: record.id, route, routeIndex: 0 };
  if (isCluster(deps.redis)) {
    await deps.store.create(record);
    await deps.queues.enqueue(entry);
  } else {
    await Promise.all([deps.store.create(record), deps.queues.enqueue(entry)]);
  }
  return record;
}
