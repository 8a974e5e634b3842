/**
 * Finalizing a batch once every line is final: the output JSONL (one line
 * per succeeded request: `{id, custom_id, response: {status_code: 200,
 * request_id, body}, error: null}`) and the error JSONL (failed, canceled
 * and invalid lines) are streamed to the blob store as files, the batch
 * gets `output_file_id` / `error_file_id` and its final status, any budget
 * hold its lines left behind is released, and its webhook is announced.
 * Output order follows the input; join on custom_id.
 */
import { Readable } from "node:stream";
import { type FileRecord, type JobRecord, presentImages } from "@imagegate/jobs";
import { ERROR_CODES, type ErrorCode, newId, unixSeconds } from "@imagegate/params";
import type { BatchDeps } from "./deps";

const CHUNK = 500;

async function* childLines(
  deps: BatchDeps,
  batchId: string,
  want: "output" | "error",
): AsyncGenerator<string> {
  for (let start = 0; ; start += CHUNK) {
    const ids = await deps.batches.children(batchId, start, start + CHUNK - 1);
    if (ids.length === 0) break;
    for (const record of await deps.store.getMany(ids)) {
      if (!record) continue;
      const line = await lineOf(deps, record);
      if ((want === "output") === (record.status === "succeeded"))
        yield `${JSON.stringify(line)}\n`;
    }
  }
  if (want === "error") {
    for (let start = 0; ; start += CHUNK) {
      const lines = await deps.batches.lineErrors(batchId, start, start + CHUNK - 1);
      if (lines.length === 0) break;
      for (const line of lines) yield `${line}\n`;
    }
  }
}

/** The output or error line of one child. */
async function lineOf(deps: BatchDeps, record: JobRecord) {
  const base = { id: record.request_id, custom_id: record.custom_id };
  if (record.status === "succeeded") {
    const body = await presentImages(record, deps.present);
    return {
      ...base,
      response: { status_code: 200, request_id: record.request_id, body },
      error: null,
    };
  }
  const error = record.error ?? {
    message: `The request ended ${record.status}.`,
    type: "server_error",
    param: null,
    code: "internal_error",
  };
  const code = error.code ?? "internal_error";
  const stopped = code === "batch_cancelled" || code === "batch_expired";
  const status = ERROR_CODES[code as ErrorCode]?.[0] ?? 500;
  return {
    ...base,
    response: stopped
      ? null
      : { status_code: status, request_id: record.request_id, body: { error } },
    error: { code, message: error.message },
  };
}

/** Streams lines into a new batch_output file; returns it, or null when there were none. */
async function writeFile(
  deps: BatchDeps,
  owner: string,
  name: string,
  lines: AsyncGenerator<string>,
): Promise<FileRecord | null> {
  const id = newId("file");
  const key = `files/${id}`;
  let count = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const line of lines) {
        count++;
        yield line;
      }
    })(),
  );
  const info = await deps.blobs.put(key, counted, "application/jsonl");
  if (count === 0) {
    await deps.blobs.delete(key);
    return null;
  }
  const file: FileRecord = {
    id,
    owner,
    bytes: info.bytes,
    created_at: unixSeconds(),
    filename: name,
    purpose: "batch_output",
    key,
    expires_at: null,
  };
  await deps.files.create(file);
  return file;
}

/** Finalizes batch `batchId` (idempotent). */
export async function finalizeBatch(deps: BatchDeps, batchId: string): Promise<string> {
  const batch = await deps.batches.get(batchId);
  if (!batch) return "gone";
  if (batch.status !== "finalizing") {
    const moved = await deps.batches.transition(
      batchId,
      ["in_progress", "cancelling"],
      "finalizing",
      { finalizing_at: unixSeconds() },
    );
    if (!moved) return "skipped";
  }
  const output = await writeFile(
    deps,
    batch.owner,
    `${batchId}_output.jsonl`,
    childLines(deps, batchId, "output"),
  );
  const errors = await writeFile(
    deps,
    batch.owner,
    `${batchId}_error.jsonl`,
    childLines(deps, batchId, "error"),
  );
  // Every line is final, so its hold has ended; one left is from an ingestion that
  // stopped between holding a chunk and writing it, and is given back.
  const orphans = await deps.budgets.releaseMatching(batch.owner, `${batchId}:`);
  if (orphans > 0)
    deps.logger.warn({ batchId, orphans }, "released budget holds of unwritten lines");
  const at = unixSeconds();
  const files = { output_file_id: output?.id ?? null, error_file_id: errors?.id ?? null };
  const final =
    batch.stop_reason === "cancelled"
      ? { status: "cancelled" as const, patch: { ...files, cancelled_at: at } }
      : batch.stop_reason === "expired"
        ? { status: "expired" as const, patch: { ...files, expired_at: at } }
        : { status: "completed" as const, patch: { ...files, completed_at: at } };
  await deps.batches.transition(batchId, ["finalizing"], final.status, final.patch);
  deps.logger.info({ batchId, status: final.status, ...files }, "batch finalized");
  const done = await deps.batches.get(batchId);
  if (done) await deps.webhooks.announce(done, "batch");
  return final.status;
}
