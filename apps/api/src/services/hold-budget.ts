/**
 * Holding a job's estimated cost against its key's budget at submit
 * (docs/architecture.md#tenants): atomic in Redis, so parallel submissions
 * never overspend. A hold that does not fit is a 429 `insufficient_quota`
 * naming what remains; OpenAI SDKs are told not to retry it (waiting does not
 * fix it).
 */
import { quotaMessage, toMicros } from "@imagegate/jobs";
import { GatewayError } from "@imagegate/params";
import type { ApiDeps } from "../deps";
import type { Caller } from "../http/caller";

/** Holds `micros` for `holdId` against the caller's budget; throws 429 when it does not fit. */
export async function holdBudget(
  deps: ApiDeps,
  caller: Pick<Caller, "owner" | "limits">,
  holdId: string,
  micros: number,
): Promise<void> {
  const budget = caller.limits.budget_usd === null ? null : toMicros(caller.limits.budget_usd);
  const answer = await deps.budgets.hold(caller.owner, [{ id: holdId, micros }], budget);
  if (answer.accepted[0] || budget === null) return;
  throw new GatewayError(
    "insufficient_quota",
    quotaMessage({ estimate: micros, budget, spent: answer.spent, held: answer.held }),
    null,
    { headers: { "x-should-retry": "false" } },
  );
}
