/**
 * The job store: job records in Redis hashes — the fields fixed at creation
 * in one JSON `doc`, each changing field as its own JSON value (so a worker's
 * progress update and an API cancel never overwrite each other) —
 * a per-owner sorted set for listing, upstream tasks saved per call (never
 * pay twice), and a per-job pub/sub channel for state changes. Status changes
 * go through one Lua script so a canceled job cannot later "succeed".
 */
import type { Redis } from "ioredis";
import { redisKeys } from "./keys";
import { isFinal, type JobPatch, type JobRecord, JobRecordSchema, type JobStatus } from "./records";

/** Moves a job to a new status if its current one is allowed; sets fields in the same step. */
const TRANSITION = `
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return -1 end
local allowed = cjson.decode(ARGV[1])
local ok = false
for _, s in ipairs(allowed) do if ('"' .. s .. '"') == current then ok = true end end
if not ok then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`;

/**
 * Creates a record and indexes it under its owner in one script: a single
 * command is far cheaper for ioredis than a MULTI pipeline on the submit path.
 * KEYS: job hash, owner index. ARGV: ttl, score, id, then field/value pairs.
 */
const CREATE = `
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
`;

/** A state-change event on a job's channel. */
export type JobEvent = { id: string; status: JobStatus; progress: number };

/** Options of `createJobStore`. */
export type JobStoreOptions = {
  redis: Redis;
  prefix: string;
  /** How long records stay readable. */
  ttlSeconds: number;
};

/** Fields fixed at creation: stored together as one JSON `doc` field. */
const IMMUTABLE = [
  "id",
  "owner",
  "operation",
  "model",
  "route",
  "created_at",
  "request",
  "batch_id",
  "custom_id",
  "metadata",
  "request_id",
] as const;

/** Values of the mutable fields before anything set them (absent from the hash until then). */
const MUTABLE_DEFAULTS = {
  provider: null,
  attempts: 0,
  progress: 0,
  started_at: null,
  completed_at: null,
  applied: null,
  result: null,
  error: null,
  attempt_log: [],
  webhook: null,
};

function encode(patch: Record<string, unknown>): string[] {
  const args: string[] = [];
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) args.push(k, JSON.stringify(v));
  return args;
}

/** A new record as hash fields: the immutable `doc`, the status, and any mutable field already set. */
function encodeNew(record: JobRecord): string[] {
  const doc: Record<string, unknown> = {};
  for (const key of IMMUTABLE) doc[key] = record[key];
  const args = ["doc", JSON.stringify(doc), "status", JSON.stringify(record.status)];
  for (const [key, initial] of Object.entries(MUTABLE_DEFAULTS)) {
    const value = record[key as keyof typeof MUTABLE_DEFAULTS];
    if (JSON.stringify(value) !== JSON.stringify(initial)) args.push(key, JSON.stringify(value));
  }
  return args;
}

function decode(hash: Record<string, string>): JobRecord | null {
  if (!hash.doc) return null;
  const raw: Record<string, unknown> = { ...MUTABLE_DEFAULTS };
  for (const [k, v] of Object.entries(hash)) {
    if (k === "doc") Object.assign(raw, JSON.parse(v));
    else raw[k] = JSON.parse(v);
  }
  return JobRecordSchema.parse(raw);
}

export type JobStore = ReturnType<typeof createJobStore>;

/** Creates the Redis-backed job store. */
export function createJobStore({ redis, prefix, ttlSeconds }: JobStoreOptions) {
  const keys = redisKeys(prefix);
  const scripts = redis as Redis & {
    imagegateCreateJob(...args: (string | number)[]): Promise<number>;
    imagegateTransition(...args: string[]): Promise<number>;
  };
  // defineCommand sends EVALSHA and falls back to EVAL once per connection.
  if (!("imagegateCreateJob" in redis)) {
    redis.defineCommand("imagegateCreateJob", { numberOfKeys: 2, lua: CREATE });
    redis.defineCommand("imagegateTransition", { numberOfKeys: 1, lua: TRANSITION });
  }

  async function publish(record: Pick<JobRecord, "id" | "status" | "progress">): Promise<void> {
    const event: JobEvent = { id: record.id, status: record.status, progress: record.progress };
    await redis.publish(keys.jobEvents(record.id), JSON.stringify(event));
  }

  /** Sets fields without changing the status (progress, provider, attempts…). */
  async function update(id: string, patch: JobPatch): Promise<void> {
    const { status: _ignored, ...rest } = patch;
    const args = encode(rest);
    if (args.length === 0) return;
    // Only existing jobs: an update must never resurrect an expired record.
    if (await redis.exists(keys.job(id))) await redis.hset(keys.job(id), ...args);
  }

  return {
    update,

    /** Saves a new record and indexes it under its owner. */
    async create(record: JobRecord): Promise<void> {
      await scripts.imagegateCreateJob(
        keys.job(record.id),
        keys.ownerJobs(record.owner),
        ttlSeconds,
        record.created_at * 1000,
        record.id,
        ...encodeNew(record),
      );
    },

    /** Saves many new records in one round trip (batch ingestion). */
    async createMany(records: JobRecord[]): Promise<void> {
      if (records.length === 0) return;
      const pipeline = redis.pipeline();
      for (const record of records) {
        (
          pipeline as unknown as { imagegateCreateJob(...args: (string | number)[]): void }
        ).imagegateCreateJob(
          keys.job(record.id),
          keys.ownerJobs(record.owner),
          ttlSeconds,
          record.created_at * 1000,
          record.id,
          ...encodeNew(record),
        );
      }
      await pipeline.exec();
    },

    /** Reads many records in one round trip (null for missing ones). */
    async getMany(ids: string[]): Promise<(JobRecord | null)[]> {
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.job(id));
      const rows = (await pipeline.exec()) ?? [];
      return rows.map(([, hash]) => decode((hash ?? {}) as Record<string, string>));
    },

    /** The record, or null when unknown or expired. */
    async get(id: string): Promise<JobRecord | null> {
      return decode(await redis.hgetall(keys.job(id)));
    },

    /**
     * Moves the job to `to` when its status is one of `from`, setting `patch`
     * atomically; publishes the change. Returns false when the status did not allow it.
     */
    async transition(
      id: string,
      from: JobStatus[],
      to: JobStatus,
      patch: JobPatch = {},
    ): Promise<boolean> {
      const result = await scripts.imagegateTransition(
        keys.job(id),
        JSON.stringify(from),
        ...encode({ ...patch, status: to }),
      );
      if (result !== 1) return false;
      const progress = patch.progress ?? (isFinal(to) ? 1 : 0);
      await publish({ id, status: to, progress });
      return true;
    },

    /** Announces progress of a running job. */
    async progress(id: string, progress: number): Promise<void> {
      await update(id, { progress });
      await publish({ id, status: "in_progress", progress });
    },

    /** The owner's jobs, newest first, after the cursor id, optionally of one status. */
    async list(
      owner: string,
      options: { limit: number; after?: string | undefined; status?: JobStatus | undefined },
    ): Promise<{ data: JobRecord[]; hasMore: boolean }> {
      const index = keys.ownerJobs(owner);
      // Drop ids whose records expired, so the index stays bounded.
      await redis.zremrangebyscore(index, 0, Date.now() - ttlSeconds * 1000);
      let start = 0;
      if (options.after) {
        const rank = await redis.zrevrank(index, options.after);
        if (rank === null) return { data: [], hasMore: false };
        start = rank + 1;
      }
      const data: JobRecord[] = [];
      const page = Math.max(options.limit * 2, 50);
      for (;;) {
        const ids = await redis.zrevrange(index, start, start + page - 1);
        if (ids.length === 0) return { data, hasMore: false };
        const pipeline = redis.pipeline();
        for (const id of ids) pipeline.hgetall(keys.job(id));
        const rows = (await pipeline.exec()) ?? [];
        for (const [, hash] of rows) {
          const record = decode((hash ?? {}) as Record<string, string>);
          if (!record || (options.status && record.status !== options.status)) continue;
          if (data.length === options.limit) return { data, hasMore: true };
          data.push(record);
        }
        start += ids.length;
      }
    },

    /** Saves an upstream task id the moment submit returns. */
    async saveTask(id: string, taskKey: string, task: unknown): Promise<void> {
      const key = keys.jobTasks(id);
      await redis.multi().hset(key, taskKey, JSON.stringify(task)).expire(key, ttlSeconds).exec();
    },

    /** The upstream tasks saved for a job, by task key. */
    async getTasks(id: string): Promise<Record<string, unknown>> {
      const hash = await redis.hgetall(keys.jobTasks(id));
      return Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, JSON.parse(v)]));
    },

    /** Forgets one saved upstream task (the upstream said it failed: the retry submits anew). */
    async forgetTask(id: string, taskKey: string): Promise<void> {
      await redis.hdel(keys.jobTasks(id), taskKey);
    },

    /** The pub/sub channel of a job's state changes. */
    channel(id: string): string {
      return keys.jobEvents(id);
    },
  };
}
