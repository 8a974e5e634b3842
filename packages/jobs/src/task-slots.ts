/**
 * Upstream tasks in flight per provider, across every worker process: the
 * bound a provider's `concurrency` promises once a waiting job holds no
 * worker slot (docs/decisions/0017-parked-waits.md). One lease per upstream
 * call (`<job>:<call>`) in a sorted set, scored by when it lapses — the task's
 * lifetime — so the lease of a task whose worker died frees itself. Checked
 * and taken in one script against Redis's clock.
 */
import { isCluster, redisKeys } from "./keys";
import type { RedisClient } from "./redis";

/** Takes (or renews) a lease when fewer than ARGV[1] are held; 1 when held. */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZSCORE', KEYS[1], ARGV[3])
if held or ARGV[1] == '' or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  return 1
end
return 0
`;

/** The lease of call `callIndex` of job `jobId`. */
export function taskSlotHolder(jobId: string, callIndex: number): string {
  return `${jobId}:${callIndex}`;
}

export type TaskSlots = ReturnType<typeof createTaskSlots>;

/** Task leases on `redis` under `prefix`. */
export function createTaskSlots(redis: RedisClient, prefix: string) {
  const key = (provider: string) => redisKeys(prefix, isCluster(redis)).taskSlots(provider);
  const run = async (provider: string, limit: number | null, holder: string, leaseMs: number) =>
    Number(
      await redis.eval(TAKE, 1, key(provider), limit === null ? "" : limit, leaseMs, holder),
    ) === 1;
  return {
    /** Takes a lease for a new task when fewer than `limit` are held; false when full. */
    take: (provider: string, limit: number, holder: string, leaseMs: number) =>
      run(provider, limit, holder, leaseMs),
    /** Holds the lease of a task already accepted (a resumed one): never refused. */
    hold: (provider: string, holder: string, leaseMs: number) =>
      run(provider, null, holder, leaseMs).then(() => undefined),
    /** Returns leases (their tasks ended). */
    async release(provider: string, holders: readonly string[]): Promise<void> {
      if (holders.length > 0) await redis.zrem(key(provider), ...holders);
    },
    /** Leases held now (tests, metrics). */
    async count(provider: string): Promise<number> {
      await redis.zremrangebyscore(key(provider), "-inf", Date.now());
      return redis.zcard(key(provider));
    },
  };
}
