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
import {
  allowsModel,
  estimateJobMicros,
  isCluster,
  type JobRecord,
  type KeyLimits,
  newJobRecord,
  routeFor,
  toUsd,
} from "@imagegate/jobs";
import { checkUrl, UnsafeUrlError } from "@imagegate/net";
import { GatewayError, type NormalizedRequest, newId, requireModel } from "@imagegate/params";
import { annotateActiveSpan, JOB_ID_ATTRIBUTE } from "@imagegate/telemetry";
import type { ApiDeps } from "../deps";
import { holdBudget } from "./hold-budget";

/** Who is asking, and from where; `jobId` when the id was fixed earlier (edit inputs are stored under it). */
export type SubmitContext = {
  owner: string;
  /** The caller key's limits (models, budget). */
  limits: KeyLimits;
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

/** 403 unless the key's `models` limit lets it use `model`. */
export function assertModelAllowed(limits: KeyLimits, model: string): void {
  if (!allowsModel(limits, model)) {
    throw new GatewayError(
      "model_not_allowed",
      `This API key may not use model '${model}' (allowed: ${limits.models?.join(", ")}).`,
      "model",
    );
  }
}

/**
 * Saves and enqueues a new image job, its estimated cost held against the
 * key's budget first (429 `insufficient_quota` when it does not fit); returns its record.
 */
export async function submitImageJob(
  deps: ApiDeps,
  request: NormalizedRequest,
  context: SubmitContext,
): Promise<JobRecord> {
  await checkWebhookUrl(deps, request.webhook_url);
  const model = requireModel(request.model);
  assertModelAllowed(context.limits, model.id);
  const route = routeFor(model, deps.enabled, deps.config.routes);
  const id = context.jobId ?? newId("job");
  const estimate = estimateJobMicros(deps.config.prices, request, route);
  // Without a budget nothing can refuse the hold: it is taken by the create script instead.
  const holdApart = context.limits.budget_usd !== null;
  if (holdApart) await holdBudget(deps, context, id, estimate);
  const record = newJobRecord({
    id,
    owner: context.owner,
    request,
    model: model.id,
    route,
    requestId: context.requestId,
    batchId: context.batchId ?? null,
    cost: { estimated_usd: toUsd(estimate), actual_usd: null, source: null, hold_id: id },
  });
  annotateActiveSpan({ [JOB_ID_ATTRIBUTE]: record.id });
  const entry = { jobId: record.id, route, routeIndex: 0 };
  try {
    if (isCluster(deps.redis)) {
      await deps.store.create(record, holdApart ? {} : { holdMicros: estimate });
      await deps.queues.enqueue(entry);
    } else {
      await Promise.all([
        deps.store.create(record, holdApart ? {} : { holdMicros: estimate }),
        deps.queues.enqueue(entry),
      ]);
    }
  } catch (err) {
    // A record that was saved ends through the lifecycle (the reconciler enqueues it), which
    // ends its hold; only a job that never existed gives its hold back here.
    if (!(await deps.store.get(id).catch(() => null))) {
      await deps.budgets.release(context.owner, id).catch(() => {});
    }
    throw err;
  }
  return record;
}
