/**
 * The blob store with a span around each write, read and delete, so a
 * job's trace shows its storage step on either driver (the S3 driver's
 * requests also get the aws-sdk instrumentation's spans underneath).
 */
import type { BlobStore } from "@imagegate/storage";
import { withSpan } from "@imagegate/telemetry";

/** `blobs` with spans; links and probes pass through untraced. */
export function traceBlobs(blobs: BlobStore): BlobStore {
  const span = <T>(op: string, key: string, fn: () => Promise<T>) =>
    withSpan(
      `storage.${op}`,
      { "imagegate.storage.driver": blobs.driver, "imagegate.storage.key": key },
      fn,
    );
  return {
    driver: blobs.driver,
    put: (key, body, contentType) => span("put", key, () => blobs.put(key, body, contentType)),
    get: (key) => span("get", key, () => blobs.get(key)),
    getStream: (key) => span("get", key, () => blobs.getStream(key)),
    head: (key) => blobs.head(key),
    delete: (key) => span("delete", key, () => blobs.delete(key)),
    signedUrl: (key, options) => blobs.signedUrl(key, options),
    check: () => blobs.check(),
  };
}
