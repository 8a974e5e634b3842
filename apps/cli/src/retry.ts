/**
 * When the CLI tries a request again, and after how long. Pure: the client
 * feeds it each attempt's outcome. Retried: connection errors (refused,
 * reset, cut mid-body), 5xx answers (a 504 is the gateway's sync timeout: the
 * job goes on, and the same Idempotency-Key hands it back), and 429
 * `rate_limit_exceeded` after its Retry-After. Never retried: other 4xx,
 * including 429 `insufficient_quota`, which waiting does not fix.
 */

/** How one attempt ended, when it did not succeed. */
export type AttemptOutcome =
  | { kind: "network"; message: string }
  | { kind: "status"; status: number; code: string | null; retryAfterMs: number | null };

/** Retry limits. */
export type RetryPolicy = {
  /** Retries after the first attempt. @defaultValue 4 */
  retries: number;
  /** First retry delay in milliseconds, doubled each time, ±50 % jitter. @defaultValue 500 */
  baseDelayMs: number;
  /** Cap of the exponential delay, in milliseconds. @defaultValue 8000 */
  maxDelayMs: number;
  /** Cap of a server's Retry-After, in milliseconds. @defaultValue 60000 */
  maxRetryAfterMs: number;
};

/** The defaults of `RetryPolicy`. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** True when trying again may succeed. */
export function isRetryable(outcome: AttemptOutcome): boolean {
  if (outcome.kind === "network") return true;
  if (outcome.status >= 500) return true;
  return outcome.status === 429 && outcome.code !== "insufficient_quota";
}

/**
 * The delay before retry number `attempt` (0 for the first retry), or null
 * when the request should fail now. `random` is in [0, 1).
 */
export function retryDelayMs(
  attempt: number,
  outcome: AttemptOutcome,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number | null {
  if (attempt >= policy.retries || !isRetryable(outcome)) return null;
  if (outcome.kind === "status" && outcome.retryAfterMs !== null) {
    return Math.min(outcome.retryAfterMs, policy.maxRetryAfterMs);
  }
  const exponential = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  // Jitter spreads the retries of many clients after one outage (±50 %).
  return Math.round(exponential * (0.5 + random()));
}

/** Reads `Retry-After` (seconds or an HTTP date) as milliseconds from `nowMs`; null when absent or bad. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}
