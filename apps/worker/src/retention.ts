/**
 * The retention sweeper: deletes the blobs of records that expired
 * (JOB_TTL_SECONDS), every RETENTION_INTERVAL_MS. The retention index lists
 * each blob with its record's expiry; a sweep claims the due ones atomically
 * (so any number of worker processes may sweep at once: each blob goes to
 * one of them), deletes those whose record is gone, and lists again those
 * whose record still lives (a TTL that was extended) or whose deletion
 * failed. Deleting an absent blob is fine, so a crash mid-sweep at worst
 * leaves a blob for the S3 lifecycle rule, never deletes a live one.
 */
import type { RetentionIndex } from "@imagegate/jobs";
import type { BlobStore } from "@imagegate/storage";
import type { Logger } from "pino";
import { periodic } from "./periodic";

/** Options of `createRetentionSweeper`. */
export type RetentionSweeperOptions = {
  index: RetentionIndex;
  blobs: BlobStore;
  logger: Logger;
  /** Sweep period; 0 = no sweeps (an S3 lifecycle rule instead). */
  intervalMs: number;
  /** Blobs claimed per round of a sweep. @defaultValue 200 */
  batchSize?: number;
  /** Wait before a failed deletion is tried again. @defaultValue 60 000 ms */
  retryMs?: number;
};

export type RetentionSweeper = ReturnType<typeof createRetentionSweeper>;

/** Creates the sweeper; `start()` begins the periodic sweeps. */
export function createRetentionSweeper(options: RetentionSweeperOptions) {
  const { index, blobs, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const retryMs = options.retryMs ?? 60_000;

  async function settle(key: string, nowMs: number): Promise<"deleted" | "kept" | "failed"> {
    try {
      const ttlMs = await index.recordTtlMs(key);
      if (ttlMs !== -2) {
        // The record lives on (its TTL runs on Redis's clock): look again when it expires.
        await index.reschedule(key, ttlMs > 0 ? Date.now() + ttlMs : nowMs + retryMs);
        return "kept";
      }
      await blobs.delete(key);
      return "deleted";
    } catch (err) {
      logger.warn({ err, key }, "retention: blob not deleted; will retry");
      await index.reschedule(key, nowMs + retryMs).catch(() => {});
      return "failed";
    }
  }

  /** Deletes every due blob whose record is gone, as of `nowMs`; returns how many it deleted. */
  async function sweep(nowMs = Date.now()): Promise<number> {
    let deleted = 0;
    for (;;) {
      const keys = await index.claimDue(nowMs, batchSize);
      if (keys.length === 0) break;
      const results = await Promise.all(keys.map((key) => settle(key, nowMs)));
      deleted += results.filter((r) => r === "deleted").length;
      if (keys.length < batchSize) break;
    }
    if (deleted > 0) logger.info({ deleted }, "retention: expired blobs deleted");
    return deleted;
  }

  return {
    sweep,
    ...periodic(sweep, options.intervalMs, (err) =>
      logger.error({ err }, "retention sweep failed"),
    ),
  };
}
