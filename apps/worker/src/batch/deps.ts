/** What the batch processors share. */
import type {
  BatchQueue,
  BatchStore,
  Config,
  FileStore,
  ImageQueues,
  JobStore,
  PresentOptions,
  WebhookQueue,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { BlobStore } from "@imagegate/storage";
import type { Logger } from "pino";

export type BatchDeps = {
  config: Config;
  store: JobStore;
  batches: BatchStore;
  files: FileStore;
  blobs: BlobStore;
  queues: ImageQueues;
  batchQueue: BatchQueue;
  webhooks: WebhookQueue;
  present: PresentOptions;
  enabled: ReadonlySet<ProviderId>;
  logger: Logger;
};

/** Unix seconds. */
export const nowS = () => Math.floor(Date.now() / 1000);

/** Queues the finalize step once every line is final and the batch is past validation. */
export async function finalizeWhenDone(deps: BatchDeps, batchId: string): Promise<void> {
  const batch = await deps.batches.get(batchId);
  if (!batch || (batch.status !== "in_progress" && batch.status !== "cancelling")) return;
  const { total, completed, failed } = batch.request_counts;
  if (completed + failed >= total) await deps.batchQueue.finalize(batchId);
}
