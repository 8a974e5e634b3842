/**
 * Redis key names, all under the configured prefix (QUEUE_PREFIX,
 * docs/architecture.md#redis-keys), and how they spread over the slots of a
 * Redis Cluster:
 *
 * - every record, index and secret of the gateway shares one hash tag,
 *   `{<prefix>}`: the job store's scripts and MULTIs touch a job's hash and
 *   the open-jobs and owner indexes together, a batch chunk lands with its
 *   children's records in one MULTI, and Redis Cluster only runs those when
 *   every key is in one slot;
 * - each BullMQ queue gets its own tag, `{<prefix>:<queue>}` (BullMQ needs
 *   all of one queue's keys in one slot, nothing across queues), so the
 *   providers' queues, webhooks and batches spread over the primaries.
 *
 * On a single node or behind Sentinel nothing is tagged (the key names stay
 * as they always were). A prefix that already carries a `{tag}` is used as
 * given everywhere: every key then lives in that one slot.
 */

/** True when `prefix` already holds a Redis Cluster hash tag. */
export function hasHashTag(prefix: string): boolean {
  return /\{[^}]+\}/.test(prefix);
}

/** The prefix of records and indexes: `{prefix}` on a cluster. */
export function recordsPrefix(prefix: string, clustered: boolean): string {
  return clustered && !hasHashTag(prefix) ? `{${prefix}}` : prefix;
}

/** The BullMQ `prefix` of queue `queue`: its own slot on a cluster. */
export function queuePrefix(prefix: string, queue: string, clustered: boolean): string {
  return clustered && !hasHashTag(prefix) ? `{${prefix}:${queue}}` : prefix;
}

/** True for an ioredis Cluster client (it says so itself). */
export function isCluster(client: { isCluster?: boolean }): boolean {
  return client.isCluster === true;
}

/** Redis key names of records and indexes under `prefix`. */
export function redisKeys(prefix: string, clustered = false) {
  const p = recordsPrefix(prefix, clustered);
  return {
    job: (id: string) => `${p}:job:${id}`,
    /** The pub/sub channel of every job's state changes. */
    jobEvents: () => `${p}:job-events`,
    /**
     * Cancels only (`<id>\n<json>`), for workers: the job-events channel's
     * name + `:cancels`, as the transition script derives it.
     */
    jobCancels: () => `${p}:job-events:cancels`,
    /** Jobs not final yet, scored by when the reconciler should next look at them. */
    openJobs: () => `${p}:jobs:open`,
    /**
     * New jobs' queue entries still to add, pushed on the left by the create
     * script and taken from the right by the workers' relay (`apps/worker/src/outbox-relay.ts`).
     */
    outbox: () => `${p}:outbox`,
    /** The reconciler's lock: one sweep at a time across worker processes. */
    reconcilerLock: () => `${p}:reconciler:lock`,
    /** The retention sweeper's lock and its queue of blobs due for deletion. */
    retentionLock: () => `${p}:retention:lock`,
    retentionDue: () => `${p}:retention:due`,
    /** Pub/sub channel of verified provider callbacks: `{provider, taskId}` wakes the waiting poll. */
    callbacks: () => `${p}:callbacks`,
    /** A provider callback already seen (replays are refused). */
    callbackSeen: (provider: string, id: string) => `${p}:callback-seen:${provider}:${id}`,
    ownerJobs: (owner: string) => `${p}:owner:${owner}:jobs`,
    secret: (name: string) => `${p}:secret:${name}`,
    idempotency: (owner: string, key: string) => `${p}:idem:${owner}:${key}`,
    file: (id: string) => `${p}:file:${id}`,
    ownerFiles: (owner: string) => `${p}:owner:${owner}:files`,
    batch: (id: string) => `${p}:batch:${id}`,
    ownerBatches: (owner: string) => `${p}:owner:${owner}:batches`,
    batchChildren: (id: string) => `${p}:batch:${id}:children`,
    batchFinal: (id: string) => `${p}:batch:${id}:final`,
    batchLineErrors: (id: string) => `${p}:batch:${id}:line-errors`,
    /** A managed API key's record (its id is the owner id of the key). */
    apiKey: (id: string) => `${p}:apikey:${id}`,
    /** Managed key ids, scored by creation time. */
    apiKeys: () => `${p}:apikeys`,
    /** An owner's webhook signing secrets (current, and the previous one during its grace). */
    webhookSecret: (owner: string) => `${p}:owner:${owner}:webhook-secret`,
    /** An owner's lifetime usage and budget counters (micro-dollars, images, jobs). */
    usage: (owner: string) => `${p}:owner:${owner}:usage`,
    /** An owner's outstanding budget holds: hold id → micro-dollars. */
    usageHolds: (owner: string) => `${p}:owner:${owner}:holds`,
    /** An owner's usage of one UTC day (`YYYY-MM-DD`). */
    usageDay: (owner: string, day: string) => `${p}:owner:${owner}:usage:${day}`,
    /** An owner's open event streams and long polls, scored by when each lapses. */
    streams: (owner: string) => `${p}:owner:${owner}:streams`,
    /** Prefix of the per-key request counters (rate-limiter-flexible adds `:<owner>`). */
    rateLimit: (name: string) => `${p}:ratelimit:${name}`,
    /** Pause of a provider queue after a 429. */
    paused: (queue: string) => `${p}:paused:${queue}`,
    /** Sliding-window submit limiter of a provider. */
    submits: (name: string) => `${p}:submits:${name}`,
    /** A provider's upstream tasks in flight: `<job>:<call>` → when its lease lapses (ms). */
    taskSlots: (provider: string) => `${p}:task-slots:${provider}`,
  };
}
