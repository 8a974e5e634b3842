/**
 * ProviderError: what an adapter throws when an upstream call fails. Its
 * `kind` decides the job's fate in the worker's outcome mapper:
 * retryable → backoff; rate_limited → pause this provider's queue, no attempt
 * spent; permanent → fail now; content_refused → fail now, no failover.
 */
import type { ProviderId } from "@imagegate/params";

/** How an upstream failure is handled. */
export type ProviderErrorKind = "retryable" | "rate_limited" | "permanent" | "content_refused";

export class ProviderError extends Error {
  override readonly name = "ProviderError";

  constructor(
    readonly provider: ProviderId,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly upstreamStatus: number | undefined = undefined,
    readonly retryAfterMs: number | undefined = undefined,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, { cause: options?.cause });
    this.code = options?.code;
  }

  /** A more precise error code for the envelope (e.g. `upstream_auth_failed`). */
  readonly code: string | undefined;
}
