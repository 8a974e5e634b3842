/**
 * Waiting on an accepted upstream task: poll on an adaptive schedule
 * (`poll-schedule.ts`), at once when the provider's completion callback
 * arrives (a `Waker`), and ride out the upstream's transient failures (5xx,
 * connection errors, 429) on the way — a poll or a download that fails is
 * tried again with backoff, never turned into a new submit. Only the wait
 * signal (cancel, lock loss, the task's lifetime) or a non-transient error
 * ends the wait (docs/guarantees.md).
 */
import type { ProviderId } from "@imagegate/params";
import { ProviderError, TaskParked } from "./errors";
import { nextPollDelayMs, type PollHint, type PollSchedule, pollsByAge } from "./poll-schedule";
import type { Logger, ProviderContext } from "./types";

/** Sleeps `ms`, rejecting with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** True for an upstream failure worth trying again on an accepted task. */
export function isTransient(err: unknown): err is ProviderError {
  return err instanceof ProviderError && (err.kind === "retryable" || err.kind === "rate_limited");
}

/** First and largest pause between tries of a transient failure. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;

/** Options of `retryTransient` and `pollUntil`. */
export type WaitOptions = {
  signal: AbortSignal;
  logger?: Logger | undefined;
  what?: string;
  /** Narrows which transient-looking failures are retried (a protocol's own rule). */
  retryIf?: (err: ProviderError) => boolean;
};

/** Runs `fn`, trying again after transient upstream failures until it succeeds or the signal aborts. */
export async function retryTransient<T>(fn: () => Promise<T>, options: WaitOptions): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || options.signal.aborted) throw err;
      if (options.retryIf && !options.retryIf(err)) throw err;
      const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** tries);
      const waitMs = Math.max(backoff, err.retryAfterMs ?? 0);
      options.logger?.warn(
        { provider: err.provider, err: err.message, waitMs, what: options.what },
        "transient upstream failure; trying again",
      );
      await sleep(waitMs, options.signal);
    }
  }
}

/**
 * Wakes a waiting poll loop early: the provider's completion callback for its
 * task arrived. A callback that came while no one waited is kept, so the
 * next `next()` resolves at once.
 */
export type Waker = {
  /** Resolves at the next callback for the task. */
  next(): Promise<void>;
  /** Stops listening. */
  close(): void;
  /** True when a callback came that no `next()` has taken yet. */
  pending?(): boolean;
};

/** One poll's answer: the task's outcome, or "still pending" with hints for the next wait. */
export type PollAnswer<T> = { done: T } | { pending: PollHint };

/** Options of `pollUntil`. */
export type PollOptions = WaitOptions & {
  schedule: PollSchedule;
  /** Poll at once (a resumed task) rather than after the first wait (a task just submitted). */
  immediate?: boolean;
  /** Callbacks for this task, when the provider sends them. */
  waker?: Waker | undefined;
  /** Called before each poll (the provider's poll rate limit). */
  beforePoll?: (() => Promise<void>) | undefined;
  /** The task waited on: a resumed one picks the schedule up at its age. */
  task?: { provider: ProviderId; id: string; submittedAt: number } | undefined;
  /** Throw `TaskParked` rather than sleep once the task is this old at its next poll (needs `task`). */
  parkAfterMs?: number | undefined;
};

/** Sleeps `ms` or until the waker fires, whichever is first; rejects when the signal aborts. */
async function sleepOrWake(ms: number, signal: AbortSignal, waker: Waker | undefined) {
  if (!waker) return sleep(ms, signal);
  const done = new AbortController();
  try {
    await Promise.race([
      sleep(ms, AbortSignal.any([signal, done.signal])),
      waker.next().then(() => signal.throwIfAborted()),
    ]);
  } finally {
    done.abort();
  }
}

/** Polls with `check` on the schedule until it answers `done`; resolves with that value. */
export async function pollUntil<T>(
  check: () => Promise<PollAnswer<T>>,
  options: PollOptions,
): Promise<T> {
  let hint: PollHint = {};
  const { task, parkAfterMs } = options;
  // A resumed task is as far along its schedule as its age says (a parked wait, a restart).
  const done =
    options.immediate && task ? pollsByAge(Date.now() - task.submittedAt, options.schedule) : 0;
  try {
    for (let polls = 0; ; polls++) {
      if (polls > 0 || !options.immediate) {
        const waitMs = nextPollDelayMs(
          done + (options.immediate ? polls - 1 : polls),
          options.schedule,
          hint,
        );
        const wakeAtMs = Date.now() + waitMs;
        if (
          task &&
          parkAfterMs !== undefined &&
          wakeAtMs - task.submittedAt >= parkAfterMs &&
          !options.waker?.pending?.()
        ) {
          throw new TaskParked(task.provider, task.id, wakeAtMs);
        }
        await sleepOrWake(waitMs, options.signal, options.waker);
      }
      await options.beforePoll?.();
      const answer = await retryTransient(check, { ...options, what: options.what ?? "poll" });
      if ("done" in answer) return answer.done;
      hint = answer.pending;
    }
  } finally {
    options.waker?.close();
  }
}

/** The poll options of an adapter waiting on `task`: the call's schedule, callbacks and poll limit. */
export function pollOptions(
  ctx: Pick<ProviderContext, "poll" | "resume" | "logger">,
  task: { provider: ProviderId; id: string; submittedAt: number },
  signal: AbortSignal,
): PollOptions {
  return {
    task,
    parkAfterMs: ctx.poll.parkAfterMs,
    signal,
    logger: ctx.logger,
    schedule: ctx.poll.schedule,
    // A task an earlier run saved may be done already; a new one is not.
    immediate: ctx.resume !== undefined,
    waker: ctx.poll.waker?.(task.id),
    beforePoll: ctx.poll.beforePoll,
  };
}
