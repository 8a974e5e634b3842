/**
 * Deliver step: what runs after the upstream delivered — post-process, store
 * the images, write the succeeded record. The upstream is never called again
 * from here: a failing store or record write is retried with backoff, with
 * the processed bytes kept in memory, for a bounded window
 * (STORE_RETRY_WINDOW_MS); only then the job fails with
 * `storage_unavailable` (docs/guarantees.md#after-the-upstream-delivered).
 */
import {
  type JobRecord,
  type JobResult,
  type JobStore,
  LockLostError,
  type UpstreamTaskEntry,
} from "@imagegate/jobs";
import { GatewayError, type ProviderPlan } from "@imagegate/params";
import { type ProviderImage, sleep } from "@imagegate/providers";
import type { BlobStore } from "@imagegate/storage";
import type { Logger } from "pino";
import { type EncodeOptions, postProcess, sizeLabel } from "./post-process";
import { type ProcessedImage, storeImages } from "./store-result";

/** First and largest pause between tries of the store step. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/** Options of `retryWithin`. */
export type RetryWindow = { windowMs: number; signal: AbortSignal; logger: Logger };

/**
 * Runs `fn` until it succeeds, retrying any failure with exponential backoff
 * until `windowMs` has passed since the first one; then throws
 * `storage_unavailable`. A lost lock or an abort stops it at once.
 */
export async function retryWithin<T>(fn: () => Promise<T>, options: RetryWindow): Promise<T> {
  let firstFailureAt: number | undefined;
  for (let tries = 0; ; tries++) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof LockLostError || options.signal.aborted) throw err;
      firstFailureAt ??= Date.now();
      const left = firstFailureAt + options.windowMs - Date.now();
      if (left <= 0) {
        throw new GatewayError(
          "storage_unavailable",
          `The images were made but could not be stored for ${Math.round(options.windowMs / 1000)} s: ${(err as Error).message}`,
          null,
          { cause: err },
        );
      }
      const waitMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** tries, left);
      options.logger.warn({ err: (err as Error).message, waitMs }, "store step failed; retrying");
      await sleep(waitMs, options.signal);
    }
  }
}

/** Post-processes every image; an image sharp cannot read is the upstream's fault. */
export async function processImages(
  images: ProviderImage[],
  plan: ProviderPlan,
  encoding: EncodeOptions = {},
): Promise<ProcessedImage[]> {
  return Promise.all(
    images.map(async (image, index) => {
      try {
        const out = await postProcess(image.data, plan.target, plan.output, encoding);
        return { ...out, seed: image.seed, revisedPrompt: image.revisedPrompt };
      } catch (err) {
        throw new GatewayError(
          "upstream_invalid_image",
          `The upstream delivered image ${index} in a form that cannot be processed: ${(err as Error).message}`,
          null,
          { cause: err },
        );
      }
    }),
  );
}

/** What the deliver step needs. */
export type DeliverInput = {
  /** The job as the run leaves it before this write (its ledger included): the written record is built on it. */
  record: JobRecord;
  fence: string;
  plan: ProviderPlan;
  images: ProcessedImage[];
  store: JobStore;
  blobs: BlobStore;
  window: RetryWindow;
  /** The record fields of success besides the result (provider, attempts, log, applied). */
  patch: Parameters<JobStore["transition"]>[3];
  /** Ledger entries the run kept to write with the result (synchronous upstreams). */
  tasks: readonly UpstreamTaskEntry[];
  /**
   * Told the record the final write will leave, once that write has left
   * (a direct run's answer is built meanwhile: `DirectAnswer.prepare`).
   */
  onWrite?: ((record: JobRecord) => void) | undefined;
};

/** How delivering ended: the succeeded record, or the job had left `in_progress` (a cancel). */
export type Delivered = { status: "succeeded"; record: JobRecord } | { status: "not running" };

/**
 * Stores the images and writes the succeeded record — which also ends the
 * job's budget hold and lists its blobs for retention — retrying within the
 * window; answers the record as written (built here, nothing is read back),
 * or "not running" when the job had left `in_progress` meanwhile (a cancel).
 */
export async function deliver(input: DeliverInput): Promise<Delivered> {
  const { plan } = input;
  return retryWithin(async () => {
    const stored = await storeImages(input.blobs, input.record.id, input.images);
    const now = Math.floor(Date.now() / 1000);
    const result: JobResult = {
      created: now,
      images: stored,
      output_format: plan.output.format,
      // What came back: with `size: auto` the provider chose it.
      size: sizeLabel(input.images),
    };
    const patch = { ...input.patch, progress: 1, completed_at: now, result };
    const ends: JobRecord = { ...input.record, ...patch, status: "succeeded" };
    const written = input.store.move(input.record.id, ["in_progress"], "succeeded", patch, {
      fence: input.fence,
      tasks: input.tasks,
      // The same script ends the job's budget hold and lists its blobs for retention.
      ends,
    });
    // On the check phase, after the write's socket write (turn-writes.ts sends a turn's
    // commands there), so what the caller builds meanwhile overlaps the write's round trip.
    if (input.onWrite) setImmediate(input.onWrite, ends);
    const { moved, record } = await written;
    // Not moved but succeeded: the write landed before a lost reply was resent.
    if (record && (moved || record.status === "succeeded")) return { status: "succeeded", record };
    return { status: "not running" };
  }, input.window);
}
