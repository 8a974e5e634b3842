/**
 * When to poll an upstream task next (docs/providers.md#polling): start
 * fast, back off by `factor` to `maxMs`, with ±`jitter` so that thousands of
 * tasks submitted together do not poll in lockstep, and never sooner than
 * the provider's own hint (a Retry-After, or a long queue ahead of the task).
 * Pure, so the schedule is unit-tested.
 */

/** How a provider's tasks are polled. */
export type PollSchedule = {
  /** The first wait, after submit. */
  initialMs: number;
  /** The longest wait between two polls. */
  maxMs: number;
  /** Growth of the wait after each poll. @defaultValue 1.5 */
  factor?: number;
  /** Spread, as a fraction of the wait (0.2 = ±20 %). @defaultValue 0.2 */
  jitter?: number;
};

/** What the last poll said about when to come back. */
export type PollHint = {
  /** The upstream asked for this wait (Retry-After on a status answer). */
  retryAfterMs?: number | undefined;
  /** Tasks ahead of this one in the provider's queue (fal `queue_position`). */
  queuePosition?: number | undefined;
};

/** The expected wait per task ahead in a provider's queue. */
const PER_QUEUED_TASK_MS = 250;

/**
 * The wait before poll number `polls + 1` (`polls` already made), given the
 * last hint. `random` returns [0, 1) (Math.random in production).
 */
export function nextPollDelayMs(
  polls: number,
  schedule: PollSchedule,
  hint: PollHint = {},
  random: () => number = Math.random,
): number {
  const factor = schedule.factor ?? 1.5;
  const jitter = schedule.jitter ?? 0.2;
  const base = Math.min(schedule.maxMs, schedule.initialMs * factor ** Math.max(0, polls));
  const spread = base * jitter * (2 * random() - 1);
  let wait = base + spread;
  if (hint.queuePosition && hint.queuePosition > 0) {
    wait = Math.max(wait, Math.min(schedule.maxMs, hint.queuePosition * PER_QUEUED_TASK_MS));
  }
  if (hint.retryAfterMs !== undefined) wait = Math.max(wait, hint.retryAfterMs);
  return Math.max(1, Math.round(wait));
}

/**
 * How many polls the schedule would have made by the time a task is `ageMs`
 * old (without jitter or hints): where a task resumed by a later run — a
 * parked wait, a restart — picks its schedule up, rather than starting fast
 * again.
 */
export function pollsByAge(ageMs: number, schedule: PollSchedule): number {
  const factor = schedule.factor ?? 1.5;
  if (ageMs <= 0) return 0;
  // The k-th wait is initial·factor^k, so k polls take initial·(factor^k − 1)/(factor − 1).
  return Math.floor(Math.log(1 + (ageMs * (factor - 1)) / schedule.initialMs) / Math.log(factor));
}
