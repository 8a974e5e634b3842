/**
 * Provider completion callbacks between the API and the workers: the API
 * verifies a callback and publishes `{provider, taskId}` on one channel; each
 * worker process subscribes once and wakes the poll loop waiting on that task,
 * which then asks the provider itself (a callback is never trusted as the
 * result). A callback no worker hears costs latency only: polling goes on.
 */
import { isCluster, redisKeys } from "./keys";
import { type RedisClient, subscribeWhenReady } from "./redis";

/** A verified callback: which task ended. */
export type CallbackEvent = { provider: string; taskId: string };

/**
 * The URL a provider calls back for a task of job `jobId`: the job id rides
 * along so that the API can wake a parked wait (it is a hint, never trusted:
 * the callback itself is verified, and the woken run asks the provider).
 */
export function callbackUrl(publicBaseUrl: string, provider: string, jobId: string): string {
  return `${publicBaseUrl}/callbacks/${provider}?job=${encodeURIComponent(jobId)}`;
}

/** Wakes the poll loop of one task (providers' `Waker`). */
export type TaskWaker = { next(): Promise<void>; close(): void; pending(): boolean };

/** Announces a verified callback to every worker. */
export async function publishCallback(
  redis: RedisClient,
  prefix: string,
  event: CallbackEvent,
): Promise<void> {
  await redis.publish(redisKeys(prefix, isCluster(redis)).callbacks(), JSON.stringify(event));
}

/**
 * Refuses a callback seen before (a replay): true the first time `id` of
 * `provider` is marked within `ttlSeconds`.
 */
export async function markCallbackSeen(
  redis: RedisClient,
  prefix: string,
  provider: string,
  id: string,
  ttlSeconds = 3_600,
): Promise<boolean> {
  return (
    (await redis.set(
      redisKeys(prefix, isCluster(redis)).callbackSeen(provider, id),
      "1",
      "EX",
      ttlSeconds,
      "NX",
    )) === "OK"
  );
}

type Waiter = { pending: boolean; resolvers: (() => void)[] };

/** How long a callback no one waited for is kept (it may beat the poll loop's start). */
const REMEMBER_MS = 60_000;

export type CallbackHub = Awaited<ReturnType<typeof createCallbackHub>>;

/** Subscribes `subscriber` (a connection in subscriber mode) to the callbacks channel. */
export async function createCallbackHub(options: { subscriber: RedisClient; prefix: string }) {
  const channel = redisKeys(options.prefix, isCluster(options.subscriber)).callbacks();
  const waiters = new Map<string, Waiter>();
  // Callbacks that came before their task's poll loop started (a task done within the submit round trip).
  const early = new Map<string, number>();
  const remember = (key: string) => {
    const now = Date.now();
    early.set(key, now);
    for (const [k, at] of early) {
      if (now - at < REMEMBER_MS) break;
      early.delete(k);
    }
  };
  options.subscriber.on("message", (from: string, message: string) => {
    if (from !== channel) return;
    let event: CallbackEvent;
    try {
      event = JSON.parse(message) as CallbackEvent;
    } catch {
      return;
    }
    const key = `${event.provider}:${event.taskId}`;
    const waiter = waiters.get(key);
    if (!waiter) {
      remember(key);
      return;
    }
    if (waiter.resolvers.length === 0) waiter.pending = true;
    for (const resolve of waiter.resolvers.splice(0)) resolve();
  });
  await subscribeWhenReady(options.subscriber, channel);
  return {
    /** A waker for one task, until closed. */
    waker(provider: string, taskId: string): TaskWaker {
      const key = `${provider}:${taskId}`;
      const waiter: Waiter = { pending: early.delete(key), resolvers: [] };
      waiters.set(key, waiter);
      return {
        next() {
          if (waiter.pending) {
            waiter.pending = false;
            return Promise.resolve();
          }
          return new Promise<void>((resolve) => waiter.resolvers.push(resolve));
        },
        pending: () => waiter.pending,
        close() {
          if (waiters.get(key) === waiter) waiters.delete(key);
          for (const resolve of waiter.resolvers.splice(0)) resolve();
        },
      };
    },
    /** Waiting tasks (for tests and metrics). */
    get size() {
      return waiters.size;
    },
  };
}
