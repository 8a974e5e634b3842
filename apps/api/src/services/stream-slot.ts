/**
 * Slots for event streams and `?wait` long polls
 * (docs/architecture.md#tenants): each key may keep `MAX_STREAMS_PER_KEY` open
 * at once across replicas; one more is a 429 `rate_limit_exceeded`.
 */
import type { StreamSlot } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { ApiDeps } from "../deps";

/** Takes a slot for `leaseMs` for `owner`, or throws 429. */
export async function openStreamSlot(
  deps: ApiDeps,
  owner: string,
  leaseMs: number,
): Promise<StreamSlot> {
  const slot = await deps.streams.acquire(owner, leaseMs);
  if (!slot) {
    throw GatewayError.rateLimited(
      1,
      `This key already has ${deps.streams.maxPerKey} event streams or ?wait polls open; close one first.`,
    );
  }
  return slot;
}
