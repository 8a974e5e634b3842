/**
 * This process's share of a provider's `concurrency`, once runs start
 * without a queue entry (docs/decisions/0018-direct-runs.md): BullMQ's
 * global concurrency counts only the runs it hands out, so a direct run
 * and a queued run of the same provider take a slot here first. Only
 * providers that do not lease their tasks need it: a task provider's
 * submits take task leases (`task-slots.ts`), which count every run.
 */
import type { ProviderLimits } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import { Sema } from "async-sema";

/** Slots per provider, each as many as its `concurrency`. */
export type LocalSlots = {
  /** Takes a slot when one is free at once; false when all are taken. */
  tryTake(provider: ProviderId): boolean;
  /** Takes a slot, waiting for one. */
  take(provider: ProviderId): Promise<void>;
  release(provider: ProviderId): void;
};

/** Creates the slots of `providers` (async-sema semaphores, one per provider). */
export function createLocalSlots(
  providers: readonly ProviderId[],
  limits: Record<ProviderId, Pick<ProviderLimits, "concurrency">>,
): LocalSlots {
  const semas = new Map(providers.map((p) => [p, new Sema(limits[p].concurrency)]));
  const semaOf = (provider: ProviderId): Sema => {
    const sema = semas.get(provider);
    if (!sema) throw new Error(`no local slots for provider ${provider}`);
    return sema;
  };
  return {
    tryTake: (provider) => semaOf(provider).tryAcquire() !== undefined,
    take: async (provider) => {
      await semaOf(provider).acquire();
    },
    release: (provider) => semaOf(provider).release(),
  };
}
