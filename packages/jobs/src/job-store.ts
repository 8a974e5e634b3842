/**
 * The job store: job records in Redis hashes (laid out by `job-codec.ts`) — the fields fixed at creation
 * in one JSON `doc`, each changing field as its own JSON value (so a worker's
 * progress update and an API cancel never overwrite each other), each
 * accepted upstream task as a `task:…` field (the ledger: never pay twice) —
 * a per-owner sorted set for listing, a sorted set of open jobs for the
 * reconciler, and one pub/sub channel of every job's state changes. Status changes
 * go through one Lua script so a canceled job cannot later "succeed", and a
 * run's writes can be fenced by its token (docs/guarantees.md). The scripts
 * are in `job-store-scripts.ts`.
 */
import { holdEndCall, holdEndingOf } from "./budget-store";
import { encodeFields } from "./hash-record";
import { decodeJobRecord, encodeNewJob, pairsToHash } from "./job-codec";
import { CREATE, TRANSITION, UPDATE } from "./job-store-scripts";
import { isCluster, redisKeys } from "./keys";
import { LockLostError } from "./lock-lost-error";
import { encodeOutboxEntry, type OutboxEntry } from "./outbox-entry";
import {
  isFinal,
  type JobPatch,
  type JobRecord,
  type JobStatus,
  type UpstreamTaskEntry,
  upstreamTaskField,
} from "./records";
import type { RedisClient, RedisMulti } from "./redis";
import { jobBlobKeys } from "./retention-index";

/** When the reconciler first looks at a new job that is still open, by default (docs/guarantees.md). */
export const OPEN_JOB_FIRST_CHECK_MS = 60_000;

/** The reconciler's first look at a new job: two sweeps after it is created. */
export function firstCheckMsFor(reconcileIntervalMs: number): number {
  return reconcileIntervalMs > 0 ? 2 * reconcileIntervalMs : OPEN_JOB_FIRST_CHECK_MS;
}

/** A state-change event of a job; a final one carries the record. */
export type JobEvent = { id: string; status: JobStatus; progress: number; record?: JobRecord };

/** Options of `createJobStore`. */
export type JobStoreOptions = {
  redis: RedisClient;
  prefix: string;
  /** How long records stay readable. */
  ttlSeconds: number;
  /** When the reconciler first looks at a new job still open. @defaultValue 60 s */
  firstCheckMs?: number;
};

/** A fence argument: the JSON of the run token, or "" for an unfenced write. */
const fenceArg = (fence: string | undefined) => (fence === undefined ? "" : JSON.stringify(fence));

/** Options of a write a run makes: `fence` is its token (LockLostError when another run owns the job). */
export type WriteOptions = { fence?: string | undefined };

/** Options of `move`. */
export type MoveOptions = WriteOptions & {
  /** Unix seconds of the job's first start (set only when it leaves `queued`). */
  startedAt?: number;
  /** Ledger entries written in the same step (a synchronous upstream's paid call). */
  tasks?: readonly UpstreamTaskEntry[];
  /**
   * The record as this final write leaves it: its budget hold is ended and
   * its blobs are listed for retention by the same script, so its
   * announcement skips both (`announceFinal(…, { ended: true })`), and a
   * move that happens answers this record (nothing is read back).
   */
  ends?: JobRecord;
};

export type JobStore = ReturnType<typeof createJobStore>;

/** Creates the Redis-backed job store. */
export function createJobStore({
  redis,
  prefix,
  ttlSeconds,
  firstCheckMs = OPEN_JOB_FIRST_CHECK_MS,
}: JobStoreOptions) {
  const keys = redisKeys(prefix, isCluster(redis));
  const scripts = redis as RedisClient & {
    imagegateCreateJob(...args: (string | number)[]): Promise<number>;
    imagegateTransition(...args: string[]): Promise<unknown>;
    imagegateUpdateJob(...args: string[]): Promise<number>;
  };
  // defineCommand sends EVALSHA and falls back to EVAL once per connection.
  if (!("imagegateUpdateJob" in redis)) {
    redis.defineCommand("imagegateCreateJob", { numberOfKeys: 6, lua: CREATE });
    redis.defineCommand("imagegateTransition", { numberOfKeys: 6, lua: TRANSITION });
    redis.defineCommand("imagegateUpdateJob", { numberOfKeys: 1, lua: UPDATE });
  }

  const createArgs = (
    record: JobRecord,
    holdMicros?: number,
    enqueue?: OutboxEntry,
  ): (string | number)[] => [
    keys.job(record.id),
    keys.ownerJobs(record.owner),
    keys.openJobs(),
    keys.usage(record.owner),
    keys.usageHolds(record.owner),
    keys.outbox(),
    ttlSeconds,
    record.created_at * 1000,
    record.id,
    Date.now() + firstCheckMs,
    holdMicros !== undefined && record.cost ? record.cost.hold_id : "",
    Math.max(0, Math.round(holdMicros ?? 0)),
    enqueue ? encodeOutboxEntry(enqueue.data, enqueue.trace) : "",
    ...encodeNewJob(record),
  ];

  /** The ending argument of TRANSITION for `final`, and the keys of its hold (if any). */
  function endingOf(final: JobRecord): { json: string; holdKeys?: string[] } {
    const hold = holdEndingOf(final);
    const call = hold ? holdEndCall(keys, hold) : undefined;
    const json = JSON.stringify({
      ...(call ? { hold: call.args } : {}),
      blobs: jobBlobKeys(final),
      due_at: String((final.created_at + ttlSeconds) * 1000),
    });
    return call ? { json, holdKeys: call.keys } : { json };
  }

  async function publish(record: Pick<JobRecord, "id" | "status" | "progress">): Promise<void> {
    const event = { status: record.status, progress: record.progress };
    await redis.publish(keys.jobEvents(), `${record.id}\n${JSON.stringify(event)}`);
  }

  async function move(
    id: string,
    from: JobStatus[],
    to: JobStatus,
    patch: JobPatch = {},
    options: MoveOptions = {},
  ): Promise<{ moved: boolean; record: JobRecord | null }> {
    const ending = options.ends ? endingOf(options.ends) : null;
    const jobKey = keys.job(id);
    const out = (await scripts.imagegateTransition(
      jobKey,
      keys.openJobs(),
      ...(ending?.holdKeys ?? [jobKey, jobKey, jobKey]),
      keys.retentionDue(),
      JSON.stringify(from),
      fenceArg(options.fence),
      id,
      isFinal(to) ? "1" : "",
      keys.jobEvents(),
      to,
      String(patch.progress ?? (isFinal(to) ? 1 : 0)),
      options.startedAt === undefined ? "" : JSON.stringify(options.startedAt),
      ending?.json ?? "",
      ...encodeFields({ ...patch, status: to }),
      ...(options.tasks ?? []).flatMap((t) => [upstreamTaskField(t), JSON.stringify(t)]),
    )) as (string | number)[];
    const code = Number(out[0]);
    if (code === -2) throw new LockLostError(id);
    if (code < 0) return { moved: false, record: null };
    if (code === 1 && options.ends) return { moved: true, record: options.ends };
    return { moved: code === 1, record: decodeJobRecord(pairsToHash(out.slice(1) as string[])) };
  }

  /** Sets fields without changing the status (progress, provider, attempts…), and ledger entries. */
  async function update(
    id: string,
    patch: JobPatch,
    options: WriteOptions & Pick<MoveOptions, "tasks"> = {},
  ): Promise<void> {
    const { status: _ignored, ...rest } = patch;
    const args = [
      ...encodeFields(rest),
      ...(options.tasks ?? []).flatMap((t) => [upstreamTaskField(t), JSON.stringify(t)]),
    ];
    if (args.length === 0) return;
    const result = await scripts.imagegateUpdateJob(keys.job(id), fenceArg(options.fence), ...args);
    if (result === -2) throw new LockLostError(id);
  }

  return {
    update,

    /**
     * Saves a new record and indexes it under its owner and among open jobs;
     * with `holdMicros`, takes its budget hold in the same step (only for an
     * owner without a budget: a budget is checked by `BudgetStore.hold` first);
     * with `enqueue`, pushes that queue entry (and the trace context to add it
     * under) on the outbox in the same step, for the workers' relay to add
     * (`apps/worker/src/outbox-relay.ts`).
     */
    async create(
      record: JobRecord,
      options: { holdMicros?: number; enqueue?: OutboxEntry } = {},
    ): Promise<void> {
      await scripts.imagegateCreateJob(...createArgs(record, options.holdMicros, options.enqueue));
    },

    /**
     * Queues the creation of many records on `pipeline` (a MULTI, so a batch
     * chunk's records and its batch bookkeeping land together or not at all).
     */
    createInto(pipeline: RedisMulti, records: JobRecord[]): void {
      const p = pipeline as unknown as { imagegateCreateJob(...args: (string | number)[]): void };
      for (const record of records) p.imagegateCreateJob(...createArgs(record));
    },

    /** Reads many records in one round trip (null for missing ones). */
    async getMany(ids: string[]): Promise<(JobRecord | null)[]> {
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hgetall(keys.job(id));
      const rows = (await pipeline.exec()) ?? [];
      return rows.map(([, hash]) => decodeJobRecord((hash ?? {}) as Record<string, string>));
    },

    /** The record, or null when unknown or expired. */
    async get(id: string): Promise<JobRecord | null> {
      return decodeJobRecord(await redis.hgetall(keys.job(id)));
    },

    /**
     * Moves the job to `to` when its status is one of `from`, setting `patch`
     * atomically, and announces the change. Returns false when the status did
     * not allow it; throws LockLostError when `fence` is not the owning run.
     */
    async transition(
      id: string,
      from: JobStatus[],
      to: JobStatus,
      patch: JobPatch = {},
      options: WriteOptions = {},
    ): Promise<boolean> {
      return (await move(id, from, to, patch, options)).moved;
    },

    /**
     * As `transition`, and answers the record as the move left it (or as it
     * was, when the status did not allow the move; null when there is none):
     * the worker's claim and final write need no separate read.
     */
    move,

    /** Throws LockLostError unless the run with token `fence` owns job `id`. */
    async assertRun(id: string, fence: string): Promise<void> {
      if ((await redis.hget(keys.job(id), "run")) !== JSON.stringify(fence)) {
        throw new LockLostError(id);
      }
    },

    /** Announces progress of a running job. */
    async progress(id: string, progress: number): Promise<void> {
      await update(id, { progress });
      await publish({ id, status: "in_progress", progress });
    },

    /**
     * Records an upstream task (new, or its new state). Never fenced: a task
     * the provider accepted is a fact worth keeping whichever run learnt it.
     */
    async saveTask(id: string, entry: UpstreamTaskEntry): Promise<void> {
      await scripts.imagegateUpdateJob(
        keys.job(id),
        "",
        upstreamTaskField(entry),
        JSON.stringify(entry),
      );
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
          const record = decodeJobRecord((hash ?? {}) as Record<string, string>);
          if (!record || (options.status && record.status !== options.status)) continue;
          if (data.length === options.limit) return { data, hasMore: true };
          data.push(record);
        }
        start += ids.length;
      }
    },

    /** Ids of open jobs due for a reconciler look at `nowMs`, oldest due first. */
    async dueOpenJobs(nowMs: number, limit: number): Promise<string[]> {
      return redis.zrangebyscore(keys.openJobs(), 0, nowMs, "LIMIT", 0, limit);
    },

    /** Sets when the reconciler looks at open job `id` next. */
    async scheduleCheck(id: string, atMs: number): Promise<void> {
      await redis.zadd(keys.openJobs(), "XX", atMs, id);
    },

    /** Drops `id` from the open jobs (its record is final or gone). */
    async forgetOpen(id: string): Promise<void> {
      await redis.zrem(keys.openJobs(), id);
    },

    /** The pub/sub channel of every job's state changes (`<id>\n<json>` messages). */
    channel(): string {
      return keys.jobEvents();
    },

    /** The pub/sub channel of cancels alone (same messages, no record). */
    cancelsChannel(): string {
      return keys.jobCancels();
    },
  };
}
