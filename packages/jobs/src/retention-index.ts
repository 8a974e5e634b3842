/**
 * The retention index: every blob the gateway stores (result images, edit
 * inputs, uploaded and batch files) is listed in one sorted set, scored by
 * when its record expires (JOB_TTL_SECONDS after creation). Records expire
 * by Redis TTL, which leaves no trace; this index is what lets the sweeper
 * (`apps/worker/src/retention.ts`) delete their blobs afterwards without
 * listing the store. Members are blob keys: result images (`image-keys.ts`:
 * `jobs/<shard>/<job id>-<index>.<ext>`, or `jobs/<job id>/…` from earlier
 * versions), `inputs/<job id>/…`, `files/<file id>`; the record a key
 * belongs to is read off its path.
 */
import { jobIdOfImageKey } from "./image-keys";
import { isCluster, redisKeys } from "./keys";
import type { JobRecord } from "./records";
import type { RedisClient, RedisMulti } from "./redis";

/**
 * Takes up to ARGV[2] members due at ARGV[1] (ms) and removes them in the
 * same step, so that of several sweepers each member goes to exactly one.
 */
const CLAIM = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
`;

/** The blob keys of a job: its images and its edit inputs. */
export function jobBlobKeys(record: JobRecord): string[] {
  return [
    ...(record.result?.images.map((i) => i.key) ?? []),
    ...(record.request.images?.map((i) => i.key) ?? []),
    ...(record.request.mask ? [record.request.mask.key] : []),
  ];
}

export type RetentionIndex = ReturnType<typeof createRetentionIndex>;

/** Creates the index over `redis` under `prefix`; records live `ttlSeconds`. */
export function createRetentionIndex(options: {
  redis: RedisClient;
  prefix: string;
  ttlSeconds: number;
}) {
  const { redis, ttlSeconds } = options;
  const keys = redisKeys(options.prefix, isCluster(redis));
  const due = keys.retentionDue();

  /** The Redis key of the record that keeps `blobKey` alive, or null for a key we do not know. */
  function recordKeyOf(blobKey: string): string | null {
    const [kind, id] = blobKey.split("/");
    if (!id) return null;
    if (kind === "jobs") {
      const jobId = jobIdOfImageKey(blobKey);
      return jobId ? keys.job(jobId) : null;
    }
    if (kind === "inputs") return keys.job(id);
    if (kind === "files") return keys.file(id);
    return null;
  }

  return {
    recordKeyOf,
    /** Lists a job's blobs, due when its record expires (idempotent: a re-announcement rewrites the same score). */
    async scheduleJob(record: JobRecord): Promise<void> {
      const blobs = jobBlobKeys(record);
      if (blobs.length === 0) return;
      const at = (record.created_at + ttlSeconds) * 1000;
      await redis.zadd(due, ...blobs.flatMap((key) => [at, key]));
    },
    /** Queues listing `blobKey` on `multi`, due `ttlSeconds` from now (a file created in that MULTI). */
    scheduleInto(multi: RedisMulti, blobKey: string): void {
      multi.zadd(due, Date.now() + ttlSeconds * 1000, blobKey);
    },
    /** Claims up to `limit` keys due at `nowMs`: no other sweeper gets them. */
    async claimDue(nowMs: number, limit: number): Promise<string[]> {
      return (await redis.eval(CLAIM, 1, due, nowMs, limit)) as string[];
    },
    /** Lists `blobKey` again, due at `atMs` (its record lives on, or its deletion failed). */
    async reschedule(blobKey: string, atMs: number): Promise<void> {
      await redis.zadd(due, atMs, blobKey);
    },
    /** Milliseconds the record of `blobKey` still lives: -2 gone, -1 no expiry. */
    async recordTtlMs(blobKey: string): Promise<number> {
      const record = recordKeyOf(blobKey);
      return record ? redis.pttl(record) : -2;
    },
    /** Keys listed, for tests and operators. */
    size(): Promise<number> {
      return redis.zcard(due);
    },
  };
}
