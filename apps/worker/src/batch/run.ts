/**
 * The batch run: streams the input file line by line (never whole in
 * memory, each line capped at BATCH_MAX_LINE_BYTES), turns valid lines into
 * child jobs, holds their estimated cost against the owner's budget and
 * enqueues them in chunks with `addBulk` at batch priority — below
 * interactive traffic — while bad lines, and lines past the budget, become
 * error lines. Counts move as it goes; a cancel or expiry seen between
 * chunks stops the ingestion. An empty file or one over 50,000 lines fails
 * the whole batch with `errors`, as does a batch whose managed key was deleted.
 */
import {
  execOrThrow,
  finalizeBatchWhenDone,
  type JobRecord,
  type KeyLimits,
  NO_LIMITS,
  staticOwners,
} from "@imagegate/jobs";
import { GatewayError, newId, unixSeconds } from "@imagegate/params";
import { childJob } from "./child-job";
import type { BatchDeps } from "./deps";
import { holdLines } from "./hold-lines";
import { readLines } from "./line-reader";
import { lineErrorRecord, parseBatchLine } from "./parse-line";

/** Most lines a batch may have (OpenAI's limit). */
const MAX_BATCH_LINES = 50_000;
const CHUNK = 500;

async function failBatch(
  deps: BatchDeps,
  batchId: string,
  code: string,
  message: string,
  line: number | null,
) {
  await deps.batches.transition(batchId, ["validating"], "failed", {
    failed_at: unixSeconds(),
    errors: { object: "list", data: [{ code, message, param: null, line }] },
  });
  const batch = await deps.batches.get(batchId);
  if (batch) await deps.webhooks.announce(batch, "batch");
}

/** The limits of the key that owns a batch: a managed key's, none for a static key; null when deleted. */
async function ownerLimits(deps: BatchDeps, owner: string): Promise<KeyLimits | null> {
  const managed = await deps.keys.get(owner);
  if (managed) return managed.limits;
  return staticOwners(deps.config.apiKeys).has(owner) ? NO_LIMITS : null;
}

/** Runs the ingestion of batch `batchId` (idempotent: only a validating batch is ingested). */
export async function runBatch(deps: BatchDeps, batchId: string): Promise<string> {
  const batch = await deps.batches.get(batchId);
  if (batch?.status !== "validating") return "skipped";
  // A re-run after a crash starts over: children already made are kept, their lines skipped.
  const existing = new Set(
    (await deps.store.getMany(await deps.batches.children(batchId, 0, -1))).flatMap((r) =>
      r?.custom_id ? [r.custom_id] : [],
    ),
  );
  const file = await deps.files.get(batch.input_file_id, batch.owner);
  if (!file) {
    await failBatch(
      deps,
      batchId,
      "file_not_found",
      `Input file ${batch.input_file_id} is gone.`,
      null,
    );
    return "failed";
  }
  const limits = await ownerLimits(deps, batch.owner);
  if (!limits) {
    await failBatch(
      deps,
      batchId,
      "invalid_api_key",
      "The API key that created this batch was deleted.",
      null,
    );
    return "failed";
  }
  const { stream } = await deps.blobs.getStream(file.key);
  const seen = new Set<string>();
  let chunk: JobRecord[] = [];
  const lineOf = new Map<string, number>();
  let errors: string[] = [];
  let lineNo = 0;
  let counted = 0;
  let stopped = false;

  const flush = async () => {
    // Holds first: a line past the budget becomes an error line, not a job.
    const held = await holdLines(deps, batch.owner, limits.budget_usd, chunk);
    for (const { record, message } of held.refused) {
      const line = lineOf.get(record.id) ?? 0;
      errors.push(
        lineErrorRecord(
          newId("batchRequest"),
          record.custom_id,
          "insufficient_quota",
          message,
          line,
        ),
      );
      const images = [
        ...(record.request.images ?? []),
        ...(record.request.mask ? [record.request.mask] : []),
      ];
      await Promise.all(images.map((i) => deps.blobs.delete(i.key).catch(() => {})));
    }
    chunk = held.accepted;
    // Records, the batch's list of them and its counts land in one MULTI; the
    // queue entries follow. A crash in between leaves listed, counted children
    // without queue entries, which the reconciler enqueues (docs/guarantees.md).
    const multi = deps.redis.multi();
    deps.store.createInto(multi, chunk);
    deps.batches.recordChunkInto(multi, batchId, {
      jobIds: chunk.map((r) => r.id),
      lineErrors: errors,
    });
    await execOrThrow(multi);
    await deps.queues.enqueueMany(
      chunk.map((r) => ({ jobId: r.id, providerOrder: r.provider_order, providerIndex: 0 })),
      "batch",
    );
    counted += chunk.length + errors.length;
    chunk = [];
    lineOf.clear();
    errors = [];
    const now = await deps.batches.get(batchId);
    stopped = !now || now.stop_reason !== null;
  };

  /** Turns a line into a child or an error line; false when the line was ingested before. */
  const ingestLine = async (text: string): Promise<boolean> => {
    const parsed = parseBatchLine(text, batch.endpoint, seen);
    if (parsed.ok && existing.has(parsed.customId)) return false;
    if (!parsed.ok) {
      errors.push(
        lineErrorRecord(
          newId("batchRequest"),
          parsed.customId,
          parsed.code,
          parsed.message,
          lineNo,
        ),
      );
    } else {
      try {
        const child = await childJob(deps, batch, parsed.customId, parsed.body, limits);
        chunk.push(child);
        lineOf.set(child.id, lineNo);
      } catch (err) {
        if (!(err instanceof GatewayError)) throw err;
        const where = err.param ? ` (${err.param})` : "";
        errors.push(
          lineErrorRecord(
            newId("batchRequest"),
            parsed.customId,
            err.code,
            `${err.message}${where}`,
            lineNo,
          ),
        );
      }
    }
    return true;
  };

  const maxLineBytes = deps.config.batchMaxLineBytes;
  for await (const item of readLines(stream, maxLineBytes)) {
    lineNo = item.line;
    if ("text" in item && item.text.trim() === "") continue;
    if (lineNo > MAX_BATCH_LINES) {
      stream.destroy();
      await failBatch(
        deps,
        batchId,
        "too_many_requests",
        `The input file has more than ${MAX_BATCH_LINES} lines.`,
        lineNo,
      );
      return "failed";
    }
    if (!("text" in item)) {
      errors.push(
        lineErrorRecord(
          newId("batchRequest"),
          null,
          "line_too_long",
          `The line is longer than ${maxLineBytes} bytes (BATCH_MAX_LINE_BYTES).`,
          lineNo,
        ),
      );
    } else if (!(await ingestLine(item.text))) continue;
    if (chunk.length + errors.length >= CHUNK) {
      await flush();
      if (stopped) break;
    }
  }
  if (!stopped) await flush();
  if (counted === 0 && existing.size === 0 && !stopped) {
    await failBatch(deps, batchId, "empty_file", "The input file has no requests.", null);
    return "failed";
  }
  await deps.batches.transition(batchId, ["validating"], "in_progress", {
    in_progress_at: unixSeconds(),
  });
  deps.logger.info({ batchId, lines: lineNo, requests: counted }, "batch ingested");
  await finalizeBatchWhenDone(deps, batchId);
  return "ingested";
}
