/**
 * How a job is made, in one place for the API's submit and the batch
 * ingester's children: `planJob` checks the key may use the model, picks the
 * provider order and estimates the cost; `newJobRecord` (also used by tests)
 * writes every field a new job starts with.
 */
import { type NormalizedRequest, type ProviderId, requireModel } from "@imagegate/params";
import { toUsd } from "./budget";
import { assertModelAllowed, type KeyLimits } from "./key-limits";
import { estimateJobMicros, type PriceTable } from "./prices";
import { type ProviderOrders, providerOrderFor } from "./provider-order";
import type { JobCost, JobRecord } from "./records";

/** What differs between new jobs. */
export type NewJobInput = {
  id: string;
  owner: string;
  request: NormalizedRequest;
  /** The catalog id of the model. */
  model: string;
  /** Providers to try, in order (the failover order). */
  providerOrder: ProviderId[];
  requestId: string | null;
  batchId?: string | null;
  customId?: string | null;
  /** Unix seconds. @defaultValue now */
  createdAt?: number;
  /** The estimate held against the key's budget. @defaultValue null (no cost tracking) */
  cost?: JobCost | null;
};

/** A queued job record for `input`; the webhook is pending when the request names one. */
export function newJobRecord(input: NewJobInput): JobRecord {
  const { request } = input;
  return {
    id: input.id,
    owner: input.owner,
    operation: request.operation,
    status: "queued",
    model: input.model,
    provider: null,
    provider_order: input.providerOrder,
    attempts: 0,
    progress: 0,
    created_at: input.createdAt ?? Math.floor(Date.now() / 1000),
    started_at: null,
    completed_at: null,
    request,
    applied: null,
    result: null,
    error: null,
    attempt_log: [],
    webhook: request.webhook_url
      ? { url: request.webhook_url, status: "pending", attempts: 0, last_status_code: null }
      : null,
    batch_id: input.batchId ?? null,
    custom_id: input.customId ?? null,
    metadata: request.metadata ?? null,
    request_id: input.requestId,
    upstream_tasks: [],
    run: null,
    reconciled: 0,
    cost: input.cost ?? null,
  };
}

/** What decides where a new job may run and what it is estimated to cost. */
export type JobPlanContext = {
  /** The caller key's limits (its allowed models). */
  limits: KeyLimits;
  enabled: ReadonlySet<ProviderId>;
  /** The configured provider orders, by model id (PROVIDERS_FILE `routes`, as `config.routes`). */
  routes: ProviderOrders;
  prices: PriceTable;
};

/** A new job and the estimate to hold against its key's budget. */
export type PlannedJob = { record: JobRecord; estimateMicros: number };

/**
 * The queued record of a new job for `input.request`: 403 when the key may not
 * use its model, else its provider order and its estimated cost, held under
 * `holdId` (the job id unless given).
 */
export function planJob(
  input: Omit<NewJobInput, "model" | "providerOrder" | "cost"> & { holdId?: string },
  context: JobPlanContext,
): PlannedJob {
  const { holdId, ...rest } = input;
  const model = requireModel(input.request.model);
  assertModelAllowed(context.limits, model.id);
  const providerOrder = providerOrderFor(model, context.enabled, context.routes);
  const estimateMicros = estimateJobMicros(context.prices, input.request, providerOrder);
  const record = newJobRecord({
    ...rest,
    model: model.id,
    providerOrder,
    cost: {
      estimated_usd: toUsd(estimateMicros),
      actual_usd: null,
      source: null,
      hold_id: holdId ?? input.id,
    },
  });
  return { record, estimateMicros };
}
