/**
 * Applies the outcome mapper's decision (`outcome.ts`) to BullMQ and to the
 * job: log the attempt, then pause the provider, let BullMQ retry, fail over,
 * end the job through the lifecycle, cancel upstream tasks, or — when the
 * run lost its lock — nothing at all.
 */
import {
  type ImageJobData,
  type ImageQueues,
  type JobLifecycle,
  type JobPatch,
  type JobRecord,
  type JobStore,
  LockLostError,
  type UpstreamTaskEntry,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { ImageProvider, UpstreamFetch } from "@imagegate/providers";
import { UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "pino";
import { attemptEntry, logAttempt, withAttempt } from "./attempt-log";
import type { Outcome } from "./outcome";
import { entryTask } from "./pipeline/call-provider";
import { failOver } from "./pipeline/failover";

/** What applying an outcome touches. */
export type ApplyDeps = {
  store: JobStore;
  queues: ImageQueues;
  lifecycle: JobLifecycle;
  providers: ReadonlyMap<ProviderId, ImageProvider>;
  fetch: UpstreamFetch;
};

/** What a run kept to write with its next record write (the applied report, deferred ledger entries). */
export type RunPending = { patch: JobPatch; tasks: UpstreamTaskEntry[] };

/** The failed run. */
export type FailedRun = {
  data: ImageJobData;
  /** The record as it is now. */
  record: JobRecord;
  providerId: ProviderId;
  fence: string;
  err: unknown;
  log: Logger;
  /** Written with the first write here. */
  pending: RunPending;
};

/** Applies `outcome`; resolves with the BullMQ result, or throws what BullMQ must see. */
export async function applyOutcome(
  deps: ApplyDeps,
  outcome: Outcome,
  run: FailedRun,
): Promise<string> {
  const { record, providerId, fence } = run;
  const upstream = (run.err as { upstreamStatus?: number }).upstreamStatus ?? null;
  // What the run kept for its next write goes first (the failure path is rare; simplicity wins).
  if (
    outcome.action !== "stop" &&
    (run.pending.tasks.length > 0 || Object.keys(run.pending.patch).length > 0)
  ) {
    await deps.store
      .update(record.id, run.pending.patch, { fence, tasks: run.pending.tasks })
      .catch(ignoreLockLost);
  }
  switch (outcome.action) {
    case "stop":
      run.log.warn("run lost its lock; another run owns the job");
      return "lock lost";
    case "canceled":
      await logAttempt(deps.store, record, attemptEntry(providerId, "canceled"), fence).catch(
        (err) => ignoreLockLost(err),
      );
      await cancelUpstreamTasks(deps, record.id, run.log);
      return "canceled";
    case "rate_limit":
      await logAttempt(
        deps.store,
        record,
        attemptEntry(providerId, "rate_limited", outcome.error, upstream),
        fence,
      );
      await deps.queues.pause(providerId, outcome.delayMs);
      throw Worker.RateLimitError();
    case "retry":
      await logAttempt(
        deps.store,
        record,
        attemptEntry(providerId, "retrying", outcome.error, upstream),
        fence,
      );
      throw run.err;
    case "failover": {
      const entry = attemptEntry(providerId, "failed_over", outcome.error, upstream);
      await logAttempt(deps.store, record, entry, fence);
      if (await failOver(deps.queues, run.data)) return "failed_over";
      await failJob(deps, { ...record, ...withAttempt(record, entry) }, outcome.error, fence);
      throw new UnrecoverableError(outcome.error.message);
    }
    case "fail": {
      const entry = attemptEntry(providerId, "failed", outcome.error, upstream);
      await failJob(deps, { ...record, ...withAttempt(record, entry) }, outcome.error, fence);
      throw new UnrecoverableError(outcome.error.message);
    }
  }
}

/** Swallows a fenced-off write: another run owns the job now. */
export function ignoreLockLost(err: unknown): void {
  if (!(err instanceof LockLostError)) throw err;
}

async function failJob(
  deps: ApplyDeps,
  record: JobRecord,
  error: NonNullable<JobRecord["error"]>,
  fence: string,
): Promise<void> {
  await deps.lifecycle.finishJob(
    record.id,
    ["queued", "in_progress"],
    "failed",
    { error, attempts: record.attempts, attempt_log: record.attempt_log },
    { fence },
  );
}

/**
 * Cancels the job's running upstream tasks where the protocol has a cancel
 * (fal, Replicate) and marks them canceled in the ledger.
 */
export async function cancelUpstreamTasks(
  deps: Pick<ApplyDeps, "store" | "providers" | "fetch">,
  jobId: string,
  log: Logger,
): Promise<void> {
  const record = await deps.store.get(jobId);
  const running = record?.upstream_tasks.filter((t) => t.state === "running" && t.task_id) ?? [];
  await Promise.all(
    running.map(async (entry) => {
      const provider = deps.providers.get(entry.provider);
      if (!provider?.cancel) return;
      try {
        await provider.cancel(entryTask(entry), {
          fetch: deps.fetch,
          signal: AbortSignal.timeout(10_000),
          logger: log,
        });
        await deps.store.saveTask(jobId, { ...entry, state: "canceled" });
        log.info({ task: entry.task_id }, "upstream task canceled");
      } catch (err) {
        log.warn({ task: entry.task_id, err: (err as Error).message }, "upstream cancel failed");
      }
    }),
  );
}
