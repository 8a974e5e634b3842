/**
 * Call step: one upstream call of a plan through its adapter, with the ledger
 * rule of docs/guarantees.md enforced here, in one place:
 * - a call whose task an earlier run saved (running or delivered) resumes it,
 *   on the provider that accepted it, and never submits again;
 * - a new task is written to the job the moment the provider accepts it;
 * - a submit waits for its slot under the rate limit, and is skipped when the
 *   run must stop first (a sibling failed, the job was canceled, the run lost
 *   its lock) — but once on the wire it is not aborted, so its answer is kept;
 * - an accepted task is waited for up to its provider's task lifetime, then
 *   the call fails with `upstream_timeout` (never a resubmit).
 */

import {
  type CallbackHub,
  callbackUrl,
  type JobStore,
  type ProviderLimits,
  type SubmitLimiter,
  type TaskSlots,
  taskSlotHolder,
  type UpstreamTaskEntry,
  upstreamTaskField,
} from "@imagegate/jobs";
import { type TimeoutSignal, timeoutSignal } from "@imagegate/net";
import type { ProviderId, ProviderPlan, UpstreamCall } from "@imagegate/params";
import {
  type ImageProvider,
  isAbortError,
  type Logger,
  ProviderError,
  type ProviderImage,
  type ProviderInputImage,
  type UpstreamFetch,
  type UpstreamTask,
} from "@imagegate/providers";
import type { ResultFetch } from "../result-fetch";

/** What every call of one run shares. */
export type CallRun = {
  jobId: string;
  /** The run's token: a submit is refused once another run owns the job. */
  fence: string;
  store: JobStore;
  submitLimiter: SubmitLimiter;
  logger: Logger;
  fetch: UpstreamFetch;
  /** Result downloads: delivery hosts and the address guard (`result-fetch.ts`). */
  resultFetch: ResultFetch;
  /** Aborts on cancel and on lock loss. */
  runSignal: AbortSignal;
  /** Aborts when a sibling call failed: calls that have not submitted yet stop. */
  submitGate: AbortSignal;
  images: ProviderInputImage[];
  mask: ProviderInputImage | undefined;
  onProgress: (callIndex: number, fraction: number) => void;
  /** Provider callbacks, when PROVIDER_CALLBACKS is on. */
  callbacks: CallbackSettings | undefined;
  /** When the run claimed the job (ms): a submit right after it needs no second fence check. */
  claimedAtMs: number;
  /**
   * Ledger entries that can wait for the run's next write of the record (the
   * result or the failure): a synchronous upstream's paid call, a task now
   * delivered. An accepted task is never deferred: it is written at once.
   */
  deferredTasks: UpstreamTaskEntry[];
  /** Every ledger entry the run knows, as it last set it (the job's cost is read from these). */
  ledger: Map<string, UpstreamTaskEntry>;
  /**
   * Park the wait once a task is this old (ms since its submit) at its next
   * poll; undefined: wait in the worker (docs/decisions/0017-parked-waits.md).
   */
  parkAfterMs: number | undefined;
  /** Task leases, when the provider parks its waits (its concurrency bounds tasks, not runs). */
  taskSlots: TaskSlots | undefined;
};

/** A new task needs a lease and the provider has `concurrency` tasks in flight already. */
export class NoTaskSlot extends Error {
  override readonly name = "NoTaskSlot";

  constructor(readonly provider: ProviderId) {
    super(`${provider} has as many tasks in flight as its concurrency allows`);
  }
}

/** How long a task lease lives past the task's lifetime (a lost lease frees itself after it). */
const LEASE_MARGIN_MS = 60_000;

/** A run this fresh still owns its job: the claim it just made was fenced (docs/guarantees.md). */
const FRESH_CLAIM_MS = 1_000;

/** How tasks get their completion callbacks. */
export type CallbackSettings = {
  hub: CallbackHub;
  /** PUBLIC_BASE_URL: the providers call back `<base>/callbacks/<provider>`. */
  publicBaseUrl: string;
  /** The secret BFL echoes back. */
  bflSecret: string;
};

/** Providers that can call back. */
const CALLS_BACK = new Set(["fal", "replicate", "bfl"]);

/** One call: the adapter and plan to use, and the task to resume, if any. */
export type CallInput = {
  provider: ImageProvider;
  plan: ProviderPlan;
  call: UpstreamCall;
  limits: ProviderLimits;
  /** The call's live task from an earlier run (one with a task id), to resume. */
  resume: UpstreamTaskEntry | undefined;
};

/** The ledger entry of a task. */
function taskEntry(task: UpstreamTask): UpstreamTaskEntry {
  return {
    provider: task.provider,
    call_index: task.callIndex,
    task_id: task.id,
    submitted_at_ms: task.submittedAt,
    state: "running",
    cost_usd: task.costUsd ?? null,
    urls: task.urls,
    error: null,
  };
}

/** The adapter's view of a ledger entry. */
export function entryTask(entry: UpstreamTaskEntry): UpstreamTask {
  return {
    provider: entry.provider,
    callIndex: entry.call_index,
    id: entry.task_id ?? "",
    urls: entry.urls,
    submittedAt: entry.submitted_at_ms,
    costUsd: entry.cost_usd,
  };
}

/**
 * How the call's task is polled: fast then backing off, or — with callbacks
 * on — slowly, woken by the provider's callback; polls under the provider's
 * poll rate limit.
 */
function polling(provider: ProviderId, limits: ProviderLimits, run: CallRun) {
  const callbacks = run.callbacks && CALLS_BACK.has(provider) ? run.callbacks : undefined;
  const pollRate = limits.pollRateLimit;
  return {
    poll: {
      parkAfterMs: run.parkAfterMs,
      schedule: callbacks
        ? { initialMs: limits.callbackPollIntervalMs, maxMs: 4 * limits.callbackPollIntervalMs }
        : { initialMs: limits.pollIntervalMs, maxMs: limits.maxPollIntervalMs },
      waker: callbacks ? (taskId: string) => callbacks.hub.waker(provider, taskId) : undefined,
      beforePoll: pollRate
        ? async () => {
            await run.submitLimiter.acquire(`${provider}:polls`, pollRate, run.runSignal);
          }
        : undefined,
    },
    callback: callbacks
      ? {
          url: callbackUrl(callbacks.publicBaseUrl, provider, run.jobId),
          secret: callbacks.bflSecret,
        }
      : undefined,
  };
}

/** Runs one upstream call; rejects with a ProviderError, an abort reason or a bug. */
export async function callProvider(input: CallInput, run: CallRun): Promise<ProviderImage[]> {
  const { provider, call, limits } = input;
  const startedAt = Date.now();
  const log = run.logger;
  // A resumed task lives in the ledger already; a new one is set by onTask.
  let accepted: UpstreamTaskEntry | undefined = input.resume;
  const save = async (entry: UpstreamTaskEntry) => {
    accepted = entry;
    run.ledger.set(upstreamTaskField(entry), entry);
    await run.store.saveTask(run.jobId, entry);
  };
  const defer = (entry: UpstreamTaskEntry) => {
    run.ledger.set(upstreamTaskField(entry), entry);
    run.deferredTasks.push(entry);
  };
  const beforeSubmit = AbortSignal.any([run.runSignal, run.submitGate]);
  const deadlineOf = (task: UpstreamTask) => task.submittedAt + limits.taskLifetimeMs;
  const holder = taskSlotHolder(run.jobId, call.index);
  const leaseMs = limits.taskLifetimeMs + LEASE_MARGIN_MS;
  // The task's lifetime, once it is waited for: its end is an expiry, not a timed-out request.
  let lifetime: TimeoutSignal | undefined;
  // A task already accepted keeps its lease whatever the count: it is paid for.
  if (accepted && run.taskSlots) await run.taskSlots.hold(provider.id, holder, leaseMs);

  if (accepted) {
    log.info(
      { jobId: run.jobId, task: accepted.task_id, provider: provider.id },
      "resuming upstream task",
    );
  }
  // Cleared as soon as the call ends: AbortSignal.timeout would hold its timer until a full GC.
  const submitTimeout = timeoutSignal(limits.timeoutMs);
  try {
    const images = await provider.submit(input.plan, call, {
      fetch: run.fetch,
      fetchResult: (url, init) => run.resultFetch(provider.id, url, init),
      signal: beforeSubmit,
      submitSignal: submitTimeout.signal,
      waitSignal: (task) => {
        lifetime?.clear();
        lifetime = timeoutSignal(Math.max(0, deadlineOf(task) - Date.now()));
        return AbortSignal.any([run.runSignal, lifetime.signal]);
      },
      logger: log,
      now: Date.now,
      resume: accepted ? entryTask(accepted) : undefined,
      onTask: async (task) => {
        await save(taskEntry(task));
        log.info(
          { jobId: run.jobId, task: task.id, provider: provider.id },
          "upstream task submitted",
        );
      },
      acquireSubmitSlot: async () => {
        beforeSubmit.throwIfAborted();
        if (limits.rateLimit)
          await run.submitLimiter.acquire(provider.id, limits.rateLimit, beforeSubmit);
        if (Date.now() - run.claimedAtMs > FRESH_CLAIM_MS) {
          await run.store.assertRun(run.jobId, run.fence);
        }
        if (
          run.taskSlots &&
          !(await run.taskSlots.take(provider.id, limits.concurrency, holder, leaseMs))
        ) {
          throw new NoTaskSlot(provider.id);
        }
        beforeSubmit.throwIfAborted();
      },
      taskFailed: async (reason) => {
        if (accepted) await save({ ...accepted, state: "failed", error: reason });
      },
      images: run.images,
      mask: run.mask,
      onProgress: (fraction) => run.onProgress(call.index, fraction),
      ...polling(provider.id, limits, run),
    });
    if (accepted) {
      // Still live either way: written with the result, or at the run's failure.
      if (accepted.state !== "succeeded") defer({ ...accepted, state: "succeeded" });
    } else if (provider.id !== "local") {
      // A synchronous upstream has no task id; the ledger still shows the paid call.
      defer({
        provider: provider.id,
        call_index: call.index,
        task_id: null,
        submitted_at_ms: startedAt,
        state: "succeeded",
        cost_usd: null,
        urls: {},
        error: null,
      });
    }
    return images;
  } catch (err) {
    const task = accepted;
    if (task?.state === "running" && isAbortError(err) && !run.runSignal.aborted) {
      // The timer may fire a moment before the ledger's clock says so (ms rounding).
      if (lifetime?.signal.aborted || Date.now() >= task.submitted_at_ms + limits.taskLifetimeMs) {
        const message = `task ${task.task_id} did not finish within ${limits.taskLifetimeMs} ms`;
        await save({ ...task, state: "expired", error: message });
        throw new ProviderError(provider.id, "permanent", message, {
          code: "upstream_timeout",
          cause: err,
        });
      }
    }
    throw err;
  } finally {
    submitTimeout.clear();
    lifetime?.clear();
  }
}
