/** Polls a condition instead of sleeping a fixed time (STYLE 4.9). */

/** Options of `waitFor`. */
export type WaitForOptions = { timeoutMs?: number; intervalMs?: number; message?: string };

/** Resolves once `predicate` returns true; rejects with `message` after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 20, message = "condition" }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline)
      throw new Error(`waitFor: ${message} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
