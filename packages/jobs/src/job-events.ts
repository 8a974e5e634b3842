/**
 * Job events for waiting callers (sync requests, `?wait=`, SSE): one Redis
 * subscriber connection per process, shared by every waiter, subscribing to
 * a job's channel only while someone waits on it. Waiters always re-read the
 * record after subscribing, so an event published before the subscription
 * is never missed.
 */

import type { JobEvent, JobStore } from "./job-store";
import { isFinal, type JobRecord } from "./records";
import type { RedisClient } from "./redis";

type Listener = (event: JobEvent) => void;

/** Options of `createJobEvents`. */
export type JobEventsOptions = {
  /** A dedicated connection: it enters subscriber mode. */
  subscriber: RedisClient;
  store: JobStore;
};

export type JobEvents = ReturnType<typeof createJobEvents>;

/** Creates the process-wide job event hub. */
export function createJobEvents({ subscriber, store }: JobEventsOptions) {
  const listeners = new Map<string, Set<Listener>>();

  subscriber.on("message", (channel: string, message: string) => {
    const set = listeners.get(channel);
    if (!set) return;
    let event: JobEvent;
    try {
      event = JSON.parse(message) as JobEvent;
    } catch {
      return;
    }
    for (const listener of [...set]) listener(event);
  });

  async function listen(id: string, listener: Listener): Promise<() => Promise<void>> {
    const channel = store.channel(id);
    let set = listeners.get(channel);
    if (!set) {
      set = new Set();
      listeners.set(channel, set);
      await subscriber.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = listeners.get(channel);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        listeners.delete(channel);
        await subscriber.unsubscribe(channel);
      }
    };
  }

  return {
    /** Calls `listener` on each event of job `id` until the returned function is called. */
    listen,

    /**
     * Resolves with the record once it is final, or with its current state
     * after `timeoutMs` (or when `signal` aborts). Null when the job is unknown.
     */
    async waitForFinal(
      id: string,
      timeoutMs: number,
      signal?: AbortSignal,
    ): Promise<JobRecord | null> {
      let wake: () => void = () => {};
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const stop = await listen(id, (event) => {
        if (isFinal(event.status)) wake();
      });
      const timer = setTimeout(wake, timeoutMs);
      const onAbort = () => wake();
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        const first = await store.get(id);
        if (!first || isFinal(first.status)) return first;
        await woken;
        return await store.get(id);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        await stop();
      }
    },

    /** Closes the subscriber connection. */
    async close(): Promise<void> {
      listeners.clear();
      subscriber.disconnect();
    },
  };
}
