/**
 * Usage counters (`GET /v1/usage`, docs/architecture.md#tenants), pure: how
 * settled jobs are counted in Redis hashes — `spent` (micro-dollars), `images`,
 * `jobs`, and per model and provider `img:<model>:<provider>` and
 * `usd:<model>:<provider>` — once for the key's lifetime and once per UTC day,
 * and how those hashes fold into the usage object. A time window is answered
 * from the day hashes, so it is counted in whole UTC days.
 */
import { GatewayError } from "@imagegate/params";
import { remainingMicros, toUsd } from "./budget";

/** Longest window one usage request may span (day hashes are kept 400 days). */
export const MAX_USAGE_DAYS = 400;

/** Seconds a day hash is kept. */
export const USAGE_DAY_TTL_SECONDS = (MAX_USAGE_DAYS + 1) * 86_400;

/** The UTC day (`YYYY-MM-DD`) of a unix time in seconds. */
export function usageDay(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

/** The hash field suffix of a model on a provider. */
export function modelField(model: string, provider: string): string {
  return `${model}:${provider}`;
}

/** The UTC days from `startS` to `endS` (unix seconds, inclusive); 400 when the window is too long. */
export function usageDays(startS: number, endS: number): string[] {
  if (endS < startS) {
    throw GatewayError.invalidRequest("end_time", "end_time must not be before start_time.");
  }
  const first = Math.floor(startS / 86_400);
  const last = Math.floor(endS / 86_400);
  if (last - first + 1 > MAX_USAGE_DAYS) {
    throw GatewayError.invalidRequest(
      "start_time",
      `A usage window spans at most ${MAX_USAGE_DAYS} days.`,
    );
  }
  const days: string[] = [];
  for (let d = first; d <= last; d++) days.push(usageDay(d * 86_400));
  return days;
}

/** One model on one provider in a usage answer. */
export type ModelUsage = { model: string; provider: string; images: number; cost_usd: number };

/** Counters folded from one or more usage hashes. */
export type UsageTotals = {
  images: number;
  jobs: number;
  spentMicros: number;
  byModel: { model: string; provider: string; images: number; micros: number }[];
};

/** Sums usage hashes (missing ones are empty) into totals; models sorted by cost, then name. */
export function foldUsage(hashes: readonly Record<string, string>[]): UsageTotals {
  const totals = { images: 0, jobs: 0, spentMicros: 0 };
  const models = new Map<
    string,
    { model: string; provider: string; images: number; micros: number }
  >();
  for (const hash of hashes) {
    for (const [field, raw] of Object.entries(hash)) {
      const value = Number(raw);
      if (!Number.isFinite(value)) continue;
      if (field === "images") totals.images += value;
      else if (field === "jobs") totals.jobs += value;
      else if (field === "spent") totals.spentMicros += value;
      else {
        const [kind, model, provider] = field.split(":");
        if ((kind !== "img" && kind !== "usd") || !model || !provider) continue;
        const key = modelField(model, provider);
        const entry = models.get(key) ?? { model, provider, images: 0, micros: 0 };
        if (kind === "img") entry.images += value;
        else entry.micros += value;
        models.set(key, entry);
      }
    }
  }
  const byModel = [...models.values()].sort(
    (a, b) =>
      b.micros - a.micros || `${a.model}:${a.provider}`.localeCompare(`${b.model}:${b.provider}`),
  );
  return { ...totals, byModel };
}

/** The public usage object. */
export type UsageView = {
  object: "usage";
  key_id: string;
  start_time: number | null;
  end_time: number | null;
  images: number;
  jobs: number;
  spent_usd: number;
  held_usd: number;
  budget_usd: number | null;
  remaining_usd: number | null;
  by_model: ModelUsage[];
};

/** The usage object of a key: counters of the window, and its budget as of now. */
export function presentUsage(input: {
  keyId: string;
  window: { start: number; end: number } | null;
  totals: UsageTotals;
  /** Lifetime spend and current holds: the budget is against these, whatever the window. */
  ledger: { spent: number; held: number };
  budgetMicros: number | null;
}): UsageView {
  const { totals, ledger, budgetMicros } = input;
  const remaining = remainingMicros(ledger, budgetMicros);
  return {
    object: "usage",
    key_id: input.keyId,
    start_time: input.window?.start ?? null,
    end_time: input.window?.end ?? null,
    images: totals.images,
    jobs: totals.jobs,
    spent_usd: toUsd(totals.spentMicros),
    held_usd: toUsd(ledger.held),
    budget_usd: budgetMicros === null ? null : toUsd(budgetMicros),
    remaining_usd: remaining === null ? null : toUsd(remaining),
    by_model: totals.byModel.map((m) => ({
      model: m.model,
      provider: m.provider,
      images: m.images,
      cost_usd: toUsd(m.micros),
    })),
  };
}
