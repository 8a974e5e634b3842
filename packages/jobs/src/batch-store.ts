/**
 * Batches (OpenAI Batch API, docs/architecture.md#batches-and-files) in Redis:
 * the record as a hash (fixed fields in one JSON `doc`, changing ones apart,
 * request counts as integers moved by HINCRBY), the ordered child job ids, the
 * set of children already counted final (so a child announced twice is counted
 * once), and the errors of lines that never became jobs.
 */
import { z } from "zod";
import { encodeFields, STATUS_IN_LUA } from "./hash-record";
import { isCluster, redisKeys } from "./keys";
import { WebhookStateSchema } from "./records";
import type { RedisClient, RedisMulti } from "./redis";

export const BATCH_STATUSES = [
  "validating",
  "failed",
  "in_progress",
  "finalizing",
  "completed",
  "expired",
  "cancelling",
  "cancelled",
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** Endpoints a batch may target. */
export const BATCH_ENDPOINTS = ["/v1/images/generations", "/v1/images/edits"] as const;

const BatchErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  param: z.string().nullable(),
  line: z.number().int().nullable(),
});

export const BatchRecordSchema = z.object({
  id: z.string(),
  owner: z.string(),
  endpoint: z.enum(BATCH_ENDPOINTS),
  input_file_id: z.string(),
  completion_window: z.literal("24h"),
  status: z.enum(BATCH_STATUSES),
  output_file_id: z.string().nullable(),
  error_file_id: z.string().nullable(),
  errors: z.object({ object: z.literal("list"), data: z.array(BatchErrorSchema) }).nullable(),
  created_at: z.number().int(),
  in_progress_at: z.number().int().nullable(),
  expires_at: z.number().int(),
  finalizing_at: z.number().int().nullable(),
  completed_at: z.number().int().nullable(),
  failed_at: z.number().int().nullable(),
  expired_at: z.number().int().nullable(),
  cancelling_at: z.number().int().nullable(),
  cancelled_at: z.number().int().nullable(),
  metadata: z.record(z.string(), z.string()).nullable(),
  webhook: WebhookStateSchema.nullable(),
  /** Why the remaining children were stopped, when they were. */
  stop_reason: z.enum(["cancelled", "expired"]).nullable(),
  request_counts: z.object({
    total: z.number().int(),
    completed: z.number().int(),
    failed: z.number().int(),
  }),
});
export type BatchRecord = z.infer<typeof BatchRecordSchema>;
export type BatchPatch = Partial<
  Omit<BatchRecord, "id" | "owner" | "endpoint" | "input_file_id" | "created_at" | "request_counts">
>;

const IMMUTABLE = [
  "id",
  "owner",
  "endpoint",
  "input_file_id",
  "completion_window",
  "created_at",
  "expires_at",
  "metadata",
] as const;
const COUNTS = ["total", "completed", "failed"] as const;

/** Moves the status if allowed (status is stored JSON-encoded). */
const TRANSITION = `${STATUS_IN_LUA}
local current = redis.call('HGET', KEYS[1], 'status')
if not current or not status_in(current, ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
`;

/** Counts a child final once: SADD guards HINCRBY. Returns total, completed, failed. */
const MARK_FINAL = `
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return redis.call('HMGET', KEYS[1], 'total', 'completed', 'failed')
`;

export type BatchStore = ReturnType<typeof createBatchStore>;

/** Creates the Redis batch store; records live `ttlSeconds`. */
export function createBatchStore(options: {
  redis: RedisClient;
  prefix: string;
  ttlSeconds: number;
}) {
  const { redis, ttlSeconds } = options;
  const keys = redisKeys(options.prefix, isCluster(options.redis));

  async function get(id: string): Promise<BatchRecord | null> {
    const hash = await redis.hgetall(keys.batch(id));
    if (!hash.doc) return null;
    const raw: Record<string, unknown> = { request_counts: {} };
    for (const [k, v] of Object.entries(hash)) {
      if (k === "doc") Object.assign(raw, JSON.parse(v));
      else if ((COUNTS as readonly string[]).includes(k))
        (raw.request_counts as Record<string, number>)[k] = Number(v);
      else raw[k] = JSON.parse(v);
    }
    return BatchRecordSchema.parse(raw);
  }

  return {
    get,
    async create(batch: BatchRecord): Promise<void> {
      const doc = Object.fromEntries(IMMUTABLE.map((k) => [k, batch[k]]));
      const { request_counts: counts, ...rest } = batch;
      const mutable = Object.fromEntries(
        Object.entries(rest).filter(([k]) => !(IMMUTABLE as readonly string[]).includes(k)),
      );
      await redis
        .multi()
        .hset(
          keys.batch(batch.id),
          "doc",
          JSON.stringify(doc),
          ...encodeFields(mutable),
          "total",
          counts.total,
          "completed",
          counts.completed,
          "failed",
          counts.failed,
        )
        .expire(keys.batch(batch.id), ttlSeconds)
        .zadd(keys.ownerBatches(batch.owner), Date.now(), batch.id)
        .expire(keys.ownerBatches(batch.owner), ttlSeconds)
        .exec();
    },
    async update(id: string, patch: BatchPatch): Promise<void> {
      const args = encodeFields(patch);
      if (args.length > 0) await redis.hset(keys.batch(id), ...args);
    },
    /** Moves the status when it is one of `from`; false otherwise. */
    async transition(
      id: string,
      from: BatchStatus[],
      to: BatchStatus,
      patch: BatchPatch = {},
    ): Promise<boolean> {
      const args = encodeFields({ ...patch, status: to });
      return (await redis.eval(TRANSITION, 1, keys.batch(id), JSON.stringify(from), ...args)) === 1;
    },
    /**
     * Queues one ingested chunk's bookkeeping on `multi`: its child ids, the
     * error lines of lines that never became jobs, and the counts. Sent in the
     * same MULTI as the children's records, so a crash never leaves records
     * the batch does not list or counts that miss them (docs/guarantees.md).
     */
    recordChunkInto(
      multi: RedisMulti,
      id: string,
      chunk: { jobIds: string[]; lineErrors: string[] },
    ): void {
      const { jobIds, lineErrors } = chunk;
      if (jobIds.length > 0) multi.rpush(keys.batchChildren(id), ...jobIds);
      if (lineErrors.length > 0) multi.rpush(keys.batchLineErrors(id), ...lineErrors);
      multi.hincrby(keys.batch(id), "total", jobIds.length + lineErrors.length);
      if (lineErrors.length > 0) multi.hincrby(keys.batch(id), "failed", lineErrors.length);
      multi
        .expire(keys.batch(id), ttlSeconds)
        .expire(keys.batchChildren(id), ttlSeconds)
        .expire(keys.batchLineErrors(id), ttlSeconds);
    },
    /** Child job ids `start`..`end` (inclusive), in line order. */
    children(id: string, start: number, end: number): Promise<string[]> {
      return redis.lrange(keys.batchChildren(id), start, end);
    },
    lineErrors(id: string, start: number, end: number): Promise<string[]> {
      return redis.lrange(keys.batchLineErrors(id), start, end);
    },
    /** Counts a child final (once); returns the counts after. */
    async markChildFinal(id: string, jobId: string, succeeded: boolean) {
      const [total, completed, failed] = (await redis.eval(
        MARK_FINAL,
        2,
        keys.batch(id),
        keys.batchFinal(id),
        jobId,
        succeeded ? "completed" : "failed",
        ttlSeconds,
      )) as (string | null)[];
      return {
        total: Number(total ?? 0),
        completed: Number(completed ?? 0),
        failed: Number(failed ?? 0),
      };
    },
    /** The owner's batches, newest first, after the cursor. */
    async list(owner: string, options: { limit: number; after?: string | undefined }) {
      const all = await redis.zrevrange(keys.ownerBatches(owner), 0, -1);
      const start = options.after ? all.indexOf(options.after) + 1 : 0;
      const data: BatchRecord[] = [];
      for (const id of all.slice(start)) {
        const batch = await get(id);
        if (!batch) continue;
        if (data.length === options.limit) return { data, hasMore: true };
        data.push(batch);
      }
      return { data, hasMore: false };
    },
  };
}

/** The OpenAI Batch object of a record. */
export function presentBatch(batch: BatchRecord) {
  const { owner: _owner, webhook, stop_reason: _stop, ...rest } = batch;
  return {
    ...rest,
    object: "batch" as const,
    webhook: webhook
      ? {
          url: webhook.url,
          status: webhook.status,
          attempts: webhook.attempts,
          last_status_code: webhook.last_status_code,
        }
      : null,
  };
}
