/**
 * The actual cost of a job that just delivered (DESIGN §4 "Tenants"),
 * written with its success so the sync answer and the job already show it:
 * the ledger's reported costs (BFL) where given, the price table for the
 * rest. The job lifecycle then settles the key's hold to this amount.
 */
import {
  actualCost,
  inputMegapixels,
  type JobCost,
  type JobRecord,
  type JobStore,
  type PriceTable,
  toUsd,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";

/** The job's cost with its actual amount, or null for a job without cost tracking. */
export async function costOf(
  deps: { store: JobStore; prices: PriceTable },
  record: JobRecord,
  provider: ProviderId,
  images: readonly { width: number; height: number }[],
): Promise<JobCost | null> {
  if (!record.cost) return null;
  // The ledger as the calls left it: each accepted task, with what the provider said it cost.
  const tasks = (await deps.store.get(record.id))?.upstream_tasks ?? record.upstream_tasks;
  const actual = actualCost(deps.prices, {
    provider,
    model: record.model,
    images,
    inputMegapixels: inputMegapixels(record.request),
    tasks,
  });
  return { ...record.cost, actual_usd: toUsd(actual.micros), source: actual.source };
}
