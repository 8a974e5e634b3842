/**
 * Polling until an upstream task is done: calls `check` every `intervalMs`
 * until it returns a value, honouring the abort signal between polls (job
 * cancel and the per-call timeout).
 */

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

/** Calls `check` until it returns something other than undefined. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: { intervalMs: number; signal: AbortSignal },
): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(options.intervalMs, options.signal);
  }
}
