/**
 * A queued job whose provider no worker serves any more (its credential was
 * removed, or its workers were scaled to zero) would wait forever: the
 * reconciler moves it on. Pure: which way it goes
 * (docs/guarantees.md, "every job ends").
 */
import { isLiveTask, type JobRecord } from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";

/** What to do with a job waiting on `provider`'s queue that no worker serves. */
export type StrandedPlan =
  /** It has a live task there: moving it would pay again; it waits for the provider. */
  | { action: "wait" }
  /** The next provider of its provider order that a worker serves. */
  | { action: "move"; providerIndex: number; provider: ProviderId }
  /** No later provider of its provider order is served. */
  | { action: "fail" };

/** Plans a stranded job's way on from `provider`, given which providers some worker serves. */
export function planStranded(
  record: Pick<JobRecord, "provider_order" | "upstream_tasks">,
  provider: ProviderId,
  served: (provider: ProviderId) => boolean,
): StrandedPlan {
  if (record.upstream_tasks.some((t) => t.provider === provider && isLiveTask(t))) {
    return { action: "wait" };
  }
  const from = record.provider_order.indexOf(provider);
  for (let i = from + 1; i < record.provider_order.length; i++) {
    const next = record.provider_order[i] as ProviderId;
    if (served(next)) return { action: "move", providerIndex: i, provider: next };
  }
  return { action: "fail" };
}
