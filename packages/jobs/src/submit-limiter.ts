/**
 * A precise, shared rate limiter for upstream submits: a sliding log in a
 * Redis sorted set per provider, checked and updated in one script against
 * Redis's own clock, so every worker process agrees. BullMQ's limiter uses
 * fixed windows, which let up to twice the limit through across a window
 * boundary (measured in `bench/ratelimit.ts`); this one does not. The window
 * is kept 5 % (at least 25 ms) longer than configured, because requests reach
 * the upstream with a few tens of ms of jitter after their slot is taken.
 */
import { randomUUID } from "node:crypto";
import { isCluster, redisKeys } from "./keys";
import type { RedisClient } from "./redis";

/**
 * Takes a slot when fewer than max were taken in the last window and returns
 * {0, its time}; else returns {ms to wait}.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local max = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < max then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {math.max(1, tonumber(oldest[2]) + window - now)}
`;

/** A rate: at most `max` per `durationMs`. */
export type Rate = { max: number; durationMs: number };

/** The window actually enforced for a configured one (jitter margin). */
export function guardedWindowMs(durationMs: number): number {
  return Math.ceil(durationMs + Math.max(25, durationMs * 0.05));
}

export type SubmitLimiter = ReturnType<typeof createSubmitLimiter>;

/** Creates the limiter on `redis` under `prefix`. */
export function createSubmitLimiter(redis: RedisClient, prefix: string) {
  return {
    /**
     * Waits until `name` may submit under `rate`, and resolves with the
     * slot's time (ms, Redis's clock: what the window is measured on);
     * rejects when `signal` aborts.
     */
    async acquire(name: string, rate: Rate, signal: AbortSignal): Promise<number> {
      // Unique across processes and limiters: a repeated member would overwrite a slot.
      const member = randomUUID();
      for (;;) {
        signal.throwIfAborted();
        const [waitMs, takenAt] = (await redis.eval(
          ACQUIRE,
          1,
          redisKeys(prefix, isCluster(redis)).submits(name),
          guardedWindowMs(rate.durationMs),
          rate.max,
          member,
        )) as [number, number?];
        if (waitMs === 0) return Number(takenAt);
        await new Promise<void>((resolve, reject) => {
          // An abort during the round trip above has fired already: no event will come.
          if (signal.aborted) return reject(signal.reason);
          const onAbort = () => {
            clearTimeout(timer);
            reject(signal.reason);
          };
          const timer = setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          }, waitMs);
          signal.addEventListener("abort", onAbort, { once: true });
        });
      }
    },
  };
}
