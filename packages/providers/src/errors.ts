/**
 * ProviderError: what an adapter throws when an upstream call fails. Its
 * `kind` decides the job's fate in the worker's outcome mapper:
 * retryable → backoff; rate_limited → pause this provider's queue, no attempt
 * spent; permanent → fail now; content_refused → fail now, no failover.
 */
import type { ProviderId } from "@imagegate/params";

/** How an upstream failure is handled. */
export type ProviderErrorKind = "retryable" | "rate_limited" | "permanent" | "content_refused";

/** Details of a ProviderError beyond its kind and message. */
export type ProviderErrorOptions = {
  /** The upstream's HTTP status, when it answered. */
  upstreamStatus?: number | undefined;
  /** How long the upstream asked us to wait (Retry-After). */
  retryAfterMs?: number | undefined;
  /** A more precise envelope code (e.g. `upstream_auth_failed`). */
  code?: string | undefined;
  cause?: unknown;
};

export class ProviderError extends Error {
  override readonly name = "ProviderError";
  readonly upstreamStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;

  constructor(
    readonly provider: ProviderId,
    readonly kind: ProviderErrorKind,
    message: string,
    options: ProviderErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterMs = options.retryAfterMs;
    this.code = options.code;
  }
}

/**
 * Not a failure: the poll loop stopped waiting on a task that is still
 * running, so that its job can wait off the worker (a delayed queue entry)
 * and poll again at `wakeAtMs` (docs/decisions/0017-parked-waits.md).
 */
export class TaskParked extends Error {
  override readonly name = "TaskParked";

  constructor(
    readonly provider: ProviderId,
    readonly taskId: string,
    /** When to poll next (epoch ms). */
    readonly wakeAtMs: number,
  ) {
    super(`task ${taskId} on ${provider} parked until ${new Date(wakeAtMs).toISOString()}`);
  }
}
