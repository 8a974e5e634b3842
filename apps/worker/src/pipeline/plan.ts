/**
 * Plan step: the job record + the provider it is at in its provider order → the
 * provider plan and the `applied` report saved on the job.
 */
import { randomInt } from "node:crypto";
import type { JobRecord } from "@imagegate/jobs";
import {
  type AppliedReport,
  appliedReport,
  findModel,
  type ProviderId,
  type ProviderPlan,
  planRequest,
} from "@imagegate/params";

/** A seed for an upstream call when the request gives none (a fresh one per call). */
function randomSeed(): number {
  return randomInt(0, 2 ** 32 - 1);
}

/** Plans the job on `provider`; throws GatewayError when the provider cannot take it. */
export function planJob(
  record: JobRecord,
  provider: ProviderId,
): { plan: ProviderPlan; applied: AppliedReport } {
  const model = findModel(record.model);
  if (!model) throw new Error(`model ${record.model} left the catalog`);
  const route = model.routes.find((r) => r.provider === provider);
  if (!route) throw new Error(`${provider} does not serve ${model.id}`);
  const plan = planRequest(record.request, model, route, { randomSeed });
  return { plan, applied: appliedReport(plan, record.request) };
}
