/**
 * A run's task leases and when its waits park
 * (docs/decisions/0017-parked-waits.md): pure rules and one release call,
 * apart from the processor that applies them.
 */
import { type ProviderLimits, type TaskSlots, taskSlotHolder } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";

/**
 * Runs in one process past which a new run parks at its first wait, whatever
 * its provider's parkAfterMs: each waiting run holds ~35 KB of live heap, and
 * a burst of fast submits would otherwise keep thousands waiting in memory
 * (docs/decisions/0017-parked-waits.md).
 */
const CROWDED_RUNS = 500;

/** Returns the leases job `jobId` holds on `provider` for calls 0 … calls − 1, except those `keep` names. */
export async function releaseTaskSlots(
  slots: TaskSlots,
  provider: ProviderId,
  jobId: string,
  calls: number,
  keep: (callIndex: number) => boolean = () => false,
): Promise<void> {
  await slots.release(
    provider,
    Array.from({ length: calls }, (_, i) => i)
      .filter((i) => !keep(i))
      .map((i) => taskSlotHolder(jobId, i)),
  );
}

/**
 * When a run's wait parks (docs/decisions/0017-parked-waits.md): never for a
 * provider that does not park or a fan-out (its finished calls' images are in
 * hand); at the first wait in a crowded process; else after `parkAfterMs`.
 */
export function parkAfterMsOf(
  limits: ProviderLimits,
  calls: number,
  runs: number,
): number | undefined {
  if (limits.parkAfterMs === null || calls > 1) return undefined;
  return runs > CROWDED_RUNS ? 0 : limits.parkAfterMs;
}
