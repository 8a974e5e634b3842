/**
 * Stopping a batch — on cancel, or when its 24 h window ends: children that
 * have not started are canceled and taken off their queues (their lines end
 * with `batch_cancelled` / `batch_expired`); running ones finish and keep
 * their results. The batch then finalizes as `cancelled` or `expired`.
 */
import { finalizeBatchWhenDone } from "@imagegate/jobs";
import { unixSeconds } from "@imagegate/params";
import type { BatchDeps } from "./deps";

const CHUNK = 500;

/** Stops batch `batchId`; `reason` is why (a cancel, or the window's end). */
export async function stopBatch(
  deps: BatchDeps,
  batchId: string,
  reason: "cancelled" | "expired",
): Promise<string> {
  const batch = await deps.batches.get(batchId);
  if (!batch) return "gone";
  if (reason === "expired") {
    // The window ended on a batch still running: it expires the same way a cancel stops it.
    const expiring = await deps.batches.transition(
      batchId,
      ["validating", "in_progress"],
      "cancelling",
      {
        stop_reason: "expired",
        cancelling_at: unixSeconds(),
      },
    );
    if (!expiring) return "not running";
  } else if (batch.status !== "cancelling") {
    return "not cancelling";
  }
  const code = reason === "cancelled" ? "batch_cancelled" : "batch_expired";
  for (let start = 0; ; start += CHUNK) {
    const ids = await deps.batches.children(batchId, start, start + CHUNK - 1);
    if (ids.length === 0) break;
    const records = await deps.store.getMany(ids);
    for (const record of records) {
      if (record?.status !== "queued") continue;
      const error = {
        message: `The batch was ${reason} before this request ran.`,
        type: "invalid_request_error",
        param: null,
        code,
      };
      const ended = await deps.lifecycle.finishJob(record.id, ["queued"], "canceled", { error });
      if (ended) await deps.queues.remove(record.id, record.provider_order);
    }
  }
  deps.logger.info({ batchId, reason }, "batch stopped");
  await finalizeBatchWhenDone(deps, batchId);
  return "stopped";
}
