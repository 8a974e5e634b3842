/**
 * How every queue retries and keeps its entries, in one place
 * (docs/architecture.md#queues-retries-and-failover):
 *
 * - image jobs: the provider's `attempts`, exponential backoff from its
 *   `backoffMs` with ±50 % jitter, then failover (the worker decides);
 *   removed on completion (the job record is the source of truth);
 * - batch tasks: 5 attempts, exponential from 1 s; kept a day (a week when failed);
 * - webhook deliveries: WEBHOOK_RETRY_SCHEDULE, or the receiver's
 *   Retry-After when longer; kept a week.
 */
import { type BackoffOptions, Backoffs, type JobsOptions, type MinimalJob } from "bullmq";
import type { ProviderLimits } from "./providers-file";

/** The retry and retention options of a queue's entries. */
export type RetryPolicy = Pick<
  JobsOptions,
  "attempts" | "backoff" | "removeOnComplete" | "removeOnFail"
>;

const DAY_S = 86_400;

/** The share of an image job's backoff that is random (BullMQ's `jitter`). */
const IMAGE_JITTER = 0.5;

/**
 * An image job on a provider with these limits; `attemptsMade` attempts
 * already made outside this entry (a direct run handing over,
 * docs/decisions/0018-direct-runs.md) leave fewer attempts, and a backoff
 * that goes on doubling from where they left it.
 */
export function imageRetryPolicy(
  limits: Pick<ProviderLimits, "attempts" | "backoffMs">,
  attemptsMade = 0,
): RetryPolicy {
  return {
    attempts: Math.max(1, limits.attempts - attemptsMade),
    backoff: {
      type: "exponential",
      delay: limits.backoffMs * 2 ** attemptsMade,
      jitter: IMAGE_JITTER,
    },
    // The job record is the source of truth, final before its entry completes: no need to keep it.
    removeOnComplete: true,
    removeOnFail: { age: DAY_S },
  };
}

/** What BullMQ's built-in backoff strategies are given as the job: they do not read it. */
const NO_JOB = undefined as unknown as MinimalJob;

/**
 * The delay before an image job's attempt `attemptsMade + 1`, by BullMQ's own
 * exponential strategy with the policy's jitter: for a run made outside
 * BullMQ, whose retry is added to the queue by hand.
 */
export async function imageRetryDelayMs(
  limits: Pick<ProviderLimits, "attempts" | "backoffMs">,
  attemptsMade: number,
): Promise<number> {
  const backoff = imageRetryPolicy(limits).backoff as BackoffOptions;
  return (await Backoffs.calculate(backoff, attemptsMade, new Error("retry"), NO_JOB)) ?? 0;
}

/** A batch task (run, stop, finalize). */
export const BATCH_TASK_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1000 },
  removeOnComplete: { age: DAY_S },
  removeOnFail: { age: 7 * DAY_S },
};

/** The custom BullMQ backoff type: the webhook worker computes its delays with `webhookBackoffMs`. */
const WEBHOOK_BACKOFF = "webhook-schedule";

/** A webhook delivery run: one attempt, then one per step of the schedule. */
export function webhookRetryPolicy(scheduleSeconds: readonly number[]): RetryPolicy {
  return {
    attempts: scheduleSeconds.length + 1,
    backoff: { type: WEBHOOK_BACKOFF },
    removeOnComplete: { age: 7 * DAY_S },
    removeOnFail: { age: 7 * DAY_S },
  };
}

/** The delay before attempt `attemptsMade + 1`: the schedule, or the receiver's Retry-After when longer. */
export function webhookBackoffMs(
  scheduleSeconds: readonly number[],
  attemptsMade: number,
  retryAfterMs?: number,
): number {
  const scheduled =
    (scheduleSeconds[Math.max(0, attemptsMade - 1)] ?? scheduleSeconds.at(-1) ?? 0) * 1000;
  // A 429's Retry-After is honoured, within a day.
  return retryAfterMs !== undefined
    ? Math.min(Math.max(scheduled, retryAfterMs), 86_400_000)
    : scheduled;
}
