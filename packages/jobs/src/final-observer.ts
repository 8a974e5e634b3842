/**
 * Observing final jobs once. `announceFinal` may run more than once for a
 * job (a re-run after a crash, the reconciler), in any process; an observer
 * built here claims the job with SET NX before it calls `observe`, so each
 * final job is seen exactly once across every process (metrics count it
 * once). An observer never fails the job's ending: a Redis error only skips
 * the observation and is reported to `onError`.
 */
import { isCluster, redisKeys } from "./keys";
import type { JobRecord } from "./records";
import type { RedisClient } from "./redis";

/** Something told about every final job, once. */
export type FinalJobObserver = (record: JobRecord) => Promise<void>;

/** Options of `observeFinalOnce`. */
export type ObserveFinalOptions = {
  redis: RedisClient;
  prefix: string;
  /** How long the claim is kept: as long as the record. */
  ttlSeconds: number;
  observe: (record: JobRecord) => void;
  onError?: (err: unknown, record: JobRecord) => void;
};

/** An observer that calls `observe` once per final job, whichever process announces it first. */
export function observeFinalOnce(options: ObserveFinalOptions): FinalJobObserver {
  const keys = redisKeys(options.prefix, isCluster(options.redis));
  return async (record) => {
    try {
      const first = await options.redis.set(
        keys.jobCounted(record.id),
        "1",
        "EX",
        options.ttlSeconds,
        "NX",
      );
      if (first === "OK") options.observe(record);
    } catch (err) {
      options.onError?.(err, record);
    }
  };
}
