/** What the batch processors share. */
import type {
  BatchQueue,
  BatchStore,
  Config,
  FileStore,
  ImageQueues,
  JobLifecycle,
  JobStore,
  PresentOptions,
  RedisClient,
  WebhookQueue,
} from "@imagegate/jobs";
import type { ProviderId } from "@imagegate/params";
import type { BlobStore } from "@imagegate/storage";
import type { Logger } from "pino";

export type BatchDeps = {
  config: Config;
  /** For the MULTI that lands an ingested chunk whole. */
  redis: RedisClient;
  lifecycle: JobLifecycle;
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
