/**
 * Open event streams and long polls per key (`GET /v1/jobs/{id}/events`,
 * `?wait=`), counted across every API replica: a sorted set per owner whose
 * members are the open ones, scored by when each lapses. A slot is taken in
 * one script against Redis's clock; a stream renews its slot while it lives,
 * so a replica that dies without releasing frees its slots when they lapse.
 */
import { randomUUID } from "node:crypto";
import { isCluster, redisKeys } from "./keys";
import type { RedisClient } from "./redis";

/** KEYS: the owner's set. ARGV: lease ms, max, member. Returns 1 taken, 0 full. */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/** KEYS: the owner's set. ARGV: lease ms, member. Extends a slot still held. */
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local done = redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return done
`;

/** A taken slot. */
export type StreamSlot = {
  /** Extends the lease by `leaseMs` from now. */
  renew(leaseMs: number): Promise<void>;
  /** Frees the slot (idempotent). */
  release(): Promise<void>;
};

export type StreamSlots = ReturnType<typeof createStreamSlots>;

/** Creates the slot counter; at most `maxPerKey` open at once per owner. */
export function createStreamSlots(options: {
  redis: RedisClient;
  prefix: string;
  maxPerKey: number;
}) {
  const { redis, maxPerKey } = options;
  const keys = redisKeys(options.prefix, isCluster(options.redis));
  return {
    maxPerKey,
    /** Takes a slot for `leaseMs`, or null when the owner has `maxPerKey` open. */
    async acquire(owner: string, leaseMs: number): Promise<StreamSlot | null> {
      const key = keys.streams(owner);
      const member = randomUUID();
      const taken = await redis.eval(ACQUIRE, 1, key, Math.ceil(leaseMs), maxPerKey, member);
      if (taken !== 1) return null;
      let released = false;
      return {
        async renew(ms) {
          if (!released) await redis.eval(RENEW, 1, key, Math.ceil(ms), member);
        },
        async release() {
          if (released) return;
          released = true;
          await redis.zrem(key, member);
        },
      };
    },
  };
}
