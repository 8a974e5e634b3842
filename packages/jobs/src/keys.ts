/** Redis key names, all under the configured prefix (DESIGN §3 QUEUE_PREFIX). */
export function redisKeys(prefix: string) {
  return {
    job: (id: string) => `${prefix}:job:${id}`,
    jobEvents: (id: string) => `${prefix}:job:${id}:events`,
    /** Jobs not final yet, scored by when the reconciler should next look at them. */
    openJobs: () => `${prefix}:jobs:open`,
    /** The reconciler's lock: one sweep at a time across worker processes. */
    reconcilerLock: () => `${prefix}:reconciler:lock`,
    /** Pub/sub channel of verified provider callbacks: `{provider, taskId}` wakes the waiting poll. */
    callbacks: () => `${prefix}:callbacks`,
    /** A provider callback already seen (replays are refused). */
    callbackSeen: (provider: string, id: string) => `${prefix}:callback-seen:${provider}:${id}`,
    ownerJobs: (owner: string) => `${prefix}:owner:${owner}:jobs`,
    secret: (name: string) => `${prefix}:secret:${name}`,
    idempotency: (owner: string, key: string) => `${prefix}:idem:${owner}:${key}`,
    file: (id: string) => `${prefix}:file:${id}`,
    ownerFiles: (owner: string) => `${prefix}:owner:${owner}:files`,
    batch: (id: string) => `${prefix}:batch:${id}`,
    ownerBatches: (owner: string) => `${prefix}:owner:${owner}:batches`,
    batchChildren: (id: string) => `${prefix}:batch:${id}:children`,
    batchFinal: (id: string) => `${prefix}:batch:${id}:final`,
    batchLineErrors: (id: string) => `${prefix}:batch:${id}:line-errors`,
    /** A managed API key's record (its id is the owner id of the key). */
    apiKey: (id: string) => `${prefix}:apikey:${id}`,
    /** Managed key ids, scored by creation time. */
    apiKeys: () => `${prefix}:apikeys`,
    /** An owner's webhook signing secrets (current, and the previous one during its grace). */
    webhookSecret: (owner: string) => `${prefix}:owner:${owner}:webhook-secret`,
    /** An owner's lifetime usage and budget counters (micro-dollars, images, jobs). */
    usage: (owner: string) => `${prefix}:owner:${owner}:usage`,
    /** An owner's outstanding budget holds: hold id → micro-dollars. */
    usageHolds: (owner: string) => `${prefix}:owner:${owner}:holds`,
    /** An owner's usage of one UTC day (`YYYY-MM-DD`). */
    usageDay: (owner: string, day: string) => `${prefix}:owner:${owner}:usage:${day}`,
    /** An owner's open event streams and long polls, scored by when each lapses. */
    streams: (owner: string) => `${prefix}:owner:${owner}:streams`,
    /** Prefix of the per-key request counters (rate-limiter-flexible adds `:<owner>`). */
    rateLimit: (name: string) => `${prefix}:ratelimit:${name}`,
  };
}
