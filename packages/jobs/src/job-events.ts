/**
 * Job events for waiting callers (sync requests, `?wait=`, SSE) and running
 * workers (a cancel): one subscription per process to the one job-events
 * channel (a worker: to the cancels channel alone), made once at start —
 * never a SUBSCRIBE per job. Messages are
 * `<id>\n<json>`: an event for a job nobody here waits on is dropped unparsed.
 * A final event carries the record, so a waiter needs no read.
 *
 * A waiter registered before its job exists (`expect`, the submit path)
 * cannot miss an event; one registered later (`waitForFinal`) reads the
 * record once after registering, for an end that came before. A final
 * record made in this process (a direct run's success) is handed to its
 * waiters at once (`settle`): they stop listening before its event arrives,
 * which is then dropped unparsed (docs/decisions/0018-direct-runs.md).
 */
import { decodeJobRecord } from "./job-codec";
import type { JobEvent, JobStore } from "./job-store";
import { isFinal, type JobRecord, type JobStatus } from "./records";
import { type RedisClient, subscribeWhenReady } from "./redis";

type Listener = (event: JobEvent) => void;

/** Options of `createJobEvents`. */
export type JobEventsOptions = {
  /** A dedicated connection: it enters subscriber mode. */
  subscriber: RedisClient;
  store: JobStore;
  /**
   * Hear cancels only (a worker's runs): the cancels channel, so this
   * process is not sent every job's events. @defaultValue false
   */
  cancelsOnly?: boolean;
};

/** A waiter for one job's end, registered before it could end. */
export type FinalWaiter = {
  /** The final record, or null at the deadline (or abort): then the caller reads the record. */
  final(timeoutMs: number, signal?: AbortSignal): Promise<JobRecord | null>;
  /** Stops waiting (the job was never created). */
  cancel(): void;
};

export type JobEvents = ReturnType<typeof createJobEvents>;

/**
 * Parses one channel message; null when it is not one of ours. A final
 * event's record is decoded when first read: a worker watching its job for
 * a cancel never reads it.
 */
function parseEvent(id: string, json: string): JobEvent | null {
  let raw: { status: JobStatus; progress: number; fields?: Record<string, string> };
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const event: JobEvent = { id, status: raw.status, progress: raw.progress };
  const fields = raw.fields;
  if (fields) {
    let record: JobRecord | undefined;
    let decoded = false;
    Object.defineProperty(event, "record", {
      enumerable: true,
      get() {
        if (!decoded) {
          decoded = true;
          // A record that does not decode is left out: its reader falls back to the store.
          try {
            record = decodeJobRecord(fields) ?? undefined;
          } catch {
            record = undefined;
          }
        }
        return record;
      },
    });
  }
  return event;
}

/** Creates the process-wide job event hub; `ready` resolves once it is subscribed. */
export function createJobEvents({ subscriber, store, cancelsOnly = false }: JobEventsOptions) {
  const listeners = new Map<string, Set<Listener>>();
  // The listeners that wait for a job's end, the only ones `settle` calls.
  const finalWaiters = new WeakSet<Listener>();
  const channel = cancelsOnly ? store.cancelsChannel() : store.channel();
  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel) return;
    const cut = message.indexOf("\n");
    const set = listeners.get(message.slice(0, cut));
    if (!set) return;
    const event = parseEvent(message.slice(0, cut), message.slice(cut + 1));
    if (!event) return;
    for (const listener of [...set]) listener(event);
  });
  const ready = subscribeWhenReady(subscriber, channel);

  function on(id: string, listener: Listener): () => void {
    let set = listeners.get(id);
    if (!set) {
      set = new Set();
      listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      const current = listeners.get(id);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) listeners.delete(id);
    };
  }

  /** Waits for a final event (its record), the deadline or the abort, whichever is first. */
  function awaitFinal(id: string) {
    let resolveFinal: (record: JobRecord | null) => void = () => {};
    const settled = new Promise<JobRecord | null>((resolve) => {
      resolveFinal = resolve;
    });
    const waiter: Listener = (event) => {
      if (isFinal(event.status)) resolveFinal(event.record ?? null);
    };
    finalWaiters.add(waiter);
    const off = on(id, waiter);
    return {
      async until(timeoutMs: number, signal?: AbortSignal): Promise<JobRecord | null> {
        const timer = setTimeout(() => resolveFinal(null), timeoutMs);
        const onAbort = () => resolveFinal(null);
        // Aborted already (the client left while the job was made): no event will come.
        if (signal?.aborted) onAbort();
        signal?.addEventListener("abort", onAbort, { once: true });
        try {
          return await settled;
        } finally {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          off();
        }
      },
      off,
    };
  }

  return {
    /** Resolves once the subscription is in place (callers await it at start). */
    ready,

    /** Hands `record`, final and made in this process, to its job's final waiters here. */
    settle(record: JobRecord): void {
      const event: JobEvent = {
        id: record.id,
        status: record.status,
        progress: record.progress,
        record,
      };
      for (const listener of [...(listeners.get(record.id) ?? [])]) {
        if (finalWaiters.has(listener)) listener(event);
      }
    },

    /** Calls `listener` on each event of job `id` until the returned function is called. */
    async listen(id: string, listener: Listener): Promise<() => Promise<void>> {
      await ready;
      const off = on(id, listener);
      return async () => off();
    },

    /** Registers a waiter for a job about to be created (no read needed later). */
    async expect(id: string): Promise<FinalWaiter> {
      await ready;
      const wait = awaitFinal(id);
      return {
        final: (timeoutMs, signal) => wait.until(timeoutMs, signal),
        cancel: wait.off,
      };
    },

    /**
     * Resolves with the record once it is final, or with its current state
     * after `timeoutMs` (or when `signal` aborts). Null when the job is unknown.
     */
    async waitForFinal(
      id: string,
      timeoutMs: number,
      signal?: AbortSignal,
    ): Promise<JobRecord | null> {
      await ready;
      const wait = awaitFinal(id);
      const first = await store.get(id);
      if (!first || isFinal(first.status)) {
        wait.off();
        return first;
      }
      return (await wait.until(timeoutMs, signal)) ?? store.get(id);
    },

    /** Closes the subscriber connection. */
    async close(): Promise<void> {
      listeners.clear();
      subscriber.disconnect();
    },
  };
}
