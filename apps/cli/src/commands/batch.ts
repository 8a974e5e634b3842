/**
 * `imagegate batch run <file> --out DIR`: every item as an async job through
 * the API (bounded concurrency), each image written as `<custom_id>.<ext>`,
 * each outcome appended to `results.jsonl`. A re-run skips items that
 * already succeeded; items interrupted in flight are submitted again with the
 * same Idempotency-Key, so the gateway hands back the job it already made
 * instead of generating twice.
 */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type BatchItem, type ItemSource, readBatchItems } from "../batch-items";
import type { Client, JsonObject } from "../client";
import { safeName } from "../files";
import { createProgress, type Progress } from "../progress";
import { appendResult, finishedIds, type ResultLine } from "../results-file";
import { saveImages } from "./generate";

/** Options of `batch run`. */
export type BatchRunOptions = {
  /** A path, or `-` for standard input. */
  file: string;
  /** The input format (needed for CSV on stdin). @defaultValue by extension, or sniffed on stdin */
  format?: ItemSource["format"];
  stdin?: ItemSource["stdin"];
  out: string;
  /** Requests in flight. @defaultValue 8 */
  concurrency?: number;
  /** Fields added to every request unless the item sets them (model, size, …). */
  defaults?: Record<string, unknown>;
  progress?: boolean;
  /** Stops submitting new items (in-flight ones are left to a re-run). */
  signal?: AbortSignal;
};

/** What a run did. */
export type BatchRunSummary = {
  total: number;
  skipped: number;
  succeeded: number;
  failed: number;
  interrupted: boolean;
};

const FINAL = new Set(["succeeded", "failed", "canceled"]);

/** The Idempotency-Key of an item: the same item always maps to the same job. */
export function itemKey(item: BatchItem): string {
  return `cli-${createHash("sha256")
    .update(JSON.stringify([item.customId, item.body]))
    .digest("hex")
    .slice(0, 40)}`;
}

async function runItem(
  client: Client,
  item: BatchItem,
  options: BatchRunOptions,
): Promise<ResultLine> {
  const base = { custom_id: item.customId, files: [] as string[] };
  try {
    const job = await client.post(
      "/v1/images/generations",
      { ...options.defaults, ...item.body, response_format: "url" },
      { headers: { prefer: "respond-async" }, idempotencyKey: itemKey(item) },
    );
    let current: JsonObject = job;
    while (!FINAL.has(String(current.status)))
      current = await client.get(`/v1/jobs/${job.id}?wait=30`);
    if (current.status !== "succeeded") {
      const error = (current.error ?? {}) as { message?: string };
      return {
        ...base,
        status: String(current.status),
        job_id: String(job.id),
        error: error.message ?? "failed",
      };
    }
    const files = await saveImages(
      client,
      current.result as JsonObject,
      options.out,
      safeName(item.customId),
    );
    return { ...base, status: "succeeded", job_id: String(job.id), files, error: null };
  } catch (err) {
    return { ...base, status: "failed", job_id: null, error: (err as Error).message };
  }
}

/** Runs a batch file; returns the counts. */
export async function batchRunCommand(
  client: Client,
  options: BatchRunOptions,
): Promise<BatchRunSummary> {
  await mkdir(options.out, { recursive: true });
  const resultsPath = join(options.out, "results.jsonl");
  const items = await readBatchItems({
    path: options.file,
    ...(options.format ? { format: options.format } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
  });
  const done = await finishedIds(resultsPath);
  const todo = items.filter((item) => !done.has(item.customId));
  const summary: BatchRunSummary = {
    total: items.length,
    skipped: items.length - todo.length,
    succeeded: 0,
    failed: 0,
    interrupted: false,
  };
  const progress: Progress = createProgress({
    total: items.length,
    initial: summary.skipped,
    enabled: options.progress,
  });
  progress.update(summary.skipped, 0);
  let next = 0;
  const worker = async () => {
    for (;;) {
      if (options.signal?.aborted) {
        summary.interrupted = true;
        return;
      }
      const item = todo[next++];
      if (!item) return;
      const result = await runItem(client, item, options);
      if (options.signal?.aborted && result.status !== "succeeded") {
        summary.interrupted = true;
        return;
      }
      await appendResult(resultsPath, result);
      if (result.status === "succeeded") summary.succeeded++;
      else summary.failed++;
      progress.update(summary.skipped + summary.succeeded, summary.failed);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  progress.stop();
  return summary;
}
