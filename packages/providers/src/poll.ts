/**
 * Waiting on an accepted upstream task: poll until done, and ride out the
 * upstream's transient failures (5xx, connection errors, 429) on the way —
 * a poll or a download that fails once is tried again with backoff, never
 * turned into a new submit. Only the wait signal (cancel, lock loss, the
 * task's lifetime) or a non-transient error ends the wait
 * (docs/guarantees.md).
 */
import { ProviderError } from "./errors";
import type { Logger } from "./types";

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

/** Calls `check` every `intervalMs` until it returns something other than undefined. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: WaitOptions & { intervalMs: number },
): Promise<T> {
  for (;;) {
    const value = await retryTransient(check, { ...options, what: options.what ?? "poll" });
    if (value !== undefined) return value;
    await sleep(options.intervalMs, options.signal);
  }
}
