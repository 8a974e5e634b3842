/**
 * The outbox relay: adds the queue entries of new jobs that the API saved
 * with an outbox entry (the create script pushes both in one step). Every
 * worker process runs one; they take entries from the same list, in
 * batches, and add a batch's queue entries all at once
 * (docs/decisions/0020-submit-through-an-outbox.md).
 *
 * An entry is taken off the outbox before its queue entry is added. When
 * the add fails the batch goes back where it was; when the process dies in
 * between, the job's record is still open with no queue entry, which the
 * reconciler puts back on its queue at its first look (docs/guarantees.md).
 * A queue entry added twice (the reconciler first) is one entry: its id is
 * the job's.
 */
import { setTimeout as delay } from "node:timers/promises";
import {
  decodeOutboxEntry,
  type ImageQueues,
  isCluster,
  type OutboxEntry,
  type RedisClient,
  redisKeys,
} from "@imagegate/jobs";
import { inTraceContext } from "@imagegate/telemetry";
import type { Logger } from "pino";

/** Options of `createOutboxRelay`. */
export type OutboxRelayOptions = {
  /** A connection of the relay's own: it blocks on the outbox while that is empty; closed by `stop()`. */
  connection: RedisClient;
  prefix: string;
  queues: Pick<ImageQueues, "enqueue">;
  logger: Pick<Logger, "error">;
  /** Entries taken and added at once. @defaultValue 200 */
  batchSize?: number;
  /** How long one wait on an empty outbox lasts before it asks again. @defaultValue 1 */
  blockSeconds?: number;
};

/** How long `stop()` waits for the batch in hand before it closes the connection anyway. */
const STOP_GRACE_MS = 5000;

/** Pause after the n-th failure in a row (Redis unreachable, say): 0.2 s doubling up to 5 s. */
export function relayBackoffMs(failures: number): number {
  return Math.min(5000, 100 * 2 ** Math.max(1, failures));
}

/** Creates the relay; `start()` begins taking entries, `stop()` ends it and closes its connection. */
export function createOutboxRelay(options: OutboxRelayOptions) {
  const { connection, queues, logger } = options;
  const key = redisKeys(options.prefix, isCluster(connection)).outbox();
  const batchSize = options.batchSize ?? 200;
  const blockSeconds = options.blockSeconds ?? 1;
  let running: Promise<void> | undefined;
  let stopping = false;
  // Ends the loop's waits (on Redis, and between retries) when the relay stops: a command
  // sent while the connection is down (a failover, say) may never settle once it is closed.
  let stopped: () => void = () => {};
  const stopSignal = new Promise<null>((resolve) => {
    stopped = () => resolve(null);
  });
  const untilStopped = <T>(wait: Promise<T>): Promise<T | null> => Promise.race([wait, stopSignal]);

  /** Adds the queue entries `raw` name; on failure puts `raw` back at the outbox's taking end. */
  async function relay(raw: string[]): Promise<number> {
    const items: OutboxEntry[] = [];
    for (const entry of raw) {
      const item = decodeOutboxEntry(entry);
      // Nothing to add; the reconciler still ends whatever job it was meant for.
      if (item) items.push(item);
      else logger.error({ entry }, "outbox entry names no queue entry: dropped");
    }
    if (items.length === 0) return 0;
    try {
      // One add each, all sent at once in order: cheaper here than addBulk's MULTI
      // (decision 0020 has the figures).
      await Promise.all(
        items.map(({ data, trace }) =>
          // Under the submitting request's trace, so the entry's span is a child of it.
          trace
            ? inTraceContext(trace, () => queues.enqueue(data, "interactive"))
            : queues.enqueue(data, "interactive"),
        ),
      );
    } catch (err) {
      // Taken from the right, oldest first: pushed back newest first, so the oldest is next again.
      await connection
        .rpush(key, ...[...raw].reverse())
        .catch((pushErr: unknown) =>
          logger.error(
            { err: pushErr, jobIds: items.map((i) => i.data.jobId) },
            "outbox entries not put back: the reconciler will queue their jobs",
          ),
        );
      throw err;
    }
    return items.length;
  }

  /** Takes up to a batch of entries and adds their queue entries; how many it added. */
  async function drainOnce(): Promise<number> {
    const raw = (await connection.rpop(key, batchSize)) as string[] | null;
    return raw?.length ? relay(raw) : 0;
  }

  /** Up to a batch of entries, waiting up to `blockSeconds` for one when there are none. */
  async function take(): Promise<string[] | null> {
    const raw = (await untilStopped(connection.rpop(key, batchSize))) as string[] | null;
    if (raw?.length) return raw;
    const one = await untilStopped(connection.brpop(key, blockSeconds));
    return one ? [one[1]] : null;
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        const raw = await take();
        if (raw) await relay(raw);
        failures = 0;
      } catch (err) {
        if (stopping) break;
        failures++;
        logger.error({ err }, "outbox relay failed; trying again");
        await untilStopped(delay(relayBackoffMs(failures), undefined, { ref: false }));
      }
    }
  }

  return {
    drainOnce,
    /** Begins relaying in the background. */
    start(): void {
      running ??= loop();
    },
    /**
     * Stops: waits up to `STOP_GRACE_MS` for the batch in hand to be added, and
     * closes the connection. Entries Redis hands over as the relay stops, or whose
     * adds do not finish in time, are queued by the reconciler.
     */
    async stop(): Promise<void> {
      stopping = true;
      stopped();
      const grace = new AbortController();
      await Promise.race([
        running,
        delay(STOP_GRACE_MS, undefined, { signal: grace.signal }).catch(() => {}),
      ]);
      grace.abort();
      connection.disconnect();
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
