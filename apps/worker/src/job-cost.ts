/**
 * The actual cost of a job that just delivered (docs/providers.md#prices),
 * written with its success so the sync answer and the job already show it:
 * the ledger's reported costs (BFL) where given, the price table for the
 * rest. The job lifecycle then settles the key's hold to this amount.
 */
import {
  actualCost,
  inputMegapixels,
  type JobCost,
  type JobRecord,
  type PriceTable,
  toUsd,
  type UpstreamTaskEntry,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";

/**
 * The job's cost with its actual amount, or null for a job without cost
 * tracking; `tasks` is the ledger as the run knows it (no read).
 */
export function costOf(
  deps: { prices: PriceTable },
  record: JobRecord,
  provider: ProviderId,
  images: readonly { width: number; height: number }[],
  tasks: readonly UpstreamTaskEntry[],
): JobCost | null {
  if (!record.cost) return null;
  const actual = actualCost(deps.prices, {
    provider,
    model: record.model,
    images,
    inputMegapixels: inputMegapixels(record.request),
    tasks,
  });
  return { ...record.cost, actual_usd: toUsd(actual.micros), source: actual.source };
}
