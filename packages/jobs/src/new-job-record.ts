/**
 * The one constructor of job records, used by the API (submit), the batch
 * ingester (children) and tests: every field a new job starts with.
 */
import type { NormalizedRequest, ProviderId } from "@imagegate/params";
import type { JobCost, JobRecord } from "./records";

/** What differs between new jobs. */
export type NewJobInput = {
  id: string;
  owner: string;
  request: NormalizedRequest;
  /** The catalog id of the model. */
  model: string;
  /** Providers to try, in order. */
  route: ProviderId[];
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
    route: input.route,
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
