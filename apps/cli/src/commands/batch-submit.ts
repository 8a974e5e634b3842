/**
 * `imagegate batch submit|status`: runs too big for a laptop to drive go to the
 * gateway's Batch API (docs/architecture.md#batches-and-files). `submit` turns
 * the items (txt, csv, jsonl or stdin) into OpenAI batch lines, uploads them as
 * a `purpose=batch` file and creates the batch; `status` reads it, or waits for
 * it to end.
 */
import type { BatchItem } from "../batch-items";
import type { Client, JsonObject } from "../client";

/** The endpoints a batch can target. */
export const BATCH_ENDPOINTS = {
  generations: "/v1/images/generations",
  edits: "/v1/images/edits",
} as const;

/** Options of `batch submit`. */
export type BatchSubmitOptions = {
  endpoint: keyof typeof BATCH_ENDPOINTS;
  /** Fields added to every line unless the item sets them (model, size, …). */
  defaults?: Record<string, unknown>;
  metadata?: Record<string, string>;
  /** A name for the uploaded file. @defaultValue "imagegate-batch.jsonl" */
  filename?: string;
};

/** Statuses after which a batch changes no more. */
export const FINAL_BATCH_STATUSES = new Set(["completed", "failed", "cancelled", "expired"]);

/** The JSONL input file of `items` (one OpenAI batch line each). */
export function batchInput(items: BatchItem[], options: BatchSubmitOptions): string {
  const url = BATCH_ENDPOINTS[options.endpoint];
  return items
    .map((item) =>
      JSON.stringify({
        custom_id: item.customId,
        method: "POST",
        url,
        body: { ...options.defaults, ...item.body },
      }),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** Uploads the items and creates the batch; returns the batch object. */
export async function submitBatch(
  client: Client,
  items: BatchItem[],
  options: BatchSubmitOptions,
): Promise<JsonObject> {
  if (items.length === 0) throw new Error("nothing to submit: the input has no items");
  const form = new FormData();
  form.append("purpose", "batch");
  form.append(
    "file",
    new Blob([batchInput(items, options)], { type: "application/jsonl" }),
    options.filename ?? "imagegate-batch.jsonl",
  );
  // A repeated upload only leaves an unused file behind, so it is retried.
  const file = await client.postForm("/v1/files", form, { retry: true });
  // Not retried: /v1/batches takes no Idempotency-Key, and a repeat would run the batch twice.
  return client.post("/v1/batches", {
    input_file_id: file.id,
    endpoint: BATCH_ENDPOINTS[options.endpoint],
    completion_window: "24h",
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}

/** One batch as a tab-separated line: id, status, "completed/total", failed count. */
export function batchLine(batch: JsonObject): string {
  const counts = (batch.request_counts ?? {}) as {
    total?: number;
    completed?: number;
    failed?: number;
  };
  return [
    batch.id,
    batch.status,
    `${counts.completed ?? 0}/${counts.total ?? 0} completed`,
    `${counts.failed ?? 0} failed`,
  ].join("\t");
}

/** Options of `batch status --wait`. */
export type WaitOptions = {
  /** Time between reads, in milliseconds. @defaultValue 2000 */
  intervalMs?: number;
  /** Called whenever the status line changes. */
  onChange?: (batch: JsonObject) => void;
  sleep?: (ms: number) => Promise<void>;
};

/** Reads a batch until it is final; returns the final object. */
export async function waitForBatch(
  client: Client,
  id: string,
  options: WaitOptions = {},
): Promise<JsonObject> {
  const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  let last = "";
  for (;;) {
    const batch = await client.get(`/v1/batches/${encodeURIComponent(id)}`);
    const line = batchLine(batch);
    if (line !== last) options.onChange?.(batch);
    last = line;
    if (FINAL_BATCH_STATUSES.has(String(batch.status))) return batch;
    await sleep(options.intervalMs ?? 2000);
  }
}
