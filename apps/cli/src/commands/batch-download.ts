/**
 * `imagegate batch download <batch_id> --out DIR`: the images of a finished
 * server-side batch, written as `<custom_id>.<ext>` with every outcome in
 * `results.jsonl` (the same layout as `batch run`). The output and error
 * files are streamed line by line, never held whole. A re-run skips items
 * that already succeeded, so an interrupted download is resumed. A result
 * link that no longer works (links live URL_TTL_SECONDS) is replaced by a
 * fresh one from `GET /v1/jobs/{id}`.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Client, JsonObject } from "../client";
import { safeName } from "../files";
import { createProgress } from "../progress";
import { appendResult, finishedIds, type ResultLine } from "../results-file";
import type { BatchRunSummary } from "./batch";
import { FINAL_BATCH_STATUSES } from "./batch-submit";
import { saveImages } from "./generate";

/** Options of `batch download`. */
export type BatchDownloadOptions = {
  out: string;
  /** Images downloaded at once. @defaultValue 8 */
  concurrency?: number;
  progress?: boolean;
  /** Stops starting new items (a re-run picks up the rest). */
  signal?: AbortSignal;
};

/** One line of a batch's output or error file. */
export type OutputLine = {
  custom_id: string;
  response?: { status_code?: number; body?: JsonObject } | null;
  error?: { message?: string; code?: string } | null;
};

/** Why a line failed, or null when it carries images. */
export function lineError(line: OutputLine): string | null {
  const status = line.response?.status_code ?? 0;
  if (line.response && status >= 200 && status < 300 && !line.error) return null;
  const bodyError = (line.response?.body?.error ?? null) as { message?: string } | null;
  return line.error?.message ?? bodyError?.message ?? `HTTP ${status || "error"}`;
}

async function saveLine(client: Client, line: OutputLine, out: string): Promise<ResultLine> {
  const body = line.response?.body ?? {};
  const jobId = typeof body.job_id === "string" ? body.job_id : null;
  const base = { custom_id: line.custom_id, job_id: jobId };
  const error = lineError(line);
  if (error) return { ...base, status: "failed", files: [], error };
  const name = safeName(line.custom_id);
  try {
    return {
      ...base,
      status: "succeeded",
      files: await saveImages(client, body, out, name),
      error: null,
    };
  } catch (err) {
    if (!jobId) throw err;
    // Most likely an expired link: the job hands out fresh ones.
    const job = await client.get(`/v1/jobs/${jobId}`);
    const files = await saveImages(client, job.result as JsonObject, out, name);
    return { ...base, status: "succeeded", files, error: null };
  }
}

async function* fileLines(client: Client, fileId: unknown): AsyncGenerator<OutputLine> {
  if (typeof fileId !== "string" || !fileId) return;
  for await (const text of client.lines(`/v1/files/${encodeURIComponent(fileId)}/content`)) {
    if (text.trim()) yield JSON.parse(text) as OutputLine;
  }
}

/** Downloads a finished batch; returns the counts. */
export async function downloadBatch(
  client: Client,
  batchId: string,
  options: BatchDownloadOptions,
): Promise<BatchRunSummary> {
  const batch = await client.get(`/v1/batches/${encodeURIComponent(batchId)}`);
  if (!FINAL_BATCH_STATUSES.has(String(batch.status))) {
    throw new Error(`batch ${batchId} is ${String(batch.status)}; add --wait to wait for it`);
  }
  await mkdir(options.out, { recursive: true });
  const resultsPath = join(options.out, "results.jsonl");
  const done = await finishedIds(resultsPath);
  const total = Number((batch.request_counts as { total?: number } | undefined)?.total ?? 0);
  const summary: BatchRunSummary = {
    total,
    skipped: 0,
    succeeded: 0,
    failed: 0,
    interrupted: false,
  };
  const progress = createProgress({ total, enabled: options.progress });
  const lines = (async function* () {
    yield* fileLines(client, batch.output_file_id);
    yield* fileLines(client, batch.error_file_id);
  })();
  // Workers share one generator: each `next()` hands a line to exactly one of them.
  const worker = async () => {
    for (;;) {
      if (options.signal?.aborted) {
        summary.interrupted = true;
        return;
      }
      const next = await lines.next();
      if (next.done) return;
      const line = next.value;
      if (done.has(line.custom_id)) summary.skipped++;
      else {
        const result = await saveLine(client, line, options.out).catch(
          (err): ResultLine => ({
            custom_id: line.custom_id,
            status: "failed",
            job_id: null,
            files: [],
            error: (err as Error).message,
          }),
        );
        await appendResult(resultsPath, result);
        if (result.status === "succeeded") summary.succeeded++;
        else summary.failed++;
      }
      progress.update(summary.skipped + summary.succeeded, summary.failed);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  // Closes the file stream when the run stopped early.
  await lines.return(undefined);
  progress.stop();
  return summary;
}
