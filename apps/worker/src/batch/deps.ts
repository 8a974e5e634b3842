/** What the batch processors share. */
import type {
  BatchQueue,
  BatchStore,
  BudgetStore,
  Config,
  FileStore,
  ImageQueues,
  JobLifecycle,
  JobStore,
  KeysStore,
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
  /** Budget holds of the lines as they are enqueued. */
  budgets: BudgetStore;
  /** The batch owner's limits, when it is a managed key. */
  keys: KeysStore;
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
