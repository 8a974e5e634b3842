/**
 * Call step: one upstream call of a plan through its adapter, with the
 * per-call timeout and the job's cancel signal, resuming a task an earlier
 * run saved (never pay twice) and saving a new one the moment it exists.
 */

import type { JobStore, ProviderLimits, SubmitLimiter } from "@imagegate/jobs";
import type { ProviderPlan, UpstreamCall } from "@imagegate/params";
import type {
  ImageProvider,
  Logger,
  ProviderImage,
  ProviderInputImage,
  UpstreamTask,
} from "@imagegate/providers";

/** Everything one call needs. */
export type CallProviderInput = {
  jobId: string;
  provider: ImageProvider;
  plan: ProviderPlan;
  call: UpstreamCall;
  limits: ProviderLimits;
  store: JobStore;
  /** Aborts when the job is canceled. */
  cancelSignal: AbortSignal;
  logger: Logger;
  fetch: typeof fetch;
  images: ProviderInputImage[];
  mask: ProviderInputImage | undefined;
  onProgress: (fraction: number) => void;
  /** Shared limiter of upstream submits. */
  submitLimiter: SubmitLimiter;
};

/** The saved-task key of one call: per provider, so a failover never resumes another's task. */
export function taskKey(provider: string, callIndex: number): string {
  return `${provider}:${callIndex}`;
}

/** Runs one upstream call; rejects with a ProviderError, an AbortError/TimeoutError or a bug. */
export async function callProvider(input: CallProviderInput): Promise<ProviderImage[]> {
  const { jobId, provider, plan, call, store } = input;
  const key = taskKey(provider.id, call.index);
  const saved = (await store.getTasks(jobId))[key] as UpstreamTask | undefined;
  const signal = AbortSignal.any([input.cancelSignal, AbortSignal.timeout(input.limits.timeoutMs)]);
  if (saved)
    input.logger.info({ jobId, task: saved.id, provider: provider.id }, "resuming upstream task");
  return provider.submit(plan, call, {
    fetch: input.fetch,
    signal,
    logger: input.logger,
    now: Date.now,
    resume: saved,
    onTask: async (task) => {
      await store.saveTask(jobId, key, task);
      input.logger.info({ jobId, task: task.id, provider: provider.id }, "upstream task submitted");
    },
    acquireSubmitSlot: async () => {
      const rate = input.limits.rateLimit;
      if (rate) await input.submitLimiter.acquire(provider.id, rate, signal);
    },
    forgetTask: async () => {
      await store.forgetTask(jobId, key);
    },
    images: input.images,
    mask: input.mask,
    onProgress: input.onProgress,
    pollIntervalMs: input.limits.pollIntervalMs,
  });
}
