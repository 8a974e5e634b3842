/**
 * `imagegate jobs list|get|cancel`: the caller's async jobs. `list` prints a
 * line per job (tab-separated: id, status, model, provider, created, prompt)
 * for `cut`/`awk`, or the API's list with `--json`; `get` prints the job
 * object and can save its images; `cancel` prints each job's new status.
 */
import type { Client, JsonObject } from "../client";
import { saveImages } from "./generate";

/** Query of `jobs list`. */
export type JobsListOptions = { status?: string; limit?: number; after?: string };

const cell = (value: unknown) =>
  value === null || value === undefined || value === "" ? "-" : String(value).replace(/\s+/g, " ");

/** One job as a tab-separated line: id, status, model, provider, created (ISO), prompt. */
export function jobLine(job: JsonObject): string {
  const created =
    typeof job.created_at === "number" ? new Date(job.created_at * 1000).toISOString() : null;
  const request = (job.request ?? {}) as { prompt?: unknown };
  return [job.id, job.status, job.model, job.provider, created, request.prompt]
    .map(cell)
    .join("\t");
}

/** The query string of `jobs list`. */
export function listQuery(options: JobsListOptions): string {
  const params = new URLSearchParams();
  if (options.status) params.set("status", options.status);
  if (options.limit !== undefined) params.set("limit", String(options.limit));
  if (options.after) params.set("after", options.after);
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** `GET /v1/jobs`: a page of the caller's jobs, newest first. */
export function listJobs(client: Client, options: JobsListOptions): Promise<JsonObject> {
  return client.get(`/v1/jobs${listQuery(options)}`);
}

/** `GET /v1/jobs/{id}`, long-polling up to `waitS` seconds (≤ 60) for a final state. */
export function getJob(client: Client, id: string, waitS?: number): Promise<JsonObject> {
  const wait = waitS ? `?wait=${waitS}` : "";
  return client.get(`/v1/jobs/${encodeURIComponent(id)}${wait}`);
}

/** Writes a succeeded job's images under `dir` as `<job id>[-i].<ext>`. */
export async function saveJobImages(client: Client, job: JsonObject, dir: string) {
  if (job.status !== "succeeded" || !job.result) {
    throw new Error(`job ${String(job.id)} is ${String(job.status)}: no images to save`);
  }
  return saveImages(client, job.result as JsonObject, dir, String(job.id));
}

/** `POST /v1/jobs/{id}/cancel`. A cancel is idempotent, so it is retried like a GET. */
export function cancelJob(client: Client, id: string): Promise<JsonObject> {
  return client.post(`/v1/jobs/${encodeURIComponent(id)}/cancel`, {}, { retry: true });
}
