/**
 * This process's share of a provider's `concurrency`, once runs start
 * without a queue entry (docs/decisions/0018-direct-runs.md): BullMQ's
 * global concurrency counts only the runs it hands out, so a direct run
 * and a queued run of the same provider take a slot here first. Only
 * providers that do not lease their tasks are bounded here: a task
 * provider's submits take task leases (`task-slots.ts`), which count every
 * run wherever it started.
 *
 * The counts live in shared memory, so the threads of one process share
 * them: in `pnpm start` the API thread runs the direct runs and the worker
 * thread the queued ones. A counting semaphore over `Atomics` (async-sema,
 * used before, counts within one thread only; no maintained package shares
 * one between threads): take is a compare-and-swap below the limit, a
 * waiter sleeps with `Atomics.waitAsync` until a release notifies it.
 */
import type { ProviderLimits } from "@imagegate/jobs";
import { PROVIDER_IDS, type ProviderId, TASK_PROVIDERS } from "@imagegate/params";

/** Slots per bounded provider, each as many as its `concurrency`. */
export type LocalSlots = {
  /** True when `provider`'s runs take a slot here; the others always get one. */
  bounds(provider: ProviderId): boolean;
  /** Takes a slot when one is free at once; false when all are taken. */
  tryTake(provider: ProviderId): boolean;
  /** Takes a slot, waiting for one. */
  take(provider: ProviderId): Promise<void>;
  release(provider: ProviderId): void;
  /** The shared counts: pass to `createLocalSlots` in another thread to share these slots. */
  buffer: SharedArrayBuffer;
};

/**
 * Creates the slots of `providers` that do not lease tasks; with `buffer`
 * (another thread's `slots.buffer`), shares that thread's counts. Every
 * thread must pass the same limits.
 */
export function createLocalSlots(
  providers: readonly ProviderId[],
  limits: Record<ProviderId, Pick<ProviderLimits, "concurrency">>,
  buffer: SharedArrayBuffer = new SharedArrayBuffer(PROVIDER_IDS.length * 4),
): LocalSlots {
  // One Int32 per known provider, at its index in PROVIDER_IDS: the same in every thread.
  const taken = new Int32Array(buffer);
  const bounded = new Set(providers.filter((p) => !TASK_PROVIDERS.has(p)));
  const at = (provider: ProviderId) => PROVIDER_IDS.indexOf(provider);

  function tryTake(provider: ProviderId): boolean {
    if (!bounded.has(provider)) return true;
    const i = at(provider);
    const limit = limits[provider].concurrency;
    for (;;) {
      const now = Atomics.load(taken, i);
      if (now >= limit) return false;
      if (Atomics.compareExchange(taken, i, now, now + 1) === now) return true;
    }
  }

  return {
    bounds: (provider) => bounded.has(provider),
    tryTake,
    async take(provider) {
      const i = at(provider);
      while (!tryTake(provider)) {
        // Sleeps only while every slot is still taken: a release in between wakes it at once.
        const wait = Atomics.waitAsync(taken, i, limits[provider].concurrency);
        if (wait.async) await wait.value;
      }
    },
    release(provider) {
      if (!bounded.has(provider)) return;
      const i = at(provider);
      Atomics.sub(taken, i, 1);
      Atomics.notify(taken, i, 1);
    },
    buffer,
  };
}
