/**
 * A key's usage (`GET /v1/usage`, `GET /admin/keys/{id}/usage`): what its
 * jobs made and cost — lifetime, or in a window of whole UTC days given by
 * `start_time` / `end_time` (unix seconds) — beside its budget as of now.
 */
import { type KeyLimits, presentUsage, toMicros, type UsageView, usageDays } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { ApiDeps } from "../deps";

/** A usage window in unix seconds, or null for the key's lifetime. */
export type UsageWindow = { start: number; end: number } | null;

function seconds(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isInteger(n) || n < 0) {
    throw GatewayError.invalidRequest(name, `${name} must be a unix time in seconds.`);
  }
  return n;
}

/** Parses `start_time` / `end_time`; `end_time` defaults to now, and needs a `start_time`. */
export function parseUsageWindow(query: Record<string, unknown>, nowS: number): UsageWindow {
  const start = seconds(query.start_time, "start_time");
  const end = seconds(query.end_time, "end_time");
  if (start === undefined) {
    if (end !== undefined) {
      throw GatewayError.invalidRequest("start_time", "end_time needs a start_time.");
    }
    return null;
  }
  return { start, end: end ?? nowS };
}

/** The usage object of `owner`, whose limits are `limits`. */
export async function keyUsage(
  deps: ApiDeps,
  owner: string,
  limits: KeyLimits,
  window: UsageWindow,
): Promise<UsageView> {
  const days = window ? usageDays(window.start, window.end) : undefined;
  const [totals, ledger] = await Promise.all([
    deps.budgets.totals(owner, days),
    deps.budgets.counters(owner),
  ]);
  return presentUsage({
    keyId: owner,
    window,
    totals,
    ledger,
    budgetMicros: limits.budget_usd === null ? null : toMicros(limits.budget_usd),
  });
}
