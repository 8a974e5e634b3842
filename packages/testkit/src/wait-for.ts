/** Polls a condition instead of sleeping a fixed time (docs/style.md#tests). */

/** Options of `waitFor`. */
export type WaitForOptions = {
  /** How long to keep trying, in milliseconds. @defaultValue 5000 */
  timeoutMs?: number;
  /** Pause between tries, in milliseconds. @defaultValue 20 */
  intervalMs?: number;
  /** What is awaited, for the timeout error ("the job to succeed"). @defaultValue "condition" */
  message?: string;
};

/**
 * Resolves once `predicate` returns true; rejects after `timeoutMs`. A
 * predicate that throws counts as "not yet" (a server still starting refuses
 * connections), and its last error is named in the timeout error and kept as `cause`.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 20, message = "condition" }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lastError: unknown;
    try {
      if (await predicate()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError === undefined ? "" : `; last error: ${String(lastError)}`;
      throw new Error(`waitFor: ${message} not met within ${timeoutMs} ms${detail}`, {
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
