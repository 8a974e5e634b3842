/**
 * Budget holds of a batch's lines (docs/architecture.md#tenants): each ingested
 * chunk's children are held against the owner's budget in one atomic step,
 * in line order, before they are enqueued; a line whose estimate no longer
 * fits becomes an `insufficient_quota` error line instead of a job. Hold ids
 * are derived from the batch and the line's custom_id, so an ingestion
 * re-run after a crash finds its holds instead of taking them twice.
 */
import { createHash } from "node:crypto";
import { type JobRecord, quotaMessage, toMicros } from "@imagegate/jobs";
import type { BatchDeps } from "./deps";

/** The hold id of a batch line. */
export function lineHoldId(batchId: string, customId: string): string {
  return `${batchId}:${createHash("sha256").update(customId).digest("hex").slice(0, 24)}`;
}

/** Children that were held, and those refused with the reason. */
export type HeldLines = {
  accepted: JobRecord[];
  refused: { record: JobRecord; message: string }[];
};

/** Holds `records` (a chunk's children) against `budgetUsd` (null = none). */
export async function holdLines(
  deps: Pick<BatchDeps, "budgets">,
  owner: string,
  budgetUsd: number | null,
  records: JobRecord[],
): Promise<HeldLines> {
  const priced = records.filter((r) => r.cost !== null);
  if (priced.length === 0) return { accepted: records, refused: [] };
  const budget = budgetUsd === null ? null : toMicros(budgetUsd);
  const estimate = (r: JobRecord) => toMicros(r.cost?.estimated_usd ?? 0);
  const answer = await deps.budgets.hold(
    owner,
    priced.map((r) => ({ id: r.cost?.hold_id ?? r.id, micros: estimate(r) })),
    budget,
  );
  const refusedIds = new Set(priced.filter((_, i) => !answer.accepted[i]).map((r) => r.id));
  const out: HeldLines = { accepted: [], refused: [] };
  for (const record of records) {
    if (!refusedIds.has(record.id) || budget === null) {
      out.accepted.push(record);
      continue;
    }
    const message = quotaMessage({
      estimate: estimate(record),
      budget,
      spent: answer.spent,
      held: answer.held,
    });
    out.refused.push({ record, message });
  }
  return out;
}
