/**
 * This process's share of a provider's `concurrency`, once runs start
 * without a queue entry (docs/decisions/0018-direct-runs.md): BullMQ's
 * global concurrency counts only the runs it hands out, so a direct run
 * and a queued run of the same provider take a slot here first. Only
 * providers that do not lease their tasks are bounded here: a task
 * provider's submits take task leases (`task-slots.ts`), which count every
 * run wherever it started.
 */
import type { ProviderLimits } from "@imagegate/jobs";
import { type ProviderId, TASK_PROVIDERS } from "@imagegate/params";
import { Sema } from "async-sema";

/** Slots per bounded provider, each as many as its `concurrency`. */
export type LocalSlots = {
  /** True when `provider`'s runs take a slot here; the others always get one. */
  bounds(provider: ProviderId): boolean;
  /** Takes a slot when one is free at once; false when all are taken. */
  tryTake(provider: ProviderId): boolean;
  /** Takes a slot, waiting for one. */
  take(provider: ProviderId): Promise<void>;
  release(provider: ProviderId): void;
};

/** Creates the slots of `providers` that do not lease tasks (async-sema semaphores, one each). */
export function createLocalSlots(
  providers: readonly ProviderId[],
  limits: Record<ProviderId, Pick<ProviderLimits, "concurrency">>,
): LocalSlots {
  const semas = new Map(
    providers
      .filter((p) => !TASK_PROVIDERS.has(p))
      .map((p) => [p, new Sema(limits[p].concurrency)]),
  );
  return {
    bounds: (provider) => semas.has(provider),
    tryTake: (provider) => {
      const sema = semas.get(provider);
      return !sema || sema.tryAcquire() !== undefined;
    },
    take: async (provider) => {
      await semas.get(provider)?.acquire();
    },
    release: (provider) => semas.get(provider)?.release(),
  };
}
