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
  };
}
