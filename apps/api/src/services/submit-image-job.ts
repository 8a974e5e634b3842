/**
 * Creates a job record for a normalized request with an outbox entry for
 * the first provider of its provider order, in one step: the workers' relay
 * adds the queue entry (docs/decisions/0020-submit-through-an-outbox.md), so
 * a worker never sees an entry whose record is not there yet. For a
 * synchronous request where the workers share this process (`pnpm start`),
 * it saves the job claimed for a run instead and hands it to them to run at
 * once (docs/decisions/0018-direct-runs.md).
 */
import { claimForDirectRun, type JobRecord, type KeyLimits, planJob } from "@imagegate/jobs";
import { type NormalizedRequest, newId } from "@imagegate/params";
import { activeTraceCarrier, annotateActiveSpan, JOB_ID_ATTRIBUTE } from "@imagegate/telemetry";
import type { ApiDeps } from "../deps";
import { checkWebhookUrl } from "./check-webhook-url";
import { holdBudget } from "./hold-budget";

/** Who is asking, and from where; `jobId` when the id was fixed earlier (edit inputs are stored under it). */
export type SubmitContext = {
  owner: string;
  /** The caller key's limits (models, budget). */
  limits: KeyLimits;
  requestId: string | null;
  batchId?: string | null;
  jobId?: string;
  /** The caller waits for the answer: the job may run at once, skipping its queue (`deps.runNow`). */
  sync?: boolean;
  /** Builds the answer while a direct run's final write lands (`DirectAnswer.prepare`). */
  prepare?: (record: JobRecord) => void;
};

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
  const id = context.jobId ?? newId("job");
  const { record, estimateMicros } = planJob(
    {
      id,
      owner: context.owner,
      request,
      requestId: context.requestId,
      batchId: context.batchId ?? null,
    },
    {
      limits: context.limits,
      enabled: deps.enabled,
      routes: deps.config.routes,
      prices: deps.config.prices,
    },
  );
  // Without a budget nothing can refuse the hold: it is taken by the create script instead.
  const holdApart = context.limits.budget_usd !== null;
  if (holdApart) await holdBudget(deps, context, id, estimateMicros);
  const hold = holdApart ? {} : { holdMicros: estimateMicros };
  annotateActiveSpan({ [JOB_ID_ATTRIBUTE]: record.id });
  const entry = { jobId: record.id, providerOrder: record.provider_order, providerIndex: 0 };
  try {
    if (context.sync && deps.runNow) {
      // Saved already claimed for the run, so the run makes no claim round trip; a crash
      // leaves it to the reconciler once the lease runs out. The run's success reaches the
      // waiting answer in this thread, not through the events channel.
      const claimed = claimForDirectRun(record);
      const created = deps.store.create(claimed.record, hold);
      const saved = created.then(
        () => true,
        () => false,
      );
      const { runNow } = deps;
      const trace = activeTraceCarrier();
      // The run prepares while the create is on its way, and waits for it before it writes
      // or calls its upstream (`ClaimedRun.saved`). Handed over on the check phase, after
      // the create's socket write (turn-writes.ts sends a turn's commands there).
      const answer = { prepare: context.prepare, settle: deps.events.settle };
      setImmediate(() => runNow(entry, trace, { ...claimed, saved }, answer));
      await created;
      return claimed.record;
    }
    await deps.store.create(record, {
      ...hold,
      enqueue: { data: entry, trace: activeTraceCarrier() },
    });
  } catch (err) {
    // A record that was saved ends through the lifecycle (the relay or the reconciler queues it), which
    // ends its hold; only a job that never existed gives its hold back here.
    if (!(await deps.store.get(id).catch(() => null))) {
      await deps.budgets.release(context.owner, id).catch(() => {});
    }
    throw err;
  }
  return record;
}
