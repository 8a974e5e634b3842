/**
 * The worker's one error mapper (docs/style.md#errors): any error of a job run
 * → what happens next. Pure, so every branch is unit-tested;
 * `processors/image-job.ts` applies the decision to BullMQ (rate limit,
 * rethrow, UnrecoverableError) and to the job record.
 */

import { type JobError, LockLostError } from "@imagegate/jobs";
import { type ErrorCode, GatewayError } from "@imagegate/params";
import { isAbortError, ProviderError } from "@imagegate/providers";

/** What to do after a failed run. */
export type Outcome =
  /** Pause this provider's queue for `delayMs`; the attempt is not spent. */
  | { action: "rate_limit"; delayMs: number; error: JobError }
  /** Let BullMQ retry on the same provider after backoff. */
  | { action: "retry"; error: JobError }
  /** Attempts on this provider are spent: try the next one in the provider order. */
  | { action: "failover"; error: JobError }
  /** Fail the job now with this envelope body (its code picks the HTTP status). */
  | { action: "fail"; error: JobError }
  /** The job was canceled while running. */
  | { action: "canceled" }
  /** The run lost its lock: another run owns the job; touch nothing. */
  | { action: "stop" };

/** Facts about the run that failed. */
export type RunState = {
  /** Attempts already made on this provider before this one (BullMQ `attemptsMade`). */
  attemptsMade: number;
  /** Attempts allowed on this provider. */
  attempts: number;
  /** True when another provider follows in the provider order. */
  hasNextProvider: boolean;
  /** True when the job's cancel was requested (the abort came from a cancel). */
  canceled: boolean;
  /**
   * True when some call has a live upstream task (accepted, not failed): the
   * job may retry here, which resumes it, but never fail over, since another
   * provider would pay for those images again.
   */
  hasLiveTasks: boolean;
};

/** Default pause when a 429 names no Retry-After. */
export const DEFAULT_RATE_LIMIT_MS = 5_000;

function envelope(code: ErrorCode, message: string, param: string | null = null): JobError {
  return new GatewayError(code, message, param).toEnvelope().error;
}

/** Decides what follows a failed run of an image job. */
export function decideOutcome(err: unknown, state: RunState): Outcome {
  if (err instanceof LockLostError) return { action: "stop" };
  if (state.canceled) return { action: "canceled" };
  if (err instanceof GatewayError) {
    // A plan the provider cannot run (strict refusal): another provider may take it.
    if (state.hasNextProvider && !state.hasLiveTasks && err.code === "parameter_coerced") {
      return { action: "failover", error: err.toEnvelope().error };
    }
    return { action: "fail", error: err.toEnvelope().error };
  }

  let retryable: JobError;
  if (err instanceof ProviderError) {
    const who = err.provider;
    switch (err.kind) {
      case "rate_limited":
        return {
          action: "rate_limit",
          delayMs: err.retryAfterMs ?? DEFAULT_RATE_LIMIT_MS,
          error: envelope("rate_limit_exceeded", `${who}: ${err.message}`),
        };
      case "content_refused":
        return {
          action: "fail",
          error: envelope("content_policy_violation", `${who} refused the content: ${err.message}`),
        };
      case "permanent": {
        const code = (err.code as ErrorCode | undefined) ?? "upstream_error";
        return {
          action: "fail",
          error: envelope(code, `${who}: ${err.message}`),
        };
      }
      case "retryable":
        retryable = envelope("upstream_unavailable", `${who}: ${err.message}`);
        break;
    }
  } else if (isAbortError(err)) {
    retryable = envelope("timeout", `The upstream call timed out: ${(err as Error).message}`);
  } else {
    retryable = envelope(
      "internal_error",
      `Processing failed: ${(err as Error)?.message ?? String(err)}`,
    );
  }

  if (state.attemptsMade + 1 < state.attempts) return { action: "retry", error: retryable };
  if (state.hasNextProvider && !state.hasLiveTasks) return { action: "failover", error: retryable };
  return { action: "fail", error: retryable };
}
