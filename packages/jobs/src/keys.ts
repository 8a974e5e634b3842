/** Redis key names, all under the configured prefix (DESIGN §3 QUEUE_PREFIX). */
export function redisKeys(prefix: string) {
  return {
    job: (id: string) => `${prefix}:job:${id}`,
    jobTasks: (id: string) => `${prefix}:job:${id}:tasks`,
    jobEvents: (id: string) => `${prefix}:job:${id}:events`,
    ownerJobs: (owner: string) => `${prefix}:owner:${owner}:jobs`,
    secret: (name: string) => `${prefix}:secret:${name}`,
    idempotency: (owner: string, key: string) => `${prefix}:idem:${owner}:${key}`,
  };
}
