/**
 * Managed API keys (docs/architecture.md#tenants) in Redis, read on every
 * request so that every API replica sees a new, changed, disabled or deleted
 * key at once. A key is `sk-ig-` and 32 random bytes; it is shown once, at
 * creation. Only its SHA-256 is stored, and its id is its owner id
 * (`ownerOf(key)`), so jobs, usage and webhook secrets of a managed key are
 * found the same way as a static key's. Updates are last-writer-wins (admin
 * changes are rare and each writes a whole record), and never recreate a
 * deleted key.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { type KeyLimits, KeyLimitsSchema, mergeLimits, type UpdateKey } from "./key-limits";
import { isCluster, redisKeys } from "./keys";
import { apiKeySha256, ownerOf } from "./owner";
import type { RedisClient } from "./redis";

export const ApiKeyRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  limits: KeyLimitsSchema,
  created_at: z.number().int(),
  disabled: z.boolean(),
  /** SHA-256 of the key, hex. */
  key_hash: z.string().length(64),
  /** The key's first and last characters, to recognise it. */
  redacted_key: z.string(),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecordSchema>;

/** SHA-256 of a key as bytes: equal length whatever was sent, so comparing leaks no length. */
export function keyDigest(key: string): Buffer {
  return apiKeySha256(key);
}

/** How a key is shown after creation: its first six and last four characters (nothing of a short one). */
export function redactKey(key: string): string {
  return key.length >= 24 ? `${key.slice(0, 6)}…${key.slice(-4)}` : "…";
}

/** The public object of a managed key (never its hash). */
export function presentApiKey(record: ApiKeyRecord) {
  return {
    id: record.id,
    object: "api_key" as const,
    name: record.name,
    source: "managed" as const,
    redacted_key: record.redacted_key,
    limits: record.limits,
    disabled: record.disabled,
    created_at: record.created_at,
  };
}

export type KeysStore = ReturnType<typeof createKeysStore>;

/** How long `any()` keeps its answer. */
const ANY_CACHE_MS = 1000;

/** Creates the managed key store on `redis` under `prefix`. */
export function createKeysStore(options: { redis: RedisClient; prefix: string }) {
  const { redis } = options;
  const keys = redisKeys(options.prefix, isCluster(options.redis));
  const parse = (raw: string | null) => (raw ? ApiKeyRecordSchema.parse(JSON.parse(raw)) : null);
  const get = async (id: string) => parse(await redis.get(keys.apiKey(id)));
  // Whether any managed key exists, asked only for callers without a valid key (auth off
  // or refused): kept a second, so an open gateway does not ask Redis on every request.
  // A key created on this process is seen at once; on another replica within a second.
  let anyCache: { value: boolean; until: number } | null = null;
  // The list is ordered by this score: two keys made in one millisecond still list in order.
  let lastScore = 0;
  const nextScore = () => {
    lastScore = Math.max(Date.now(), lastScore + 1);
    return lastScore;
  };

  return {
    get,

    /** Creates a key; the returned `key` is never readable again. */
    async create(name: string, limits: KeyLimits): Promise<{ record: ApiKeyRecord; key: string }> {
      const key = `sk-ig-${randomBytes(32).toString("base64url")}`;
      const record: ApiKeyRecord = {
        id: ownerOf(key),
        name,
        limits,
        created_at: Math.floor(Date.now() / 1000),
        disabled: false,
        key_hash: keyDigest(key).toString("hex"),
        redacted_key: redactKey(key),
      };
      await redis
        .multi()
        .set(keys.apiKey(record.id), JSON.stringify(record))
        .zadd(keys.apiKeys(), nextScore(), record.id)
        .exec();
      anyCache = null;
      return { record, key };
    },

    /**
     * The enabled managed key `key` is, or null. The record is found by the
     * key's owner id; the full hash is then compared in constant time.
     */
    async authenticate(key: string): Promise<ApiKeyRecord | null> {
      const record = await get(ownerOf(key));
      if (!record || record.disabled) return null;
      return timingSafeEqual(keyDigest(key), Buffer.from(record.key_hash, "hex")) ? record : null;
    },

    /** Every managed key, oldest first. */
    async list(): Promise<ApiKeyRecord[]> {
      const ids = await redis.zrange(keys.apiKeys(), 0, -1);
      if (ids.length === 0) return [];
      const rows = await redis.mget(ids.map((id) => keys.apiKey(id)));
      return rows.flatMap((raw) => parse(raw) ?? []);
    },

    /** True when at least one managed key exists (then a caller without a key is refused). */
    async any(): Promise<boolean> {
      const now = Date.now();
      if (anyCache && now < anyCache.until) return anyCache.value;
      const value = (await redis.zcard(keys.apiKeys())) > 0;
      anyCache = { value, until: now + ANY_CACHE_MS };
      return value;
    },

    /** Applies `patch`; null when the key does not exist. */
    async update(id: string, patch: UpdateKey): Promise<ApiKeyRecord | null> {
      const record = await get(id);
      if (!record) return null;
      const next: ApiKeyRecord = {
        ...record,
        name: patch.name ?? record.name,
        limits: mergeLimits(record.limits, patch.limits),
        disabled: patch.disabled ?? record.disabled,
      };
      // XX: a PATCH racing a DELETE must never bring the key back.
      const saved = await redis.set(keys.apiKey(id), JSON.stringify(next), "XX");
      return saved ? next : null;
    },

    /** Deletes key `id` and its webhook secret; false when it did not exist. */
    async delete(id: string): Promise<boolean> {
      const [[, removed]] = ((await redis
        .multi()
        .del(keys.apiKey(id))
        .zrem(keys.apiKeys(), id)
        .del(keys.webhookSecret(id))
        .exec()) ?? [[null, 0]]) as [[unknown, number]];
      anyCache = null;
      return removed === 1;
    },
  };
}
