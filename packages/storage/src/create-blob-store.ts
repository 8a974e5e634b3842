/**
 * Picks the blob store driver from options (`STORAGE`,
 * docs/architecture.md#configuration).
 */
import { createFsStore, type FsStoreOptions } from "./fs-store";
import { createS3Store, type S3StoreOptions } from "./s3-store";
import type { BlobStore } from "./types";

/** Options of either driver, tagged by `driver`: `fs` (local disk) or `s3`. */
export type BlobStoreOptions =
  | ({ driver: "fs" } & FsStoreOptions)
  | ({ driver: "s3" } & S3StoreOptions);

/** The blob store for `options.driver`. */
export function createBlobStore(options: BlobStoreOptions): BlobStore {
  return options.driver === "fs" ? createFsStore(options) : createS3Store(options);
}

/** Where blobs go, as configured (`STORAGE`): the fs driver's links are added at start. */
export type StorageSettings = { driver: "fs"; dir: string } | ({ driver: "s3" } & S3StoreOptions);

/**
 * The blob store of `settings`; on local disk its links point at
 * `fs.publicBaseUrl` and are signed with `fs.signingSecret` (S3 presigns its
 * own), and its small new files go through `fs.newFiles` when given.
 */
export function createConfiguredBlobStore(
  settings: StorageSettings,
  fs: Pick<FsStoreOptions, "publicBaseUrl" | "signingSecret" | "newFiles">,
): BlobStore {
  return createBlobStore(settings.driver === "fs" ? { ...settings, ...fs } : settings);
}
