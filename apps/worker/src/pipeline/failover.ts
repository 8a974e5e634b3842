/**
 * Failover step: when a provider's attempts are spent on retryable errors, the
 * job moves to the next provider of its provider order
 * (docs/architecture.md#queues-retries-and-failover).
 */
import type { ImageJobData, ImageQueues } from "@imagegate/jobs";

/** Enqueues the job on the next provider of its provider order; false when none is left. */
export async function failOver(queues: ImageQueues, data: ImageJobData): Promise<boolean> {
  const next = data.providerIndex + 1;
  if (next >= data.providerOrder.length) return false;
  await queues.enqueue({ ...data, providerIndex: next });
  return true;
}
