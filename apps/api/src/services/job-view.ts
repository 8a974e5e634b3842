/**
 * The job object as the API shows it: the stored record presented, plus the
 * live `queue_position` of a queued job (jobs ahead of it on its provider's queue).
 */
import { type JobRecord, presentJob } from "@imagegate/jobs";
import type { ApiDeps } from "../deps";

/**
 * The public job object of `record`. `position: false` skips the queue look-up
 * (the 202 of a fresh submit, where it would cost a Redis round trip on the hot path);
 * `links: true` hands out links even when the job asked for `b64_json` (lists).
 */
export async function jobView(
  deps: ApiDeps,
  record: JobRecord,
  options: { position?: boolean; links?: boolean } = {},
) {
  const view = await presentJob(record, deps.present, options.links ? "url" : undefined);
  if (record.status !== "queued" || options.position === false) return view;
  return { ...view, queue_position: await deps.queues.position(record.id, record.provider_order) };
}
